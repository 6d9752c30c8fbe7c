import { TokenBucket } from './token-bucket.js';
import type { SimLimits, SimProtocol } from './types.js';

const MINUTE = 60_000;
const DAY = 86_400_000;

/** Unset limits: large enough never to bind in a test or benchmark, still reported in headers. */
const DEFAULTS = {
  rpm: 1_000_000,
  rpd: 100_000_000,
  tpm: 1_000_000_000,
  inputTpm: 400_000_000,
  outputTpm: 80_000_000,
};

export type BucketName = 'requests' | 'requestsDay' | 'tokens' | 'input' | 'output';

/** Why a request was refused, with the numbers the provider puts in its 429 message. */
export type Denial = {
  bucket: BucketName;
  /** The request can never fit: bigger than the whole bucket. */
  tooLarge: boolean;
  limit: number;
  used: number;
  requested: number;
  retryAfterMs: number;
};

/** What an admitted request was charged, to settle later. */
export type Charge = { tokens: number; input: number; output: number };

export type BucketState = { limit: number; remaining: number; resetMs: number };

type ModelBuckets = Record<BucketName, TokenBucket>;

/** RPM/RPD/TPM (OpenAI, Groq) and RPM/ITPM/OTPM (Anthropic) buckets per model for one API key. */
export class RateLimiter {
  readonly #protocol: SimProtocol;
  readonly #now: () => number;
  #limits: SimLimits;
  #models = new Map<string, ModelBuckets>();

  constructor(protocol: SimProtocol, limits: SimLimits, now: () => number) {
    this.#protocol = protocol;
    this.#limits = limits;
    this.#now = now;
  }

  now(): number {
    return this.#now();
  }

  get limits(): SimLimits {
    return this.#limits;
  }

  setLimits(limits: SimLimits): void {
    this.#limits = limits;
    this.#models.clear();
  }

  /** Checks every bucket, and charges them all only if the request fits. */
  admit(model: string, promptTokens: number, maxTokens: number | undefined): Denial | Charge {
    const now = this.#now();
    const buckets = this.#buckets(model, now);
    const checks: Array<[BucketName, number]> = [['requests', 1]];
    const charge: Charge = { tokens: 0, input: 0, output: 0 };
    if (this.#protocol === 'anthropic') {
      charge.input = promptTokens;
      checks.push(['input', promptTokens], ['output', 1]);
    } else {
      if (this.#protocol === 'groq') checks.push(['requestsDay', 1]);
      // OpenAI charges max(max_tokens, estimate); Groq the prompt plus the declared completion cap.
      charge.tokens =
        this.#protocol === 'groq' ? promptTokens + (maxTokens ?? 0) : Math.max(maxTokens ?? 0, promptTokens);
      checks.push(['tokens', charge.tokens]);
    }
    for (const [name, amount] of checks) {
      const bucket = buckets[name];
      const level = bucket.level(now);
      if (level >= amount) continue;
      const tooLarge = amount > bucket.capacity;
      return {
        bucket: name,
        tooLarge,
        limit: bucket.capacity,
        used: Math.max(0, Math.ceil(bucket.capacity - level)),
        requested: amount,
        retryAfterMs: tooLarge ? 0 : bucket.msUntil(amount, now),
      };
    }
    buckets.requests.adjust(1, now);
    if (this.#protocol === 'groq') buckets.requestsDay.adjust(1, now);
    if (charge.tokens) buckets.tokens.adjust(charge.tokens, now);
    if (charge.input) buckets.input.adjust(charge.input, now);
    return charge;
  }

  /** Moves the token buckets from what was charged to what was used. */
  settle(model: string, charge: Charge, inputTokens: number, outputTokens: number): void {
    const now = this.#now();
    const buckets = this.#buckets(model, now);
    if (this.#protocol === 'anthropic') buckets.output.adjust(outputTokens, now);
    else buckets.tokens.adjust(inputTokens + outputTokens - charge.tokens, now);
  }

  state(model: string, name: BucketName): BucketState {
    const now = this.#now();
    const bucket = this.#buckets(model, now)[name];
    return {
      limit: bucket.capacity,
      remaining: Math.max(0, Math.floor(bucket.level(now))),
      resetMs: bucket.msUntilFull(now),
    };
  }

  #buckets(model: string, now: number): ModelBuckets {
    let buckets = this.#models.get(model);
    if (!buckets) {
      const limits = this.#limits;
      buckets = {
        requests: new TokenBucket(limits.rpm ?? DEFAULTS.rpm, MINUTE, now),
        requestsDay: new TokenBucket(limits.rpd ?? DEFAULTS.rpd, DAY, now),
        tokens: new TokenBucket(limits.tpm ?? DEFAULTS.tpm, MINUTE, now),
        input: new TokenBucket(limits.inputTpm ?? limits.tpm ?? DEFAULTS.inputTpm, MINUTE, now),
        output: new TokenBucket(limits.outputTpm ?? DEFAULTS.outputTpm, MINUTE, now),
      };
      this.#models.set(model, buckets);
    }
    return buckets;
  }
}

export function isDenial(value: Denial | Charge): value is Denial {
  return 'bucket' in value;
}
