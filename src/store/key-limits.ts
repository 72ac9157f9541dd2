/**
 * Per-key admission: allowed models, budget, requests and tokens per
 * minute, all in memory. Limits are per replica; N replicas admit up to
 * N times a limit between refreshes.
 * TODO(#3): share rpm/tpm counts across replicas if exact limits matter.
 */
import {
  BudgetExceededError,
  ModelNotAllowedError,
  RateLimitedError,
} from '../errors.js';
import type { GatewayError } from '../errors.js';
import type { VirtualKeyRecord } from './types.js';
import { SlidingWindow } from './sliding-window.js';

const kMinuteMs = 60_000;

interface KeyWindows {
  readonly requests: SlidingWindow;
  readonly tokens: SlidingWindow;
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
    if (rec.rpmLimit !== null && w.requests.total(now) + 1 > rec.rpmLimit) {
      return this.#limited(w.requests, now, 'rpm');
    }
    // Tokens are known only after a request, so tpm stops the next one.
    if (rec.tpmLimit !== null && w.tokens.total(now) >= rec.tpmLimit) {
      return this.#limited(w.tokens, now, 'tpm');
    }

    w.requests.add(1, now);
    return null;
  }

  /** Count tokens a finished request used. */
  addTokens(keyId: string, tokens: number, now: number): void {
    if (!Number.isFinite(tokens) || tokens <= 0) return;
    this.#windowsOf(keyId).tokens.add(tokens, now);
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
      w = {
        requests: new SlidingWindow(kMinuteMs),
        tokens: new SlidingWindow(kMinuteMs),
      };
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
