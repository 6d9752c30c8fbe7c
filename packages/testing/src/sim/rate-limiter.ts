import { TokenBucket } from './token-bucket.js';
import type { SimLimits } from './types.js';

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

/** How a protocol counts a request against its limits (each wire declares one). */
export type Metering = {
  /**
   * 'total': one tokens-per-minute bucket for input and output, charged up front and settled to real
   * usage (OpenAI, Groq); 'split': input and output buckets (Anthropic); 'input': input tokens only
   * (Gemini's TPM).
   */
  tokens: 'total' | 'split' | 'input';
  /** 'total' only: the up-front charge is max(max_tokens, prompt) (OpenAI) or prompt + max_tokens (Groq). */
  charge?: 'larger' | 'sum';
  /** Requests per day are enforced too (Groq, Gemini). */
  requestsPerDay: boolean;
};

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

/** RPM/RPD/TPM (OpenAI, Groq, Gemini) and RPM/ITPM/OTPM (Anthropic) buckets per model for one API key. */
export class RateLimiter {
  readonly #metering: Metering;
  readonly #now: () => number;
  #limits: SimLimits;
  #models = new Map<string, ModelBuckets>();

  constructor(metering: Metering, limits: SimLimits, now: () => number) {
    this.#metering = metering;
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
    const metering = this.#metering;
    if (metering.requestsPerDay) checks.push(['requestsDay', 1]);
    if (metering.tokens === 'total') {
      charge.tokens =
        metering.charge === 'sum' ? promptTokens + (maxTokens ?? 0) : Math.max(maxTokens ?? 0, promptTokens);
      checks.push(['tokens', charge.tokens]);
    } else {
      charge.input = promptTokens;
      checks.push(['input', promptTokens]);
      if (metering.tokens === 'split') checks.push(['output', 1]);
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
    if (metering.requestsPerDay) buckets.requestsDay.adjust(1, now);
    if (charge.tokens) buckets.tokens.adjust(charge.tokens, now);
    if (charge.input) buckets.input.adjust(charge.input, now);
    return charge;
  }

  /** Moves the token buckets from what was charged to what was used. */
  settle(model: string, charge: Charge, inputTokens: number, outputTokens: number): void {
    const now = this.#now();
    const buckets = this.#buckets(model, now);
    if (this.#metering.tokens === 'split') buckets.output.adjust(outputTokens, now);
    else if (this.#metering.tokens === 'total')
      buckets.tokens.adjust(inputTokens + outputTokens - charge.tokens, now);
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
