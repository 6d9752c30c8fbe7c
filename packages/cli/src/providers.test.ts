import { createRouter } from '@spillway/core';
import { describe, expect, it } from 'vitest';
import { validateConfig } from './config.js';
import { simulatedProviders } from './providers.js';

describe('providers from a config', () => {
  it("hands an anthropic entry's promptCaching to the adapter: the request carries cache_control", async () => {
    const config = validateConfig({
      providers: [{ kind: 'anthropic', models: ['claude-haiku-4-5'], promptCaching: { ttl: '1h' } }],
    });
    const set = await simulatedProviders(config.providers);
    try {
      const router = createRouter({ providers: set.providers });
      await router.chat({ messages: [{ role: 'user', content: 'hello' }], maxTokens: 16 });
      const body = set.sims.get('anthropic')?.stats().lastRequest?.body as Record<string, unknown>;
      expect(body.cache_control).toEqual({ type: 'ephemeral', ttl: '1h' });
    } finally {
      await set.close();
    }
  });
});
