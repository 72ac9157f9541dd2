/**
 * Virtual keys and their spend, in memory, so authenticating a request
 * never waits on the database. The cache is reloaded every
 * `refreshIntervalMs` (replicas converge within one interval) and updated
 * at once by local creates and deletes. A key not held locally is looked
 * up in the database once; misses are remembered briefly, and a lookup
 * that fails rejects the key: authentication fails closed. Rate-limit
 * counts are exchanged with the other replicas every `usageSyncMs`.
 *
 * Invariants: `#byHash` and `#byId` hold the same entries; a listing that
 * overlapped a local create/delete is discarded, never applied.
 */
import type { GatewayError } from '../errors.js';
import type { Store, VirtualKeyRecord } from './types.js';
import { generateKey, keyDigest, sameDigest } from './key-material.js';
import { KeyLimiter } from './key-limits.js';
import type { KeyUsageNow } from './key-limits.js';
import { KeyUsageSync } from './key-usage-sync.js';
import { BurstCounter } from './burst-counter.js';
import { errorCode } from './error-code.js';
import { getLogger } from '../telemetry/logger.js';
import type { Logger } from '../telemetry/logger.js';

/** Tuning of the cache; defaults in brackets. */
export interface KeyCacheOptions {
  /** Reload from the store this often [30,000 ms]. */
  readonly refreshIntervalMs?: number;
  /** Remember an unknown key this long [5,000 ms]. */
  readonly negativeTtlMs?: number;
  /** Most unknown keys remembered [10,000]. */
  readonly negativeMax?: number;
  /** Most database lookups at once; beyond, keys are rejected [32]. */
  readonly maxLookups?: number;
  /** Exchange rpm/tpm counts with other replicas this often [1,000]. */
  readonly usageSyncMs?: number;
  /** Clock, epoch ms; tests pass their own. */
  readonly now?: () => number;
}

/** What an admin asks for when creating a key. */
export interface NewKeySpec {
  readonly alias?: string | null;
  readonly models?: readonly string[];
  readonly rpmLimit?: number | null;
  readonly tpmLimit?: number | null;
  readonly maxBudget?: number | null;
  readonly expiresAt?: number | null;
}

/** A created key: `key` is shown once and never stored. */
export interface CreatedKey {
  readonly key: string;
  readonly record: VirtualKeyRecord;
}

interface Entry {
  readonly record: VirtualKeyRecord;
  readonly digest: Buffer;
}

const kRefreshAttempts = 3;

/** In-memory view of the store's keys, with admission helpers. */
export class KeyCache {
  readonly #store: Store;
  readonly #opts: Required<KeyCacheOptions>;
  readonly #limiter = new KeyLimiter();
  readonly #usage: KeyUsageSync;
  readonly #log: Logger;
  readonly #lookupFailures: BurstCounter;
  #byHash = new Map<string, Entry>();
  #byId = new Map<string, Entry>();
  #localSpend = new Map<string, number>();
  readonly #misses = new Map<string, number>();
  readonly #lookups = new Map<string, Promise<Entry | null>>();
  #mutations = 0;
  #refreshing: Promise<void> | null = null;
  #timer: NodeJS.Timeout | null = null;

