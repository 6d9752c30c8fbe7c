// `pnpm bench`: runs each benchmark and prints its lines. Numbers vary by machine; compare runs.
import { benchRouterOverhead } from './router-overhead.js';

const benches: Array<[string, () => Promise<string[]>]> = [['router overhead', benchRouterOverhead]];

for (const [name, bench] of benches) {
  console.log(`# ${name}`);
  for (const line of await bench()) console.log(`  ${line}`);
}
