/**
 * Failures of the upstream HTTP/1.1 client, by code. Socket errors of
 * Node (ECONNREFUSED, ECONNRESET, EPIPE, ...) pass through with their own
 * codes; `mapTransportError` turns either into a registry error.
 */

/** The client's own failure codes. */
export type TransportCode =
  | 'UPSTREAM_CONNECT_TIMEOUT'
  | 'UPSTREAM_HEADERS_TIMEOUT'
  | 'UPSTREAM_BODY_TIMEOUT'
  | 'UPSTREAM_CLOSED'
  | 'UPSTREAM_BAD_RESPONSE';

/** Codes that mean the upstream took too long. */
export const kTimeoutCodes: ReadonlySet<string> = new Set<TransportCode>([
  'UPSTREAM_CONNECT_TIMEOUT',
  'UPSTREAM_HEADERS_TIMEOUT',
  'UPSTREAM_BODY_TIMEOUT',
]);

/** A transport failure; `message` never holds upstream text or keys. */
export class TransportError extends Error {
  readonly code: TransportCode;

  constructor(code: TransportCode, message: string) {
    super(message);
    this.name = 'TransportError';
    this.code = code;
  }
}

/** The error a cancelled exchange rejects with. */
export function abortError(): Error {
  const err = new Error('aborted');
  err.name = 'AbortError';
  return err;
}
