/**
 * The PostgreSQL store: the async `pg` pool does all I/O, so nothing
 * blocks the event loop. Connect and statement timeouts are always set
 * (pg has none by default) and pool errors are handled, so a database
 * that vanishes costs failed queries, never a crash or a hang.
 */
import pg from 'pg';
import type { Pool } from 'pg';
import type {
  KeyMinuteUsage,
  KeyUsageExchange,
  RequestLogRow,
  SpendLogFilter,
  Store,
  VirtualKeyRecord,
} from '../types.js';
import type { ResolvedStoreOptions } from '../store-options.js';
import { QueuedStore, spendFromRows } from '../queued-store.js';
import type { BatchTiming } from '../log-writer.js';
import { BurstCounter } from '../burst-counter.js';
import { errorCode, toStoreError } from '../error-code.js';
import { logRowFromDb } from '../log-codec.js';
import { kKeyColumns, kKeySelect, keyFromDb, keyParams } from '../key-codec.js';
import type { SqlValue } from '../log-codec.js';
import { spendLogsQuery } from '../spend-query.js';
import {
  expireQuery,
  othersQuery,
  usageFromDb,
  usageUpserts,
} from '../key-usage-query.js';
import { migratePostgres } from './pg-migrate.js';
import { isRetryablePgError, isUniqueViolation } from './pg-errors.js';
import { insertBatchQuery } from './pg-insert.js';
import { getLogger } from '../../telemetry/logger.js';

const kIdleTimeoutMs = 10_000;
const kPoolErrorBurstMs = 5000;

/** Store backed by a PostgreSQL database shared by all replicas. */
export class PgStore extends QueuedStore implements Store {
  readonly kind = 'postgres';
  readonly system = 'postgresql';
  readonly #pool: Pool;
  #ready: Promise<number> | null = null;

  constructor(url: string, opts: ResolvedStoreOptions) {
    super(opts);
    this.#pool = new pg.Pool({
      connectionString: url,
      max: opts.poolMax,
      connectionTimeoutMillis: opts.connectionTimeoutMs,
      idleTimeoutMillis: kIdleTimeoutMs,
      statement_timeout: opts.statementTimeoutMs,
      // Client-side backstop for a server that stops answering entirely.
      query_timeout: opts.statementTimeoutMs + opts.connectionTimeoutMs,
      keepAlive: true,
      allowExitOnIdle: true,
      application_name: 'routeiq-gateway',
    });
    const log = getLogger('store');
    const lost = new BurstCounter(kPoolErrorBurstMs, (errors, codes) =>
      log.warn({ errors, codes }, 'database connections lost'),
    );
    // An idle client whose server went away emits here; unhandled, it
    // would crash the process.
    this.#pool.on('error', (err) => lost.add(1, errorCode(err)));
  }

  /** Connect and migrate; rejects with StoreUnavailableError. */
  async start(): Promise<void> {
    try {
      await this.#migrated();
    } catch (err: unknown) {
      throw toStoreError(err, false);
    }
  }

  /** Part of BatchSink: one statement, so one transaction. */
  async writeBatch(rows: readonly RequestLogRow[]): Promise<BatchTiming> {
    const startedAt = Date.now();
    await this.#migrated();
    const q = insertBatchQuery(rows);
    await this.#pool.query(q.sql, q.params);
    return { startedAt, endedAt: Date.now() };
  }

  /** Part of BatchSink. */
  isRetryable(err: unknown): boolean {
    return isRetryablePgError(err);
  }

  async createKey(rec: VirtualKeyRecord): Promise<void> {
    const marks = kKeyColumns.map((_, i) => `$${i + 1}`).join(', ');
    const sql = `INSERT INTO virtual_keys (${kKeyColumns.join(', ')}) VALUES (${marks})`;
    await this.#query(sql, keyParams(rec));
  }

  async getKeyByHash(keyHash: string): Promise<VirtualKeyRecord | null> {
    const rows = await this.#query(`${kKeySelect} WHERE k.key_hash = $1`, [
      keyHash,
    ]);
    return rows[0] === undefined ? null : keyFromDb(rows[0]);
  }

  async getKeyById(keyId: string): Promise<VirtualKeyRecord | null> {
    const rows = await this.#query(`${kKeySelect} WHERE k.key_id = $1`, [
      keyId,
    ]);
    return rows[0] === undefined ? null : keyFromDb(rows[0]);
  }

  async deleteKey(keyId: string): Promise<boolean> {
    const sql = 'DELETE FROM virtual_keys WHERE key_id = $1 RETURNING key_id';
    return (await this.#query(sql, [keyId])).length > 0;
  }

  async listKeys(): Promise<VirtualKeyRecord[]> {
    const sql = `${kKeySelect} ORDER BY k.created_at, k.key_id`;
    return (await this.#query(sql, [])).map(keyFromDb);
  }

  async spendLogs(filter: SpendLogFilter): Promise<RequestLogRow[]> {
    const q = spendLogsQuery(filter, 'postgres');
    return (await this.#query(q.sql, q.params)).map(logRowFromDb);
  }

  async spendByKey(): Promise<Map<string, number>> {
    const sql = 'SELECT key_id, spend FROM key_spend';
    return spendFromRows(await this.#query(sql, []));
  }

  /** Upserts and the read are separate statements: no lock is held. */
  async exchangeKeyUsage(x: KeyUsageExchange): Promise<KeyMinuteUsage[]> {
    for (const q of usageUpserts(x, 'postgres')) {
      await this.#query(q.sql, q.params);
    }
    const expire = expireQuery(x, 'postgres');
    await this.#query(expire.sql, expire.params);
    const others = othersQuery(x, 'postgres');
    return (await this.#query(others.sql, others.params)).map(usageFromDb);
  }

  /** Flush (bounded by closeTimeoutMs), then end the pool. */
  async close(): Promise<void> {
    await this.writer.close(this.closeTimeoutMs);
    await this.#pool.end();
  }

  // Migrations run once per store; a failed run is retried by the next
  // caller, so a store started while the database was down recovers.
  #migrated(): Promise<number> {
    this.#ready ??= migratePostgres(this.#pool).catch((err: unknown) => {
      this.#ready = null;
      throw err;
    });
    return this.#ready;
  }

  async #query(sql: string, params: SqlValue[]): Promise<unknown[]> {
    try {
      await this.#migrated();
      return (await this.#pool.query(sql, params)).rows;
    } catch (err: unknown) {
      throw toStoreError(err, isUniqueViolation(err));
    }
  }
}
