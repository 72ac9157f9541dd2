/**
 * The statements of the rate-limit exchange, for both databases: each
 * replica upserts its own absolute counts per key and minute (so a retry
 * never counts twice), reads the other replicas' sums, and expires old
 * minutes. Values always travel as parameters.
 */
import type { Dialect } from './migrations.js';
import type { SqlValue } from './log-codec.js';
import type { BuiltQuery } from './spend-query.js';
import type { KeyMinuteUsage, KeyUsageExchange } from './types.js';
import { asRecord, num, str } from './narrow.js';

/** Rows per upsert statement; a replica rarely has more live keys. */
export const kUsageChunk = 200;

function binder(dialect: Dialect, params: SqlValue[]) {
  return (v: SqlValue): string => {
    params.push(v);
    return dialect === 'postgres' ? `$${params.length}` : '?';
  };
}

/** Upserts of `x.own`, at most `kUsageChunk` rows each. */
export function usageUpserts(
  x: KeyUsageExchange,
  dialect: Dialect,
): BuiltQuery[] {
  const out: BuiltQuery[] = [];
  for (let i = 0; i < x.own.length; i += kUsageChunk) {
    const params: SqlValue[] = [];
    const bind = binder(dialect, params);
    const tuples = x.own.slice(i, i + kUsageChunk).map((u) => {
      const values = [u.keyId, u.minute, x.replicaId, u.requests, u.tokens];
      return `(${values.map(bind).join(', ')})`;
    });
    const sql =
      'INSERT INTO key_usage (key_id, minute, replica_id, requests, tokens)' +
      ` VALUES ${tuples.join(', ')}` +
      ' ON CONFLICT (key_id, minute, replica_id) DO UPDATE' +
      ' SET requests = excluded.requests, tokens = excluded.tokens';
    out.push({ sql, params });
  }
  return out;
}

/** The other replicas' sums per key and minute since `x.since`. */
export function othersQuery(x: KeyUsageExchange, dialect: Dialect) {
  const params: SqlValue[] = [];
  const bind = binder(dialect, params);
  const sql =
    'SELECT key_id, minute, SUM(requests) AS requests,' +
    ' SUM(tokens) AS tokens FROM key_usage' +
    ` WHERE minute >= ${bind(x.since)} AND replica_id <> ${bind(x.replicaId)}` +
    ' GROUP BY key_id, minute';
  return { sql, params };
}

/** Drop minutes no window can reach any more. */
export function expireQuery(x: KeyUsageExchange, dialect: Dialect) {
  const params: SqlValue[] = [];
  const bind = binder(dialect, params);
  const sql = `DELETE FROM key_usage WHERE minute < ${bind(x.expireBefore)}`;
  return { sql, params };
}

/** A row of `othersQuery` from either driver. */
export function usageFromDb(raw: unknown): KeyMinuteUsage {
  const r = asRecord(raw, 'key_usage row');
  return {
    keyId: str(r.key_id, 'key_id'),
    minute: num(r.minute, 'minute'),
    requests: num(r.requests, 'requests'),
    tokens: num(r.tokens, 'tokens'),
  };
}
