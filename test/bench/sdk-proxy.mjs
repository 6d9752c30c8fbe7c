import { createServer } from 'node:http';
import OpenAI from 'openai';

// The gateway bench's floor (started by gateway-process.ts): an HTTP server that passes each chat call
// on with one official openai SDK call and writes the provider's JSON back. No router, keys, logs or
// metrics: what any gateway that reaches its provider through the SDK pays at the least. Plain JS so
// it runs under `node` alone, as the built gateway does.

const sdk = new OpenAI({
  apiKey: process.env.BENCH_SIM_KEY,
  baseURL: process.env.BENCH_SIM_URL,
  maxRetries: 0,
});
const server = createServer((request, response) => {
  const chunks = [];
  request.on('data', (chunk) => chunks.push(chunk));
  request.on('end', async () => {
    try {
      const upstream = await sdk.chat.completions
        .create(JSON.parse(Buffer.concat(chunks).toString('utf8')))
        .asResponse();
      const body = await upstream.text();
      response.writeHead(upstream.status, {
        'content-type': 'application/json',
        'content-length': Buffer.byteLength(body),
      });
      response.end(body);
    } catch {
      response.writeHead(502).end();
    }
  });
});

server.listen(0, '127.0.0.1', () => {
  process.stdout.write(`http://127.0.0.1:${server.address().port}\n`);
});
process.once('SIGTERM', () => {
  server.close();
  server.closeAllConnections();
});
