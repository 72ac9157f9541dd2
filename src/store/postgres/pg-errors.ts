/**
 * Which PostgreSQL failures are worth retrying. Connection loss, timeouts,
 * server shutdown and lock conflicts pass; errors about the data itself
 * would fail the same way forever, so those rows are refused instead.
 * SQLSTATE classes: https://www.postgresql.org/docs/15/errcodes-appendix.html
 */
import { errorCode } from '../error-code.js';

// 0A feature not supported, 22 data exception, 23 integrity violation,
// 42 syntax or access rule, 54 program limit exceeded.
const kRefusedClasses: ReadonlySet<string> = new Set([
  '0A',
  '22',
  '23',
  '42',
  '54',
]);

const kSqlState = /^[0-9A-Z]{5}$/;

/** True when the same statement may succeed later. */
export function isRetryablePgError(err: unknown): boolean {
  // A bug in our own code (a bad value reaching a codec) never heals.
  if (err instanceof TypeError || err instanceof RangeError) return false;

  // Without a SQLSTATE the failure is the connection (ECONNREFUSED, reset,
  // "Connection terminated", a timeout): the server may come back.
  const code = errorCode(err);
  if (!kSqlState.test(code)) return true;
  return !kRefusedClasses.has(code.slice(0, 2));
}

/** True for a unique-key clash (23505). */
export function isUniqueViolation(err: unknown): boolean {
  return errorCode(err) === '23505';
}
