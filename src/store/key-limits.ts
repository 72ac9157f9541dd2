/**
 * Per-key admission: allowed models, budget, requests and tokens per
 * minute, decided in memory. Each key has this replica's own windows and
 * the other replicas' counts as last read from the store (`KeyUsageSync`),
 * so N replicas together admit a limit, not N times it; the overshoot is
 * bounded by what the others admit within one sync interval.
 */
import {
  BudgetExceededError,
  ModelNotAllowedError,
  RateLimitedError,
} from '../errors.js';
import type { GatewayError } from '../errors.js';
import type { KeyMinuteUsage, VirtualKeyRecord } from './types.js';
import { SlidingWindow } from './sliding-window.js';
import type { WindowCounts } from './sliding-window.js';

/** The rate-limit window: one minute, aligned to the epoch. */
export const kMinuteMs = 60_000;

/** What a key has used in the last minute, on every replica known. */
export interface KeyUsageNow {
  readonly requests: number;
  readonly tokens: number;
}

interface Pair {
  readonly requests: SlidingWindow;
  readonly tokens: SlidingWindow;
}

interface KeyWindows {
  /** Counted here. */
  readonly own: Pair;
  /** Counted by the other replicas, as of the last sync. */
  readonly others: Pair;
}

function pair(): Pair {
  return {
    requests: new SlidingWindow(kMinuteMs),
    tokens: new SlidingWindow(kMinuteMs),
  };
}

function empty(start: number): WindowCounts {
  return { start, current: 0, previous: 0 };
}

function addTo(c: WindowCounts, previous: boolean, n: number): WindowCounts {
  return previous
    ? { ...c, previous: c.previous + n }
    : { ...c, current: c.current + n };
}

function total(w: KeyWindows, which: keyof Pair, now: number): number {
  return w.own[which].total(now) + w.others[which].total(now);
}

/** rpm/tpm windows per key id, plus the model and budget rules. */
export class KeyLimiter {
  readonly #windows = new Map<string, KeyWindows>();

  /**
   * The error that applies to this request, or null (and the request is
   * counted). Checked in the order a client can act on: model, budget,
   * then rate.
   */
  admit(
    rec: VirtualKeyRecord,
    model: string,
    spend: number,
    now: number,
  ): GatewayError | null {
    if (rec.models.length > 0 && !rec.models.includes(model)) {
      return new ModelNotAllowedError({ param: 'model' });
    }
    if (rec.maxBudget !== null && spend >= rec.maxBudget) {
      return new BudgetExceededError();
    }

    const w = this.#windowsOf(rec.keyId);
    if (rec.rpmLimit !== null && total(w, 'requests', now) + 1 > rec.rpmLimit) {
      return this.#limited(w.own.requests, now, 'rpm');
    }
    // Tokens are known only after a request, so tpm stops the next one.
    if (rec.tpmLimit !== null && total(w, 'tokens', now) >= rec.tpmLimit) {
      return this.#limited(w.own.tokens, now, 'tpm');
    }

    w.own.requests.add(1, now);
    return null;
  }

  /** Count tokens a finished request used. */
  addTokens(keyId: string, tokens: number, now: number): void {
    if (!Number.isFinite(tokens) || tokens <= 0) return;
    this.#windowsOf(keyId).own.tokens.add(tokens, now);
  }

  /** Requests and tokens of the last minute, all replicas known. */
  usage(keyId: string, now: number): KeyUsageNow {
    const w = this.#windows.get(keyId);
    if (w === undefined) return { requests: 0, tokens: 0 };
    return {
      requests: total(w, 'requests', now),
      tokens: total(w, 'tokens', now),
    };
  }

  /** This replica's counts per key and minute (current and previous). */
  ownUsage(now: number): KeyMinuteUsage[] {
    const out: KeyMinuteUsage[] = [];
    for (const [keyId, w] of this.#windows) {
      const r = w.own.requests.counts(now);
      const t = w.own.tokens.counts(now);
      const minutes: [number, number, number][] = [
        [r.start, r.current, t.current],
        [r.start - kMinuteMs, r.previous, t.previous],
      ];
      for (const [minute, requests, tokens] of minutes) {
        if (requests > 0 || tokens > 0) {
          out.push({ keyId, minute, requests, tokens });
        }
      }
    }
    return out;
  }

  /**
   * Replace every key's other-replica counts with `rows` (keys absent
   * from them used nothing elsewhere), read as of `now`.
   */
  setOthers(rows: readonly KeyMinuteUsage[], now: number): void {
    const start = now - (now % kMinuteMs);
    const sums = new Map<string, { r: WindowCounts; t: WindowCounts }>();
    for (const row of rows) {
      const prev = row.minute === start - kMinuteMs;
      if (!prev && row.minute !== start) continue;
      const s = sums.get(row.keyId) ?? { r: empty(start), t: empty(start) };
      sums.set(row.keyId, {
        r: addTo(s.r, prev, row.requests),
        t: addTo(s.t, prev, row.tokens),
      });
      this.#windowsOf(row.keyId);
    }
    for (const [keyId, w] of this.#windows) {
      const s = sums.get(keyId);
      w.others.requests.replace(s?.r ?? empty(start));
      w.others.tokens.replace(s?.t ?? empty(start));
    }
  }

  /** Forget every key not in `keep` (deleted keys). */
  retain(keep: ReadonlySet<string>): void {
    for (const keyId of this.#windows.keys()) {
      if (!keep.has(keyId)) this.#windows.delete(keyId);
    }
  }

  #windowsOf(keyId: string): KeyWindows {
    let w = this.#windows.get(keyId);
    if (w === undefined) {
      w = { own: pair(), others: pair() };
      this.#windows.set(keyId, w);
    }
    return w;
  }

  #limited(window: SlidingWindow, now: number, limit: string): GatewayError {
    return new RateLimitedError({
      retryAfter: window.secondsLeft(now),
      details: { limit },
    });
  }
}
