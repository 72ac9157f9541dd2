/**
 * The one statement that writes a batch of log rows on PostgreSQL. Rows
 * go in with ON CONFLICT DO NOTHING, so resending a batch whose commit
 * was never confirmed writes nothing twice; only rows actually inserted
 * add to `key_spend`, in the same statement and so the same transaction.
 */
import type { RequestLogRow } from '../types.js';
import { kLogColumns, logRowParams } from '../log-codec.js';
import type { SqlValue } from '../log-codec.js';
import type { BuiltQuery } from '../spend-query.js';

/** The batch INSERT and its parameters (columns × rows of them). */
export function insertBatchQuery(rows: readonly RequestLogRow[]): BuiltQuery {
  const params: SqlValue[] = [];
  const tuples: string[] = [];
  for (const row of rows) {
    const start = params.length;
    params.push(...logRowParams(row));
    const marks = kLogColumns.map((_, i) => `$${start + i + 1}`);
    tuples.push(`(${marks.join(', ')})`);
  }

  const sql = `WITH ins AS (
    INSERT INTO request_log (${kLogColumns.join(', ')})
    VALUES ${tuples.join(', ')}
    ON CONFLICT (request_id) DO NOTHING
    RETURNING key_id, cost_usd
  ), totals AS (
    SELECT key_id, SUM(cost_usd) AS spend FROM ins
    WHERE key_id IS NOT NULL AND cost_usd IS NOT NULL
    GROUP BY key_id
  )
  INSERT INTO key_spend (key_id, spend) SELECT key_id, spend FROM totals
  ON CONFLICT (key_id) DO UPDATE SET spend = key_spend.spend + EXCLUDED.spend`;
  return { sql, params };
}
