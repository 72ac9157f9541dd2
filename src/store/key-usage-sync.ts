/**
 * Shares rpm/tpm counts between replicas through the store: every
 * interval this replica writes its own counts per key and minute and
 * reads the others' sums into the limiter. A failed exchange keeps the
 * last counts read (they age out with their minute) and is retried next
 * interval; requests never wait for it.
 */
import { randomUUID } from 'node:crypto';
import type { KeyLimiter } from './key-limits.js';
import { kMinuteMs } from './key-limits.js';
import type { Store } from './types.js';
import { BurstCounter } from './burst-counter.js';
import { errorCode } from './error-code.js';
import { getLogger } from '../telemetry/logger.js';

/** What the exchange needs. */
export interface KeyUsageSyncDeps {
  readonly store: Store;
  readonly limiter: KeyLimiter;
  readonly intervalMs: number;
  readonly now: () => number;
  /** False while no key has an rpm or tpm limit: nothing to exchange. */
  readonly wanted: () => boolean;
}

/** The periodic exchange of one replica. */
export class KeyUsageSync {
  /** This process's id in the shared counts. */
  readonly replicaId = randomUUID();
  readonly #deps: KeyUsageSyncDeps;
  readonly #failures: BurstCounter;
  #running: Promise<void> | null = null;
  #timer: NodeJS.Timeout | null = null;

  constructor(deps: KeyUsageSyncDeps) {
    this.#deps = deps;
    const log = getLogger('key-cache');
    this.#failures = new BurstCounter(5000, (failed, codes) =>
      log.warn({ failed, codes }, 'key usage exchange failed'),
    );
  }

  start(): void {
    this.#timer ??= setInterval(() => {
      if (this.#deps.wanted()) void this.sync().catch(() => undefined);
    }, this.#deps.intervalMs);
    this.#timer.unref();
  }

  stop(): void {
    if (this.#timer !== null) clearInterval(this.#timer);
    this.#timer = null;
    this.#failures.end();
  }

  /** Exchange now (joins one in progress); never rejects. */
  sync(): Promise<void> {
    this.#running ??= this.#exchange().finally(() => {
      this.#running = null;
    });
    return this.#running;
  }

  async #exchange(): Promise<void> {
    const { store, limiter, now } = this.#deps;
    const at = now();
    const minute = at - (at % kMinuteMs);
    try {
      const others = await store.exchangeKeyUsage({
        replicaId: this.replicaId,
        own: limiter.ownUsage(at),
        since: minute - kMinuteMs,
        expireBefore: minute - 2 * kMinuteMs,
      });
      limiter.setOthers(others, now());
    } catch (err: unknown) {
      this.#failures.add(1, errorCode(err));
    }
  }
}
