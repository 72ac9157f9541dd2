/**
 * Databases for the gateway-with-store tests: a fresh SQLite file or a
 * fresh PostgreSQL database per test, read back outside the gateway so
 * the tests see what is really stored.
 */
import pg from 'pg';
import type { Test } from 'tap';
import type { PgCluster } from '../../helpers/postgres.js';
import { kSqliteHarness } from '../store/sqlite-harness.js';
import type { TableDump } from '../store/store-contract.js';

/** One kind of database the shared suites run against. */
export interface GatewayDb {
  readonly kind: 'sqlite' | 'postgres';
  /** URL of a new empty database, removed at the test's teardown. */
  freshUrl(t: Test): Promise<string>;
  /** Every row of every table. */
  dump(url: string): Promise<TableDump>;
}

/** A request_log row with numbers as numbers, whatever the driver. */
export type LogRow = Record<string, unknown>;

const kNumeric = [
  'trace_flags',
  'started_at',
  'status',
  'latency_ms',
  'ttft_ms',
  'input_tokens',
  'output_tokens',
  'cost_usd',
  'routing_score',
];

/** The request_log rows of a dump (pg returns BIGINT as text). */
export function logRows(dump: TableDump): LogRow[] {
  return (dump['request_log'] ?? []).map((raw) => {
    const row: LogRow = { ...raw, stream: Boolean(raw['stream']) };
    for (const col of kNumeric) {
      const v = raw[col];
      if (v !== null && v !== undefined) row[col] = Number(v);
    }
    return row;
  });
}

/** SQLite files in fresh /tmp dirs. */
export const kSqliteDb: GatewayDb = {
  kind: 'sqlite',
  freshUrl: (t) => kSqliteHarness.freshUrl(t),
  dump: (url) => kSqliteHarness.dump(url),
};

/** Fresh databases in a running test cluster. */
export function postgresDb(cluster: PgCluster): GatewayDb {
  return {
    kind: 'postgres',
    freshUrl: () => cluster.createDatabase(),
    async dump(url) {
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      try {
        const { rows } = await client.query(
          "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'",
        );
        const out: TableDump = {};
        for (const { table_name: name } of rows as { table_name: string }[]) {
          out[name] = (await client.query(`SELECT * FROM "${name}"`)).rows;
        }
        return out;
      } finally {
        await client.end();
      }
    },
  };
}
