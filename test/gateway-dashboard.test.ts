// The dashboard in a real headless browser (Debian's chromium driven by playwright-core): the page
// renders from /status, redraws after traffic, shows a breaker opening, spend moving against a budget
// and the cache hit rate after repeated prompts.
import { existsSync } from 'node:fs';
import { anthropic } from '@spillway/anthropic';
import { createRouter, memoryCache, type Router } from '@spillway/core';
import { type Gateway, startGateway } from '@spillway/gateway';
import { openai } from '@spillway/openai';
import { type SimulatedProvider, startSimulatedProvider } from '@spillway/testing';
import { type Browser, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const browserPath = [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser'].find(
  (path): path is string => Boolean(path && existsSync(path)),
);
const SKIP =
  'no chromium on this machine (apt-get install chromium, or set CHROMIUM_PATH): dashboard browser test skipped';
const KEY = 'sk-dashboard-test-key';

describe.skipIf(!browserPath)(`gateway dashboard in chromium${browserPath ? '' : ` (${SKIP})`}`, () => {
  let sims: SimulatedProvider[];
  let router: Router;
  let gateway: Gateway;
  let browser: Browser;

  beforeAll(async () => {
    sims = await Promise.all([
      startSimulatedProvider({ protocol: 'openai' }),
      startSimulatedProvider({ protocol: 'anthropic' }),
    ]);
    const [openaiSim, anthropicSim] = sims as [SimulatedProvider, SimulatedProvider];
    router = createRouter({
      providers: [
        openai({ apiKey: openaiSim.apiKey, baseURL: openaiSim.baseURL, models: ['gpt-5.4-mini'] }),
        anthropic({
          apiKey: anthropicSim.apiKey,
          baseURL: anthropicSim.baseURL,
          models: ['claude-haiku-4-5'],
        }),
      ],
      breaker: { volumeThreshold: 2, errorThresholdPercentage: 50, resetTimeoutMs: 600_000 },
    });
    [gateway, browser] = await Promise.all([
      startGateway({ router, keys: [{ key: KEY }] }),
      chromium.launch({ executablePath: browserPath, args: ['--no-sandbox'] }),
    ]);
  });

  afterAll(async () => {
    await browser?.close();
    await gateway?.close();
    await router?.close();
    await Promise.all(sims.map((sim) => sim.close()));
  });

  const chat = () =>
    fetch(`${gateway.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'auto', messages: [{ role: 'user', content: 'Hi' }] }),
    });

  it('renders every model, redraws after traffic and shows the breaker opening', async () => {
    const page = await browser.newPage();
    const problems: string[] = [];
    page.on('pageerror', (error) => problems.push(error.message));
    page.on('requestfailed', (request) => problems.push(`request failed: ${request.url()}`));
    await page.goto(`${gateway.url}/dashboard?interval=100`);
    const openaiRow = page.locator('tr[data-model="openai/gpt-5.4-mini"]');
    await openaiRow.waitFor();
    await page.locator('tr[data-model="anthropic/claude-haiku-4-5"]').waitFor();
    expect(await openaiRow.locator('.circuit').textContent()).toBe('closed');
    expect(await page.locator('#requests b').textContent()).toBe('0');

    expect((await chat()).status).toBe(200);
    await page.locator('#requests b', { hasText: /^1$/ }).waitFor();
    expect(await openaiRow.locator('.requests').textContent()).toBe('1');

    // OpenAI starts failing: clients still get answers (from Anthropic) while its breaker opens.
    (sims[0] as SimulatedProvider).setFaults({ serverError: 1 });
    for (
      let sent = 0;
      sent < 6 && router.stats().providers.openai?.models['gpt-5.4-mini']?.circuit !== 'open';
      sent++
    )
      expect((await chat()).status).toBe(200);
    expect(router.stats().providers.openai?.models['gpt-5.4-mini']?.circuit).toBe('open');
    await openaiRow.locator('.circuit.open').waitFor();
    expect(await page.locator('#fallbacks b').textContent()).not.toBe('0');
    // Everything the page needs came from the gateway itself.
    expect(problems).toEqual([]);
    await page.close();
  });

  it('shows spend moving against a budget after traffic, and the cache hit rate after repeated prompts', async () => {
    const openaiSim = await startSimulatedProvider({ protocol: 'openai' });
    const spending = createRouter({
      providers: [openai({ apiKey: openaiSim.apiKey, baseURL: openaiSim.baseURL, models: ['gpt-5.4-mini'] })],
      budgets: [{ name: 'daily', limitUsd: 5, window: 'day' }],
      cache: memoryCache(),
    });
    const spendingGateway = await startGateway({ router: spending, keys: [{ key: KEY }] });
    const ask = (content: string) =>
      fetch(`${spendingGateway.url}/v1/chat/completions`, {
        method: 'POST',
        headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' },
        body: JSON.stringify({ model: 'auto', messages: [{ role: 'user', content }] }),
      });
    const page = await browser.newPage();
    const problems: string[] = [];
    page.on('pageerror', (error) => problems.push(error.message));
    try {
      await page.goto(`${spendingGateway.url}/dashboard?interval=100`);
      // Before any traffic: labelled tables, nothing spent of the budget, nothing looked up in the cache.
      await page.getByRole('table', { name: 'Spend budgets' }).waitFor();
      expect(await page.getByRole('columnheader', { name: 'spent of limit' }).count()).toBe(1);
      const daily = page.locator('tr[data-budget="daily"]');
      await daily.waitFor();
      const spentText = async () => (await daily.locator('.spent').textContent()) ?? '';
      const spentUsd = (text: string) => Number(/^\$([\d.e-]+) of \$5\.00$/.exec(text)?.[1]);
      expect(spentUsd(await spentText())).toBe(0);
      expect(await page.locator('#cache .hit-rate').textContent()).toBe('–');

      // Each answered prompt adds its cost: the page comes to show the budget's settled spend (while a
      // call is in flight the budget also holds its most expensive case, so earlier reads can be higher).
      const settled = () => spending.stats().budgets?.daily?.spentUsd ?? 0;
      const showsSettled = (usd: number) =>
        expect
          .poll(async () => Math.abs(spentUsd(await spentText()) - usd) <= usd * 0.05, { timeout: 10_000 })
          .toBe(true);
      expect((await ask('What is a spillway?')).status).toBe(200);
      const first = settled();
      expect(first).toBeGreaterThan(0);
      await showsSettled(first);
      expect((await ask('Why do dams have spillways?')).status).toBe(200);
      expect(settled()).toBeGreaterThan(first * 1.1);
      await showsSettled(settled());

      // The same prompt twice more: two cache hits of four lookups.
      expect((await ask('What is a spillway?')).status).toBe(200);
      expect((await ask('What is a spillway?')).status).toBe(200);
      await page.locator('#cache .hit-rate', { hasText: '50%' }).waitFor();
      expect(await page.locator('#cache .hits').textContent()).toBe('2');
      expect(await page.locator('#cache .misses').textContent()).toBe('2');
      expect(await page.locator('#cache-hit-rate b').textContent()).toBe('50%');
      expect(openaiSim.stats().requests).toBe(2);
      expect(problems).toEqual([]);
    } finally {
      await page.close();
      await spendingGateway.close();
      await spending.close();
      await openaiSim.close();
    }
  });
});
