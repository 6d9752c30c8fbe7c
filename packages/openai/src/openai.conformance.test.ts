import { runAdapterConformance } from '@spillway/testing/conformance';
import OpenAI from 'openai';
import { openai } from './openai.js';
import { openaiCompatible } from './openai-compatible.js';

runAdapterConformance({
  name: 'openai()',
  protocol: 'openai',
  model: 'gpt-5.4-mini',
  makeAdapter: (sim, { apiKey = sim.apiKey, timeoutMs }) =>
    timeoutMs === undefined
      ? openai({ apiKey, baseURL: sim.baseURL })
      : openai({ client: new OpenAI({ apiKey, baseURL: sim.baseURL, timeout: timeoutMs, maxRetries: 0 }) }),
});

runAdapterConformance({
  name: 'openaiCompatible()',
  protocol: 'openai',
  model: 'served-model',
  makeAdapter: (sim, { apiKey = sim.apiKey, timeoutMs }) =>
    openaiCompatible({
      name: 'compatible',
      baseURL: sim.baseURL,
      apiKey,
      models: [
        {
          id: 'served-model',
          capability: 5,
          inputUsdPerMTok: 0.1,
          outputUsdPerMTok: 0.2,
          contextWindow: 32_000,
          supports: { tools: true, vision: false, json: true, streaming: true },
        },
      ],
      ...(timeoutMs === undefined
        ? {}
        : { client: new OpenAI({ apiKey, baseURL: sim.baseURL, timeout: timeoutMs, maxRetries: 0 }) }),
    }),
});
