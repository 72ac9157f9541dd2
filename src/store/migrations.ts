/**
 * Versioned schema migrations, one list for both databases. Each entry is
 * applied once, in order, inside a transaction that also records it in
 * `schema_migrations`; versions are never edited or reused once shipped.
 * DDL is written once against a small type map so the dialects agree.
 */

/** The databases a migration is written for. */
export type Dialect = 'sqlite' | 'postgres';

/** One schema step. */
export interface Migration {
  readonly version: number;
  readonly name: string;
  readonly statements: Readonly<Record<Dialect, readonly string[]>>;
}

interface ColumnTypes {
  readonly big: string;
  readonly real: string;
  readonly bool: string;
}

const kTypes: Readonly<Record<Dialect, ColumnTypes>> = {
  sqlite: { big: 'INTEGER', real: 'REAL', bool: 'INTEGER' },
  postgres: { big: 'BIGINT', real: 'DOUBLE PRECISION', bool: 'BOOLEAN' },
};

/** DDL of the bookkeeping table, created before any migration runs. */
export function migrationsTableSql(dialect: Dialect): string {
  return `CREATE TABLE IF NOT EXISTS schema_migrations (
    version INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    applied_at ${kTypes[dialect].big} NOT NULL
  )`;
}

function initial(t: ColumnTypes): string[] {
  return [
    `CREATE TABLE request_log (
      request_id TEXT PRIMARY KEY,
      trace_id TEXT,
      parent_span_id TEXT,
      trace_flags INTEGER NOT NULL,
      started_at ${t.big} NOT NULL,
      route TEXT NOT NULL,
      key_id TEXT,
      requested_model TEXT NOT NULL,
      model_group TEXT,
      deployment TEXT,
      strategy TEXT,
      routing_score ${t.real},
      stream ${t.bool} NOT NULL,
      status INTEGER NOT NULL,
      outcome TEXT NOT NULL,
      error_code TEXT,
      latency_ms ${t.real} NOT NULL,
      ttft_ms ${t.real},
      input_tokens ${t.big},
      output_tokens ${t.big},
      cost_usd ${t.real},
      prompt_text TEXT,
      completion_text TEXT
    )`,
    'CREATE INDEX request_log_started ON request_log (started_at)',
    'CREATE INDEX request_log_key ON request_log (key_id, started_at)',
    `CREATE TABLE virtual_keys (
      key_id TEXT PRIMARY KEY,
      key_hash TEXT NOT NULL UNIQUE,
      alias TEXT,
      models TEXT NOT NULL,
      rpm_limit ${t.big},
      tpm_limit ${t.big},
      max_budget ${t.real},
      expires_at ${t.big},
      created_at ${t.big} NOT NULL
    )`,
    // Running total per key, added to in the same transaction as the log
    // rows, so reading spend never scans the log.
    `CREATE TABLE key_spend (
      key_id TEXT PRIMARY KEY,
      spend ${t.real} NOT NULL
    )`,
  ];
}

// Rate-limit counts per key, minute and replica, so replicas enforce
// rpm/tpm together. Each replica owns its rows; old minutes are deleted.
function keyUsage(t: ColumnTypes): string[] {
  return [
    `CREATE TABLE key_usage (
      key_id TEXT NOT NULL,
      minute ${t.big} NOT NULL,
      replica_id TEXT NOT NULL,
      requests ${t.big} NOT NULL,
      tokens ${t.big} NOT NULL,
      PRIMARY KEY (key_id, minute, replica_id)
    )`,
    'CREATE INDEX key_usage_minute ON key_usage (minute)',
  ];
}

/** Every migration, oldest first. */
export const kMigrations: readonly Migration[] = Object.freeze([
  {
    version: 1,
    name: 'request log, virtual keys, key spend',
    statements: {
      sqlite: initial(kTypes.sqlite),
      postgres: initial(kTypes.postgres),
    },
  },
  {
    version: 2,
    name: 'key usage shared between replicas',
    statements: {
      sqlite: keyUsage(kTypes.sqlite),
      postgres: keyUsage(kTypes.postgres),
    },
  },
]);
