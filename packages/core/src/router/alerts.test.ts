import { describe, expect, it } from 'vitest';
import { ConfigError } from '../errors.js';
import type { AlertEvent, AlertRule } from './alerts.js';
import { say, setup } from './test-helpers.js';

const cheap = { id: 'cheap', inputUsdPerMTok: 0.1, outputUsdPerMTok: 0.1 };
const dear = { id: 'dear', inputUsdPerMTok: 1, outputUsdPerMTok: 2 };

function watch(router: ReturnType<typeof setup>['router']) {
  const seen: Array<[string, AlertEvent]> = [];
  router.on('alert', (event) => seen.push(['alert', event]));
  router.on('alert-cleared', (event) => seen.push(['alert-cleared', event]));
  return seen;
}

describe('alerts', () => {
  it('rate_limited_share fires on the 429 and clears once successes bring the share down', async () => {
    const { router, clock } = setup(
      [
        { name: 'a', models: [cheap], script: { cheap: [{ fail: 'rate_limit', status: 429 }] } },
        { name: 'b', models: [dear] },
      ],
      { alerts: [{ name: '429s', when: 'rate_limited_share', above: 0.25, windowMs: 60_000 }] },
    );
    const seen = watch(router);
    await router.chat(say('one')); // a: 429, b: ok
    expect(seen).toEqual([
      [
        'alert',
        {
          name: '429s',
          when: 'rate_limited_share',
          share: 1,
          above: 0.25,
          windowMs: 60_000,
          count: 1,
          total: 1,
        },
      ],
    ]);
    await clock.advance(5_000); // past the cooldown, so a serves again
    await router.chat(say('two')); // 1 of 3
    expect(seen).toHaveLength(1);
    await router.chat(say('three')); // 1 of 4 = 0.25: back at the threshold
    expect(seen).toHaveLength(2);
    expect(seen[1]).toEqual([
      'alert-cleared',
      {
        name: '429s',
        when: 'rate_limited_share',
        share: 0.25,
        above: 0.25,
        windowMs: 60_000,
        count: 1,
        total: 4,
      },
    ]);
  });

  it('error_share counts over a sliding window: old failures drop out as the fake clock moves', async () => {
    const { router, clock } = setup(
      [
        {
          name: 'a',
          models: [cheap],
          script: {
            cheap: [{ fail: 'server', status: 500 }, { reply: 'ok' }, { fail: 'server', status: 500 }],
          },
        },
      ],
      {
        maxAttempts: 1,
        alerts: [{ name: 'errors', when: 'error_share', above: 0.5, windowMs: 10_000 }],
      },
    );
    const seen = watch(router);
    await expect(router.chat(say('one'))).rejects.toThrow();
    expect(seen.map(([name, event]) => [name, event.share])).toEqual([['alert', 1]]);
    await clock.advance(5_000);
    await router.chat(say('two')); // 1 of 2 is not above 0.5
    expect(seen.map(([name, event]) => [name, event.share])).toEqual([
      ['alert', 1],
      ['alert-cleared', 0.5],
    ]);
    await clock.advance(11_000);
    await expect(router.chat(say('three'))).rejects.toThrow();
    // The first two requests left the window: it holds only this failure.
    expect(seen[2]).toEqual([
      'alert',
      { name: 'errors', when: 'error_share', share: 1, above: 0.5, windowMs: 10_000, count: 1, total: 1 },
    ]);
  });

  it('fallback_share fires when requests fall back; minSamples holds it until the window has enough', async () => {
    const { router } = setup(
      [
        {
          name: 'a',
          models: [cheap],
          script: { cheap: [{ fail: 'overloaded' }, { fail: 'overloaded' }, { fail: 'overloaded' }] },
        },
        { name: 'b', models: [dear] },
      ],
      {
        alerts: [{ name: 'fallbacks', when: 'fallback_share', above: 0.5, windowMs: 60_000, minSamples: 3 }],
      },
    );
    const seen = watch(router);
    await router.chat(say('one'));
    await router.chat(say('two'));
    expect(seen).toEqual([]);
    await router.chat(say('three'));
    expect(seen).toEqual([
      [
        'alert',
        {
          name: 'fallbacks',
          when: 'fallback_share',
          share: 1,
          above: 0.5,
          windowMs: 60_000,
          count: 3,
          total: 3,
        },
      ],
    ]);
  });

  it("a caller's abort or bad request is not an error of the providers", async () => {
    const { router } = setup(
      [{ name: 'a', models: [cheap], script: { cheap: [{ fail: 'invalid_request' }] } }],
      {
        alerts: [{ name: 'errors', when: 'error_share', above: 0, windowMs: 60_000 }],
      },
    );
    const seen = watch(router);
    await expect(router.chat(say('bad'))).rejects.toThrow();
    const controller = new AbortController();
    controller.abort();
    await expect(router.chat({ ...say('gone'), signal: controller.signal })).rejects.toThrow();
    expect(seen).toEqual([]);
  });

  it.each<[string, unknown, string]>([
    ['not an array', { name: 'x' }, 'alerts'],
    ['a rule that is not an object', [1], 'alerts[0]'],
    ['no name', [{ when: 'error_share', above: 0.1, windowMs: 1000 }], 'alerts[0].name'],
    ['an unknown condition', [{ name: 'x', when: 'latency', above: 0.1, windowMs: 1000 }], 'alerts[0].when'],
    ['a share above 1', [{ name: 'x', when: 'error_share', above: 5, windowMs: 1000 }], 'alerts[0].above'],
    [
      'a share of 1, which nothing exceeds',
      [{ name: 'x', when: 'error_share', above: 1, windowMs: 1000 }],
      'alerts[0].above',
    ],
    ['no window', [{ name: 'x', when: 'error_share', above: 0.1, windowMs: 0 }], 'alerts[0].windowMs'],
    [
      'a window longer than a day',
      [{ name: 'x', when: 'error_share', above: 0.1, windowMs: 86_400_001 }],
      'alerts[0].windowMs',
    ],
    [
      'a window that is not a number',
      [{ name: 'x', when: 'error_share', above: 0.1, windowMs: '5m' }],
      'alerts[0].windowMs',
    ],
    [
      'a fractional minSamples',
      [{ name: 'x', when: 'error_share', above: 0.1, windowMs: 1000, minSamples: 1.5 }],
      'alerts[0].minSamples',
    ],
    [
      'a duplicate name',
      [
        { name: 'x', when: 'error_share', above: 0.1, windowMs: 1000 },
        { name: 'x', when: 'fallback_share', above: 0.1, windowMs: 1000 },
      ],
      'alerts[1].name',
    ],
  ])('rejects %s with a ConfigError naming the field', (_, alerts, field) => {
    let error: unknown;
    try {
      setup([{ name: 'a', models: [cheap] }], { alerts: alerts as AlertRule[] });
    } catch (caught) {
      error = caught;
    }
    expect(ConfigError.isInstance(error)).toBe(true);
    expect((error as ConfigError).field).toBe(field);
    expect((error as ConfigError).message).toMatch(new RegExp(`^${field.replace(/[[\].]/g, '\\$&')} `));
  });
});
