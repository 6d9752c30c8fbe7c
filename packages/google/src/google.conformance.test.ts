import { GoogleGenAI } from '@google/genai';
import { runAdapterConformance } from '@spillway/testing/conformance';
import { google } from './google.js';

runAdapterConformance({
  name: 'google()',
  protocol: 'gemini',
  model: 'gemini-2.5-flash',
  makeAdapter: (sim, { apiKey = sim.apiKey, timeoutMs }) =>
    timeoutMs === undefined
      ? google({ apiKey, baseURL: sim.baseURL })
      : google({
          client: new GoogleGenAI({ apiKey, httpOptions: { baseUrl: sim.baseURL, timeout: timeoutMs } }),
        }),
});
