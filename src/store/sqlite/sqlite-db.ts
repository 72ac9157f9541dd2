/**
 * The SQLite connection and its statements. Runs only inside the writer
 * worker: better-sqlite3 is synchronous, so the event loop never sees it
 * (RELIABILITY.md, library rules). One connection, one writer, WAL.
 */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import type { Database as Db, Statement } from 'better-sqlite3';
import type { KeyUsageExchange, VirtualKeyRecord } from '../types.js';
import type { SqliteCommand } from './sqlite-messages.js';
import { kMigrations, migrationsTableSql } from '../migrations.js';
import { kCostParam, kKeyIdParam, kLogColumns } from '../log-codec.js';
import type { SqlValue } from '../log-codec.js';
import { kKeyColumns, kKeySelect, keyParams } from '../key-codec.js';
import { spendLogsQuery } from '../spend-query.js';
import { expireQuery, othersQuery, usageUpserts } from '../key-usage-query.js';

// A write waits this long for a lock held by another process (a second
// gateway on the same file) before failing as SQLITE_BUSY, then retried.
const kBusyTimeoutMs = 2000;

function bindable(values: SqlValue[]): (string | number | null)[] {
  // better-sqlite3 binds no booleans: SQLite stores them as 0/1.
  return values.map((v) => (typeof v === 'boolean' ? (v ? 1 : 0) : v));
}

function marks(n: number): string {
  return new Array<string>(n).fill('?').join(', ');
}

/**
 * Page cache of the connection. better-sqlite3 builds with 16 MiB, and
 * under load the log filled all of it; with time-ordered request ids
 * every insert lands at the right edge of each index, so a few MiB hold
 * the working set. 300,000 logged rows: 7.0 µs a row at 4 MiB against
 * 7.2-7.3 µs at 16 MiB, and 15 MB less RSS.
 */
const kCacheKiB = 4096;

/** An open database with migrations applied. */
export class SqliteDb {
  readonly journalMode: string;
  readonly #db: Db;
  readonly #insertLog: Statement;
  readonly #addSpend: Statement;
  readonly #insertKey: Statement;

  constructor(path: string) {
    if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
    this.#db = new Database(path);
    this.journalMode = String(
      this.#db.pragma('journal_mode = WAL', { simple: true }),
    );
    // NORMAL is durable across process crashes in WAL mode; only an OS
    // crash can lose the last transactions, an accepted risk for a log.
    this.#db.pragma('synchronous = NORMAL');
    this.#db.pragma(`busy_timeout = ${kBusyTimeoutMs}`);
    this.#db.pragma(`cache_size = -${kCacheKiB}`);
    this.#migrate();

    this.#insertLog = this.#db.prepare(
      `INSERT INTO request_log (${kLogColumns.join(', ')})` +
        ` VALUES (${marks(kLogColumns.length)})` +
        ' ON CONFLICT (request_id) DO NOTHING',
    );
    this.#addSpend = this.#db.prepare(
      'INSERT INTO key_spend (key_id, spend) VALUES (?, ?)' +
        ' ON CONFLICT (key_id) DO UPDATE' +
        ' SET spend = key_spend.spend + excluded.spend',
    );
    this.#insertKey = this.#db.prepare(
      `INSERT INTO virtual_keys (${kKeyColumns.join(', ')})` +
        ` VALUES (${marks(kKeyColumns.length)})`,
    );
  }

  /** Perform one command; throws the driver's error on failure. */
  run(cmd: SqliteCommand): unknown {
    switch (cmd.op) {
      case 'open':
        return { journalMode: this.journalMode };
      case 'insertLog':
        return this.#insertRows(cmd.values);
      case 'createKey':
        return this.#createKey(cmd.record);
      case 'getKey': {
        const col = cmd.by === 'hash' ? 'k.key_hash' : 'k.key_id';
        const sql = `${kKeySelect} WHERE ${col} = ?`;
        return this.#db.prepare(sql).get(cmd.value) ?? null;
      }
      case 'deleteKey': {
        const sql = 'DELETE FROM virtual_keys WHERE key_id = ?';
        return this.#db.prepare(sql).run(cmd.keyId).changes > 0;
      }
      case 'listKeys':
        return this.#db
          .prepare(`${kKeySelect} ORDER BY k.created_at, k.key_id`)
          .all();
      case 'spendLogs': {
        const q = spendLogsQuery(cmd.filter, 'sqlite');
        return this.#db.prepare(q.sql).all(...bindable(q.params));
      }
      case 'spendByKey':
        return this.#db.prepare('SELECT key_id, spend FROM key_spend').all();
      case 'exchangeUsage':
        return this.#exchangeUsage(cmd.exchange);
      case 'close':
        this.#db.close();
        return null;
    }
  }

  #migrate(): void {
    this.#db.exec(migrationsTableSql('sqlite'));
    const record = this.#db.prepare(
      'INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)',
    );
    const apply = this.#db.transaction(() => {
      const rows = this.#db
        .prepare('SELECT version FROM schema_migrations')
        .all();
      const applied = new Set(
        rows.map((r) => (r as { version: number }).version),
      );
      for (const m of kMigrations) {
        if (applied.has(m.version)) continue;
        for (const sql of m.statements.sqlite) this.#db.exec(sql);
        record.run(m.version, m.name, Date.now());
      }
    });
    // IMMEDIATE takes the write lock first, so two processes opening one
    // file cannot both decide a migration is missing.
    apply.immediate();
  }

  #insertRows(values: readonly SqlValue[]): { inserted: number } {
    const width = kLogColumns.length;
    if (values.length % width !== 0) {
      throw new RangeError('log values are not whole rows');
    }
    const insert = this.#db.transaction(() => {
      const spend = new Map<string, number>();
      let inserted = 0;
      for (let at = 0; at < values.length; at += width) {
        const params = values.slice(at, at + width);
        if (this.#insertLog.run(...bindable(params)).changes === 0) continue;

        // Only rows new to the table add to spend, so a retried batch
        // never counts twice.
        inserted += 1;
        const keyId = params[kKeyIdParam];
        const cost = params[kCostParam];
        if (typeof keyId === 'string' && typeof cost === 'number') {
          spend.set(keyId, (spend.get(keyId) ?? 0) + cost);
        }
      }
      for (const [keyId, cost] of spend) this.#addSpend.run(keyId, cost);
      return { inserted };
    });
    return insert.immediate();
  }

  #exchangeUsage(x: KeyUsageExchange): unknown[] {
    const run = this.#db.transaction(() => {
      for (const q of usageUpserts(x, 'sqlite')) {
        this.#db.prepare(q.sql).run(...bindable(q.params));
      }
      const expire = expireQuery(x, 'sqlite');
      this.#db.prepare(expire.sql).run(...bindable(expire.params));
      const others = othersQuery(x, 'sqlite');
      return this.#db.prepare(others.sql).all(...bindable(others.params));
    });
    return run.immediate();
  }

  #createKey(rec: VirtualKeyRecord): null {
    this.#insertKey.run(...bindable(keyParams(rec)));
    return null;
  }
}
