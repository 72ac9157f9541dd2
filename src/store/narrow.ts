/**
 * Narrowing of values read back from a database or a worker message,
 * which arrive as `unknown` (STYLE.md #15). PostgreSQL returns BIGINT as
 * a string and SQLite returns booleans as 0/1, so both forms are accepted.
 */

/** A record whose fields can be read by name; throws on anything else. */
export function asRecord(v: unknown, what: string): Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) {
    throw new TypeError(`${what}: expected an object`);
  }
  return v as Record<string, unknown>;
}

/** A string field. */
export function str(v: unknown, field: string): string {
  if (typeof v !== 'string') throw new TypeError(`${field}: expected text`);
  return v;
}

/** A string field that may be NULL. */
export function strOrNull(v: unknown, field: string): string | null {
  return v === null || v === undefined ? null : str(v, field);
}

/** A finite number, from a number, a bigint or a numeric string. */
export function num(v: unknown, field: string): number {
  const n =
    typeof v === 'number'
      ? v
      : typeof v === 'bigint' || typeof v === 'string'
        ? Number(v)
        : Number.NaN;
  if (!Number.isFinite(n)) throw new TypeError(`${field}: expected a number`);
  return n;
}

/** A number field that may be NULL. */
export function numOrNull(v: unknown, field: string): number | null {
  return v === null || v === undefined ? null : num(v, field);
}

/** A boolean stored as a boolean or as 0/1. */
export function bool(v: unknown, field: string): boolean {
  if (typeof v === 'boolean') return v;
  if (v === 0 || v === 1) return v === 1;
  throw new TypeError(`${field}: expected a boolean`);
}

/** A value safe to bind: finite number or null (NaN and Infinity → null). */
export function finiteOrNull(v: number | null | undefined): number | null {
  return typeof v === 'number' && Number.isFinite(v) ? v : null;
}

/** An integer or null, for INTEGER columns fed by measured values. */
export function intOrNull(v: number | null | undefined): number | null {
  const n = finiteOrNull(v);
  return n === null ? null : Math.round(n);
}

/**
 * Text safe for both databases: PostgreSQL rejects U+0000 in TEXT, which
 * would make a row unwritable forever, so it becomes U+FFFD.
 */
export function text(v: string): string {
  return v.includes('\u0000') ? v.replaceAll('\u0000', '\uFFFD') : v;
}

/** `text` for a value that may be null or absent. */
export function textOrNull(v: string | null | undefined): string | null {
  return typeof v === 'string' ? text(v) : null;
}
