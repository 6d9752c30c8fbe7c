// The dashboard in a real headless browser (Debian's chromium driven by playwright-core): the page
// renders from /status, redraws after traffic, and shows a breaker opening.
import { existsSync } from 'node:fs';
import { anthropic } from '@spillway/anthropic';
import { createRouter, type Router } from '@spillway/core';
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
});
