/**
 * Options of `createStore`, their defaults, and validation that names the
 * offending option (STYLE.md #6). The resolved form is frozen.
 */
import { ConfigInvalidError } from '../errors.js';
import type { StoreHooks } from './types.js';

/** PostgreSQL pool settings; the defaults suit a gateway replica. */
export interface PgPoolOptions {
  /** Connections per replica (default 4). */
  readonly poolMax?: number;
  /** Give up connecting after this long (default 2000 ms). */
  readonly connectionTimeoutMs?: number;
  /** Server-side cap on any statement (default 5000 ms). */
  readonly statementTimeoutMs?: number;
}

/** What `createStore` accepts. */
export interface StoreOptions {
  /**
   * `postgres://…` or `postgresql://…` for PostgreSQL; `sqlite:<path>` or
   * a plain file path for SQLite. Default: `data/routeiq.db`.
   */
  readonly url?: string;
  /** Rows that may wait to be written (default 10,000). */
  readonly queueCapacity?: number;
  /** Rows per INSERT transaction (default 200, at most 1,000). */
  readonly batchSize?: number;
  /** Longest a lone row waits before it is written (default 250 ms). */
  readonly flushIntervalMs?: number;
  /** Store prompt and completion text (default false). */
  readonly logText?: boolean;
  /** First retry delay after a failed write (default 100 ms). */
  readonly retryInitialMs?: number;
  /** Retry delay cap while the database stays down (default 5000 ms). */
  readonly retryMaxMs?: number;
  /** How long `close()` waits to flush before dropping (default 5000). */
  readonly closeTimeoutMs?: number;
  readonly pg?: PgPoolOptions;
  readonly hooks?: StoreHooks;
}

/** Options after defaults and validation. */
export interface ResolvedStoreOptions {
  readonly queueCapacity: number;
  readonly batchSize: number;
  readonly flushIntervalMs: number;
  readonly logText: boolean;
  readonly retryInitialMs: number;
  readonly retryMaxMs: number;
  readonly closeTimeoutMs: number;
  readonly poolMax: number;
  readonly connectionTimeoutMs: number;
  readonly statementTimeoutMs: number;
  readonly hooks: StoreHooks;
}

/** The default SQLite file, relative to the working directory. */
export const kDefaultSqlitePath = 'data/routeiq.db';

function int(path: string, v: number | undefined, dflt: number, max: number) {
  const n = v ?? dflt;
  if (!Number.isInteger(n) || n < 1 || n > max) {
    throw new ConfigInvalidError({
      param: path,
      details: { option: path, expected: `integer 1..${max}` },
    });
  }
  return n;
}

/** Apply defaults and check ranges; throws ConfigInvalidError. */
export function resolveStoreOptions(o: StoreOptions): ResolvedStoreOptions {
  const pg = o.pg ?? {};
  return Object.freeze({
    queueCapacity: int('store.queueCapacity', o.queueCapacity, 10_000, 1e7),
    batchSize: int('store.batchSize', o.batchSize, 200, 1000),
    flushIntervalMs: int('store.flushIntervalMs', o.flushIntervalMs, 250, 6e4),
    logText: o.logText === true,
    retryInitialMs: int('store.retryInitialMs', o.retryInitialMs, 100, 6e4),
    retryMaxMs: int('store.retryMaxMs', o.retryMaxMs, 5000, 3e5),
    closeTimeoutMs: int('store.closeTimeoutMs', o.closeTimeoutMs, 5000, 6e5),
    poolMax: int('store.pg.poolMax', pg.poolMax, 4, 100),
    connectionTimeoutMs: int(
      'store.pg.connectionTimeoutMs',
      pg.connectionTimeoutMs,
      2000,
      6e4,
    ),
    statementTimeoutMs: int(
      'store.pg.statementTimeoutMs',
      pg.statementTimeoutMs,
      5000,
      6e5,
    ),
    hooks: o.hooks ?? {},
  });
}