  constructor(store: Store, opts: KeyCacheOptions = {}) {
    this.#store = store;
    this.#opts = {
      refreshIntervalMs: opts.refreshIntervalMs ?? 30_000,
      negativeTtlMs: opts.negativeTtlMs ?? 5000,
      negativeMax: opts.negativeMax ?? 10_000,
      maxLookups: opts.maxLookups ?? 32,
      usageSyncMs: opts.usageSyncMs ?? 1000,
      now: opts.now ?? Date.now,
    };
    this.#log = getLogger('key-cache');
    this.#usage = new KeyUsageSync({
      store,
      limiter: this.#limiter,
      intervalMs: this.#opts.usageSyncMs,
      now: this.#opts.now,
      wanted: () => this.#anyRateLimits(),
    });
    this.#lookupFailures = new BurstCounter(5000, (failed, codes) =>
      this.#log.warn({ failed, codes }, 'key lookups failed; keys rejected'),
    );
  }

  /** Keys held now. */
  get size(): number {
    return this.#byId.size;
  }

  /** Load once and refresh periodically; false if the first load failed. */
  async start(): Promise<boolean> {
    this.#timer ??= setInterval(
      () => void this.#refreshQuietly(),
      this.#opts.refreshIntervalMs,
    );
    this.#timer.unref();
    this.#usage.start();
    return this.#refreshQuietly();
  }

  /** Stop the periodic refresh and usage exchange. */
  stop(): void {
    if (this.#timer !== null) clearInterval(this.#timer);
    this.#timer = null;
    this.#usage.stop();
  }

  /** Exchange rate-limit counts with the other replicas now. */
  syncUsage(): Promise<void> {
    return this.#usage.sync();
  }

  /** Requests and tokens of the last minute on every replica known. */
  usageOf(keyId: string): KeyUsageNow {
    return this.#limiter.usage(keyId, this.#opts.now());
  }

  /** The record of a valid, unexpired key, or null. Never throws. */
  async authenticate(rawKey: string): Promise<VirtualKeyRecord | null> {
    const digest = keyDigest(rawKey);
    const hash = digest.toString('hex');
    const entry = this.#byHash.get(hash) ?? (await this.#lookup(hash));
    if (entry === null || !sameDigest(digest, entry.digest)) return null;

    const { expiresAt } = entry.record;
    if (expiresAt !== null && expiresAt <= this.#opts.now()) return null;
    return entry.record;
  }

  /** The error this request meets (model, budget, rate), or null. */
  admit(rec: VirtualKeyRecord, model: string): GatewayError | null {
    const spend = this.spendOf(rec.keyId);
    return this.#limiter.admit(rec, model, spend, this.#opts.now());
  }

  /** Count what a finished request used against its key. */
  recordUsage(keyId: string, tokens: number, costUsd: number): void {
    this.#limiter.addTokens(keyId, tokens, this.#opts.now());
    if (!Number.isFinite(costUsd) || costUsd <= 0) return;
    this.#localSpend.set(keyId, (this.#localSpend.get(keyId) ?? 0) + costUsd);
  }

  /**
   * Spend as of the last refresh plus what this replica added that the
   * refresh could not have seen (rows queued, or written meanwhile).
   */
  spendOf(keyId: string): number {
    const stored = this.#byId.get(keyId)?.record.spend ?? 0;
    return stored + (this.#localSpend.get(keyId) ?? 0);
  }

  /** Create a key in the store and here; rejects if the store fails. */
  async createKey(spec: NewKeySpec): Promise<CreatedKey> {
    const { key, keyId, keyHash } = generateKey();
    const record: VirtualKeyRecord = {
      keyId,
      keyHash,
      alias: spec.alias ?? null,
      models: Object.freeze([...(spec.models ?? [])]),
      rpmLimit: spec.rpmLimit ?? null,
      tpmLimit: spec.tpmLimit ?? null,
      maxBudget: spec.maxBudget ?? null,
      expiresAt: spec.expiresAt ?? null,
      createdAt: this.#opts.now(),
      spend: 0,
    };
    await this.#store.createKey(record);

    this.#mutations += 1;
    this.#put(record);
    void this.#refreshQuietly();
    return { key, record };
  }

  /** Delete a key in the store and here; false if it did not exist. */
  async deleteKey(keyId: string): Promise<boolean> {
    const deleted = await this.#store.deleteKey(keyId);

    this.#mutations += 1;
    const entry = this.#byId.get(keyId);
    if (entry !== undefined) this.#byHash.delete(entry.record.keyHash);
    this.#byId.delete(keyId);
    void this.#refreshQuietly();
    return deleted;
  }

  /** Reload every key and its spend now; rejects if the store fails. */
  refresh(): Promise<void> {
    this.#refreshing ??= this.#reload().finally(() => {
      this.#refreshing = null;
    });
    return this.#refreshing;
  }

  async #reload(): Promise<void> {
    for (let i = 0; i < kRefreshAttempts; i += 1) {
      const seen = this.#mutations;
      this.#store.beginSpendWindow();
      const records = await this.#store.listKeys();
      // A local create or delete landed meanwhile: this listing may
      // predate it, so it is read again rather than applied.
      if (seen !== this.#mutations) continue;

      this.#replace(records, this.#store.unsettledSpend());
      return;
    }
  }

  async #refreshQuietly(): Promise<boolean> {
    try {
      await this.refresh();
      return true;
    } catch (err: unknown) {
      // Known keys keep working from memory until the store returns.
      this.#log.warn({ code: errorCode(err) }, 'key refresh failed');
      return false;
    }
  }

  #anyRateLimits(): boolean {
    for (const { record } of this.#byId.values()) {
      if (record.rpmLimit !== null || record.tpmLimit !== null) return true;
    }
    return false;
  }

  #replace(
    records: readonly VirtualKeyRecord[],
    unsettled: Map<string, number>,
  ): void {
    this.#byHash = new Map();
    this.#byId = new Map();
    // Not yet in what was read: kept, so a refresh never forgets spend.
    this.#localSpend = unsettled;
    for (const record of records) this.#put(record);
    this.#limiter.retain(new Set(this.#byId.keys()));
  }

  #put(record: VirtualKeyRecord): Entry {
    const entry = { record, digest: Buffer.from(record.keyHash, 'hex') };
    this.#byHash.set(record.keyHash, entry);
    this.#byId.set(record.keyId, entry);
    this.#misses.delete(record.keyHash);
    return entry;
  }

  #lookup(hash: string): Promise<Entry | null> {
    const missedAt = this.#misses.get(hash);
    if (missedAt !== undefined) {
      if (this.#opts.now() - missedAt < this.#opts.negativeTtlMs) {
        return Promise.resolve(null);
      }
      this.#misses.delete(hash);
    }

    // Concurrent requests with one key share a lookup; past the cap (a
    // flood of made-up keys) the key is rejected without a query.
    const running = this.#lookups.get(hash);
    if (running !== undefined) return running;
    if (this.#lookups.size >= this.#opts.maxLookups) {
      this.#lookupFailures.add(1, 'too_many_lookups');
      return Promise.resolve(null);
    }

    const lookup = this.#fetch(hash).finally(() => this.#lookups.delete(hash));
    this.#lookups.set(hash, lookup);
    return lookup;
  }

  async #fetch(hash: string): Promise<Entry | null> {
    const seen = this.#mutations;
    let record: VirtualKeyRecord | null;
    try {
      record = await this.#store.getKeyByHash(hash);
    } catch (err: unknown) {
      // Fail closed: a key we cannot confirm is not a key.
      this.#lookupFailures.add(1, errorCode(err));
      return null;
    }

    if (record !== null) {
      // A local create or delete landed meanwhile and may have deleted
      // this very key: reject rather than resurrect it (a retry settles).
      return seen === this.#mutations ? this.#put(record) : null;
    }
    this.#misses.set(hash, this.#opts.now());
    if (this.#misses.size > this.#opts.negativeMax) {
      const oldest = this.#misses.keys().next();
      if (oldest.done !== true) this.#misses.delete(oldest.value);
    }
    return null;
  }
}
