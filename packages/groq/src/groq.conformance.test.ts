import { runAdapterConformance } from '@spillway/testing/conformance';
import Groq from 'groq-sdk';
import { groq } from './groq.js';

runAdapterConformance({
  name: 'groq()',
  protocol: 'groq',
  model: 'openai/gpt-oss-120b',
  makeAdapter: (sim, { apiKey = sim.apiKey, timeoutMs }) =>
    timeoutMs === undefined
      ? groq({ apiKey, baseURL: sim.baseURL })
      : groq({ client: new Groq({ apiKey, baseURL: sim.baseURL, timeout: timeoutMs, maxRetries: 0 }) }),
});
