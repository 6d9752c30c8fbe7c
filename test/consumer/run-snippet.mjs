// Runs a compiled README snippet unchanged against simulated providers: the official SDKs read
// their base URL and key from the environment when the adapter is given none.
import { startSimulatedProvider } from '@spillway/testing';

const ENV = {
  openai: ['OPENAI_BASE_URL', 'OPENAI_API_KEY'],
  anthropic: ['ANTHROPIC_BASE_URL', 'ANTHROPIC_API_KEY'],
  groq: ['GROQ_BASE_URL', 'GROQ_API_KEY'],
  gemini: ['GOOGLE_GEMINI_BASE_URL', 'GEMINI_API_KEY'],
};
const sims = [];
for (const [protocol, [urlVariable, keyVariable]] of Object.entries(ENV)) {
  const sim = await startSimulatedProvider({ protocol, seed: sims.length + 1 });
  sims.push(sim);
  process.env[urlVariable] = sim.baseURL;
  process.env[keyVariable] = sim.apiKey;
}
try {
  await import(new URL(process.argv[2], `file://${process.cwd()}/`).href);
} finally {
  await Promise.all(sims.map((sim) => sim.close()));
}
