/**
 * Database errors as the store passes them around: reduced to a short,
 * stable code that is safe for logs and spans (driver messages can quote
 * row values), and turned into the registry's errors at the API edge.
 */
import { KeyConflictError, StoreUnavailableError } from '../errors.js';
import type { GatewayError } from '../errors.js';

/** A failure reported by the SQLite worker, carrying only its code. */
export class StoreCallError extends Error {
  readonly code: string;

  constructor(code: string) {
    super(`store call failed: ${code}`);
    this.name = 'StoreCallError';
    this.code = code;
  }
}

/** `err.code` when it is text (SQLSTATE, SQLITE_*, errno), else 'unknown'. */
export function errorCode(err: unknown): string {
  if (typeof err === 'object' && err !== null) {
    const code = (err as { code?: unknown }).code;
    if (typeof code === 'string' && code.length > 0) return code;
  }
  return 'unknown';
}

/**
 * What a caller of a read or key operation sees. A uniqueness clash (same
 * key id or hash) is the caller's problem; anything else means the
 * database is out of reach.
 */
export function toStoreError(err: unknown, isConflict: boolean): GatewayError {
  const code = errorCode(err);
  if (isConflict) {
    return new KeyConflictError({ cause: err });
  }
  return new StoreUnavailableError({ details: { code } });
}
