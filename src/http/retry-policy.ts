/**
 * When and how long to wait before another upstream attempt: jittered
 * exponential backoff, `retry-after` honoured up to a cap, and a retry
 * budget so retries cannot multiply load during an outage
 * (RELIABILITY.md row 2).
 */

/** A token bucket: each request earns 0.2 retries, up to 20 saved. */
export class RetryBudget {
  private tokens: number;
  private readonly ratio: number;
  private readonly max: number;

  constructor(ratio = 0.2, max = 20) {
    this.ratio = ratio;
    this.max = max;
    this.tokens = max;
  }

  /** Called once per request. */
  earn(): void {
    this.tokens = Math.min(this.max, this.tokens + this.ratio);
  }

  /** Take one retry if the budget allows. */
  spend(): boolean {
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }
}

/** Parse `retry-after` (seconds or HTTP date) into milliseconds. */
export function parseRetryAfter(value: string | null, now = Date.now()) {
  if (value === null || value === '') return null;
  const secs = Number(value);
  if (Number.isFinite(secs)) return Math.max(0, secs * 1000);
  const at = Date.parse(value);
  return Number.isNaN(at) ? null : Math.max(0, at - now);
}

/** Full-jitter backoff: random in [0, min(cap, base * 2^attempt)). */
export function backoffMs(attempt: number, baseMs = 25, capMs = 1000) {
  return Math.random() * Math.min(capMs, baseMs * 2 ** attempt);
}
