import { parseArgs } from 'node:util';
import { startSimulatedProvider } from './sim/start-simulated-provider.js';
import type { SimFaults, SimLimits, SimProtocol } from './sim/types.js';

const USAGE = `spillway-sim: a simulated OpenAI, Anthropic, Groq or Gemini API on loopback

  --protocol openai|anthropic|groq|gemini   (required)
  --port N          default 0 (any free port)      --host H     default 127.0.0.1
  --rpm N  --rpd N  --tpm N  --input-tpm N  --output-tpm N      rate limits
  --ttft-ms N  --tokens-per-second N                             latency
  --fault name=probability   repeatable, e.g. --fault rateLimit=0.1 --fault overloaded=0.05
  --seed N  --api-key KEY
Prints the baseURL and API key, then serves until killed.`;

function number(value: string | undefined, name: string): number | undefined {
  if (value === undefined) return undefined;
  const parsed = Number(value);
  if (!Number.isFinite(parsed) || parsed < 0)
    throw new Error(`--${name} must be a non-negative number, got ${value}`);
  return parsed;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      protocol: { type: 'string' },
      port: { type: 'string' },
      host: { type: 'string' },
      rpm: { type: 'string' },
      rpd: { type: 'string' },
      tpm: { type: 'string' },
      'input-tpm': { type: 'string' },
      'output-tpm': { type: 'string' },
      'ttft-ms': { type: 'string' },
      'tokens-per-second': { type: 'string' },
      fault: { type: 'string', multiple: true },
      seed: { type: 'string' },
      'api-key': { type: 'string' },
      help: { type: 'boolean' },
    },
  });
  if (values.help || !values.protocol) {
    console.log(USAGE);
    process.exitCode = values.help ? 0 : 2;
    return;
  }
  const limits: SimLimits = {
    rpm: number(values.rpm, 'rpm'),
    rpd: number(values.rpd, 'rpd'),
    tpm: number(values.tpm, 'tpm'),
    inputTpm: number(values['input-tpm'], 'input-tpm'),
    outputTpm: number(values['output-tpm'], 'output-tpm'),
  };
  const faults: Record<string, number> = {};
  for (const entry of values.fault ?? []) {
    const [name, probability] = entry.split('=');
    faults[name ?? ''] = number(probability, `fault ${name}`) ?? 0;
  }
  const sim = await startSimulatedProvider({
    protocol: values.protocol as SimProtocol,
    port: number(values.port, 'port'),
    host: values.host,
    limits,
    latency: {
      ttftMs: number(values['ttft-ms'], 'ttft-ms'),
      tokensPerSecond: number(values['tokens-per-second'], 'tokens-per-second'),
    },
    faults: faults as SimFaults,
    seed: number(values.seed, 'seed'),
    apiKey: values['api-key'],
  });
  console.log(`spillway-sim ${sim.protocol} listening`);
  console.log(`baseURL=${sim.baseURL}`);
  console.log(`apiKey=${sim.apiKey}`);
  const stop = () => {
    void sim.close().then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((error: unknown) => {
  console.error(`spillway-sim: ${(error as Error).message}`);
  process.exitCode = 2;
});
