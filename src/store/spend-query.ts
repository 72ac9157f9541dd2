/**
 * The SELECT behind `spendLogs`, built once for both databases: only the
 * placeholder style differs. Values always travel as parameters.
 */
import type { SpendLogFilter } from './types.js';
import type { Dialect } from './migrations.js';
import type { SqlValue } from './log-codec.js';

/** Rows returned when the filter names no limit. */
export const kDefaultSpendLimit = 100;
/** Largest page a caller may ask for. */
export const kMaxSpendLimit = 1000;

/** A statement and its parameters. */
export interface BuiltQuery {
  readonly sql: string;
  readonly params: SqlValue[];
}

function limitOf(filter: SpendLogFilter): number {
  const n = filter.limit;
  if (n === undefined || !Number.isFinite(n)) return kDefaultSpendLimit;
  return Math.min(Math.max(Math.trunc(n), 1), kMaxSpendLimit);
}

/**
 * Newest first. `model` matches the requested model or the model group,
 * so a filter by a configured model name finds aliased requests too.
 */
export function spendLogsQuery(
  filter: SpendLogFilter,
  dialect: Dialect,
): BuiltQuery {
  const params: SqlValue[] = [];
  const bind = (v: SqlValue): string => {
    params.push(v);
    return dialect === 'postgres' ? `$${params.length}` : '?';
  };
  const where: string[] = [];

  if (filter.keyId !== undefined) where.push(`key_id = ${bind(filter.keyId)}`);
  if (filter.model !== undefined) {
    const m = bind(filter.model);
    where.push(
      `(requested_model = ${m} OR model_group = ${bind(filter.model)})`,
    );
  }
  if (filter.since !== undefined)
    where.push(`started_at >= ${bind(filter.since)}`);
  if (filter.until !== undefined)
    where.push(`started_at < ${bind(filter.until)}`);

  const clause = where.length > 0 ? ` WHERE ${where.join(' AND ')}` : '';
  const sql =
    `SELECT * FROM request_log${clause}` +
    ` ORDER BY started_at DESC, request_id DESC LIMIT ${bind(limitOf(filter))}`;
  return { sql, params };
}
