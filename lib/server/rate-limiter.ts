// A token bucket per client: `perMinute` requests refill evenly over a minute, bursts up to
// `perMinute`. Pure (the clock is passed in); the number of clients tracked is bounded, least
// recently seen forgotten first.

export interface RateDecision {
  allowed: boolean;
  /** Whole seconds until one request is allowed again (0 when allowed). */
  retryAfterSeconds: number;
  remaining: number;
}

interface Bucket {
  tokens: number;
  updatedMs: number;
}

export class RateLimiter {
  private readonly buckets = new Map<string, Bucket>();

  constructor(
    private readonly perMinute: number,
    private readonly maxClients = 10_000,
  ) {}

  take(client: string, nowMs: number): RateDecision {
    if (this.perMinute <= 0) return { allowed: true, retryAfterSeconds: 0, remaining: Number.POSITIVE_INFINITY };
    const ratePerMs = this.perMinute / 60_000;
    let bucket = this.buckets.get(client);
    if (bucket) {
      this.buckets.delete(client); // re-inserted below: Map order = least recently seen first
      bucket.tokens = Math.min(this.perMinute, bucket.tokens + Math.max(0, nowMs - bucket.updatedMs) * ratePerMs);
      bucket.updatedMs = nowMs;
    } else {
      bucket = { tokens: this.perMinute, updatedMs: nowMs };
      if (this.buckets.size >= this.maxClients) this.buckets.delete(this.buckets.keys().next().value!);
    }
    this.buckets.set(client, bucket);
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return { allowed: true, retryAfterSeconds: 0, remaining: Math.floor(bucket.tokens) };
    }
    return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil((1 - bucket.tokens) / ratePerMs / 1000)), remaining: 0 };
  }

  get clients(): number {
    return this.buckets.size;
  }
}
