/**
 * `GET /dashboard`: one self-contained page (no build step, nothing fetched but `/status`) that polls
 * the status every second and redraws. Text is set with textContent only, so nothing in a model name
 * or a stats section can inject markup.
 */
export const DASHBOARD_PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Spillway gateway</title>
<style>
  :root { color-scheme: light dark; --ok: #1a7f37; --warn: #9a6700; --bad: #cf222e; --dim: #8b949e; }
  body { font: 14px/1.4 system-ui, sans-serif; margin: 1.5rem; }
  h1 { font-size: 1.2rem; margin: 0 0 .25rem; }
  #state { color: var(--dim); margin-bottom: 1rem; }
  #state.stale { color: var(--bad); }
  .tiles { display: flex; flex-wrap: wrap; gap: .75rem; margin-bottom: 1.25rem; }
  .tile { border: 1px solid #8884; border-radius: 6px; padding: .5rem .8rem; min-width: 7rem; }
  .tile b { display: block; font-size: 1.3rem; }
  .tile span { color: var(--dim); font-size: .8rem; }
  table { border-collapse: collapse; width: 100%; margin-bottom: 1.25rem; }
  th, td { text-align: left; padding: .3rem .6rem; border-bottom: 1px solid #8883; white-space: nowrap; }
  th { font-size: .75rem; text-transform: uppercase; color: var(--dim); }
  td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
  .badge { border-radius: 4px; padding: 0 .4rem; font-size: .8rem; color: #fff; }
  .closed { background: var(--ok); } .half-open { background: var(--warn); } .open { background: var(--bad); }
  .bar { display: inline-block; width: 5rem; height: .5rem; background: #8883; border-radius: 3px; vertical-align: middle; margin-right: .3rem; }
  .bar i { display: block; height: 100%; background: var(--ok); border-radius: 3px; }
  .limit { font-size: .8rem; display: block; }
  h2 { font-size: 1rem; margin: 1rem 0 .4rem; }
  pre { font-size: .8rem; background: #8881; padding: .5rem; overflow: auto; }
  caption { text-align: left; font-weight: 600; font-size: 1rem; padding: .2rem 0 .4rem; }
  .bar.over i { background: var(--bad); } .bar.high i { background: var(--warn); }
  .empty { color: var(--dim); }
</style>
</head>
<body>
<h1>Spillway gateway</h1>
<div id="state" role="status" aria-live="polite">connecting…</div>
<div class="tiles" id="tiles"></div>
<table id="models-table">
  <caption>Providers and models</caption>
  <thead><tr><th scope="col">provider / model</th><th scope="col">circuit</th><th scope="col" class="num">cooldown</th><th scope="col">limits left</th><th scope="col" class="num">requests</th><th scope="col" class="num">429s absorbed</th><th scope="col">failures</th><th scope="col" class="num">p50</th><th scope="col" class="num">spend</th></tr></thead>
  <tbody id="models"></tbody>
</table>
<table id="budgets-table">
  <caption>Spend budgets</caption>
  <thead><tr><th scope="col">budget</th><th scope="col">scope</th><th scope="col">spent of limit</th><th scope="col" class="num">remaining</th><th scope="col" class="num">window resets in</th></tr></thead>
  <tbody id="budgets"></tbody>
</table>
<table id="cache-table">
  <caption>Response cache</caption>
  <thead><tr><th scope="col" class="num">hit rate</th><th scope="col" class="num">hits</th><th scope="col" class="num">coalesced</th><th scope="col" class="num">misses</th><th scope="col" class="num">saved</th></tr></thead>
  <tbody id="cache"></tbody>
</table>
<div id="sections"></div>
<script>
(() => {
  const interval = Number(new URLSearchParams(location.search).get('interval')) || 1000;
  const statusUrl = new URL('status', location.href.replace(/\\/dashboard\\/?(\\?.*)?$/, '/'));
  const el = (tag, props = {}, children = []) => {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(props)) {
      if (key === 'text') node.textContent = String(value);
      else node.setAttribute(key, String(value));
    }
    for (const child of children) node.append(child);
    return node;
  };
  const usd = (value) => '$' + (value === 0 || value >= 0.01 ? value.toFixed(2) : value.toPrecision(2));
  const percent = (share) => (share * 100).toFixed(share > 0 && share < 0.1 ? 1 : 0) + '%';
  const duration = (seconds) => seconds >= 86400 ? Math.round(seconds / 3600) + ' h' : seconds >= 120 ? Math.round(seconds / 60) + ' min' : seconds + ' s';
  const none = (columns, text) => el('tr', {}, [el('td', { class: 'empty', colspan: columns, text })]);
  const tile = (id, label, value) => el('div', { class: 'tile', id }, [el('b', { text: value }), el('span', { text: label })]);
  const limits = (budget) => Object.entries(budget).map(([name, { available, capacity }]) => {
    const share = capacity > 0 ? Math.max(0, Math.min(1, available / capacity)) : 0;
    const bar = el('span', { class: 'bar' }, [el('i', { style: 'width:' + Math.round(share * 100) + '%' })]);
    return el('span', { class: 'limit' }, [bar, name + ' ' + Math.floor(available) + '/' + Math.floor(capacity)]);
  });
  function render(status) {
    document.getElementById('tiles').replaceChildren(
      tile('in-flight', 'in flight', status.inFlight),
      tile('queue-depth', 'queued', status.queueDepth),
      tile('requests', 'provider calls', status.totals.requests),
      tile('rate-limited', '429s absorbed', status.totals.rateLimited),
      tile('fallbacks', 'fallbacks', status.totals.fallbacks),
      tile('spend', 'spend', usd(status.totals.costUsd)),
      tile('cache-hit-rate', 'cache hit rate', status.cache && status.cache.hitRate != null ? percent(status.cache.hitRate) : '–'),
    );
    document.getElementById('models').replaceChildren(...status.models.map((model) => {
      const failures = Object.entries(model.failures).map(([name, count]) => name + ' ' + count).join(', ');
      return el('tr', { 'data-model': model.provider + '/' + model.model }, [
        el('td', { text: model.provider + ' / ' + model.model }),
        el('td', {}, [el('span', { class: 'badge circuit ' + model.circuit, text: model.circuit })]),
        el('td', { class: 'num cooldown', text: model.cooldownMs > 0 ? (model.cooldownMs / 1000).toFixed(1) + ' s' : '–' }),
        el('td', {}, limits(model.limits)),
        el('td', { class: 'num requests', text: model.requests }),
        el('td', { class: 'num', text: model.rateLimited }),
        el('td', { text: failures || '–' }),
        el('td', { class: 'num', text: model.p50Ms == null ? '–' : Math.round(model.p50Ms) + ' ms' }),
        el('td', { class: 'num', text: usd(model.costUsd) }),
      ]);
    }));
    const budgets = status.budgets.map((budget) => {
      const share = Math.max(0, Math.min(1, budget.usedShare));
      const level = budget.usedShare >= 1 ? ' over' : budget.usedShare >= 0.9 ? ' high' : '';
      const bar = el('span', { class: 'bar' + level, role: 'img', 'aria-label': percent(budget.usedShare) + ' used' }, [el('i', { style: 'width:' + Math.round(share * 100) + '%' })]);
      return el('tr', { 'data-budget': budget.label }, [
        el('td', { text: budget.label }),
        el('td', { text: budget.scope + (budget.instance ? ' ' + budget.instance : '') }),
        el('td', { class: 'spent' }, [bar, usd(budget.spentUsd) + ' of ' + usd(budget.limitUsd)]),
        el('td', { class: 'num remaining', text: usd(budget.remainingUsd) }),
        el('td', { class: 'num', text: duration(budget.resetsInS) }),
      ]);
    });
    document.getElementById('budgets').replaceChildren(...(budgets.length ? budgets : [none(5, 'No spend budgets.')]));
    const cache = status.cache;
    document.getElementById('cache').replaceChildren(cache
      ? el('tr', {}, [
          el('td', { class: 'num hit-rate', text: cache.hitRate == null ? '–' : percent(cache.hitRate) }),
          el('td', { class: 'num hits', text: cache.hits }),
          el('td', { class: 'num', text: cache.coalesced }),
          el('td', { class: 'num misses', text: cache.misses }),
          el('td', { class: 'num', text: usd(cache.savedUsd) }),
        ])
      : none(5, 'The router has no response cache.'));
    document.getElementById('sections').replaceChildren(...Object.entries(status.sections).map(([name, value]) =>
      el('section', { 'data-section': name }, [el('h2', { text: name }), el('pre', { text: JSON.stringify(value, null, 2) })])));
    const state = document.getElementById('state');
    state.className = '';
    state.textContent = (status.draining ? 'draining · ' : '') + 'updated ' + new Date(status.time).toLocaleTimeString() + ' · up ' + status.uptimeS + ' s';
  }
  async function poll() {
    try {
      const response = await fetch(statusUrl, { cache: 'no-store' });
      if (!response.ok) throw new Error('status ' + response.status);
      render(await response.json());
    } catch (error) {
      const state = document.getElementById('state');
      state.className = 'stale';
      state.textContent = 'no status: ' + error.message;
    }
    setTimeout(poll, interval);
  }
  poll();
})();
</script>
</body>
</html>
`;
