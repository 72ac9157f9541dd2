/**
 * The virtual_keys table's columns and their mapping to
 * `VirtualKeyRecord`. Allowed models are stored as a JSON array of text
 * so both databases share one shape.
 */
import type { VirtualKeyRecord } from './types.js';
import type { SqlValue } from './log-codec.js';
import { asRecord, finiteOrNull, intOrNull, num, numOrNull } from './narrow.js';
import { str, strOrNull, text, textOrNull } from './narrow.js';

/** Column order used by the INSERT and by `keyParams`. */
export const kKeyColumns: readonly string[] = Object.freeze([
  'key_id',
  'key_hash',
  'alias',
  'models',
  'rpm_limit',
  'tpm_limit',
  'max_budget',
  'expires_at',
  'created_at',
]);

/** One key's values in `kKeyColumns` order (spend lives elsewhere). */
export function keyParams(rec: VirtualKeyRecord): SqlValue[] {
  return [
    text(rec.keyId),
    text(rec.keyHash),
    textOrNull(rec.alias),
    JSON.stringify(rec.models.map(text)),
    intOrNull(rec.rpmLimit),
    intOrNull(rec.tpmLimit),
    finiteOrNull(rec.maxBudget),
    intOrNull(rec.expiresAt),
    intOrNull(rec.createdAt) ?? 0,
  ];
}

function models(v: unknown): string[] {
  const parsed: unknown = JSON.parse(str(v, 'models'));
  if (!Array.isArray(parsed)) throw new TypeError('models: expected a list');
  return parsed.map((m) => str(m, 'models[]'));
}

/** A key row (joined with its spend total as `spend`) from either DB. */
export function keyFromDb(raw: unknown): VirtualKeyRecord {
  const r = asRecord(raw, 'virtual_keys row');
  return {
    keyId: str(r.key_id, 'key_id'),
    keyHash: str(r.key_hash, 'key_hash'),
    alias: strOrNull(r.alias, 'alias'),
    models: Object.freeze(models(r.models)),
    rpmLimit: numOrNull(r.rpm_limit, 'rpm_limit'),
    tpmLimit: numOrNull(r.tpm_limit, 'tpm_limit'),
    maxBudget: numOrNull(r.max_budget, 'max_budget'),
    expiresAt: numOrNull(r.expires_at, 'expires_at'),
    createdAt: num(r.created_at, 'created_at'),
    spend: numOrNull(r.spend, 'spend') ?? 0,
  };
}

/** Keys joined with their spend total; callers append WHERE/ORDER BY. */
export const kKeySelect =
  'SELECT k.*, COALESCE(s.spend, 0) AS spend FROM virtual_keys k' +
  ' LEFT JOIN key_spend s ON s.key_id = k.key_id';
