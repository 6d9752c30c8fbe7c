import Anthropic from '@anthropic-ai/sdk';
import { runAdapterConformance } from '@spillway/testing/conformance';
import { anthropic } from './anthropic-provider.js';

runAdapterConformance({
  name: 'anthropic()',
  protocol: 'anthropic',
  model: 'claude-haiku-4-5',
  makeAdapter: (sim, { apiKey = sim.apiKey, timeoutMs }) =>
    timeoutMs === undefined
      ? anthropic({ apiKey, baseURL: sim.baseURL })
      : anthropic({
          client: new Anthropic({ apiKey, baseURL: sim.baseURL, timeout: timeoutMs, maxRetries: 0 }),
        }),
});
