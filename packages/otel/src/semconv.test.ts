import { describe, expect, it } from 'vitest';
import { semconvMode } from './semconv.js';

describe('semconvMode', () => {
  it.each([
    [undefined, 'v1.41'],
    ['', 'v1.41'],
    ['http', 'v1.41'],
    ['gen_ai_latest_experimental', 'latest'],
    ['http/dup, gen_ai_latest_experimental ,database', 'latest'],
    ['gen_ai_latest_experimental_not', 'v1.41'],
  ])('OTEL_SEMCONV_STABILITY_OPT_IN=%j gives %s', (value, mode) => {
    expect(semconvMode(value)).toBe(mode);
  });
});
