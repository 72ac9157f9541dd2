/**
 * Maps transport failures of the upstream client to the registry's
 * upstream errors, and
 * upstream HTTP statuses to what the client is told (RELIABILITY.md row 2).
 */
import {
  GatewayError,
  UpstreamAuthFailedError,
  UpstreamError,
  UpstreamRateLimitedError,
  UpstreamTimeoutError,
} from '../errors.js';
import { kTimeoutCodes } from './http1/transport-error.js';

/** Turn a transport/socket error into a GatewayError (or keep aborts). */
export function mapTransportError(err: unknown): Error {
  if (err instanceof GatewayError) return err;
  const code = (err as { code?: unknown }).code;
  const name = (err as { name?: unknown }).name;
  // Aborts are the caller's own doing; keep them recognisable as such.
  if (name === 'AbortError') return err as Error;
  if (typeof code === 'string' && kTimeoutCodes.has(code)) {
    return new UpstreamTimeoutError({ cause: err, details: { code } });
  }
  return new UpstreamError({ cause: err, details: { code } });
}

/** The gateway error for a non-2xx upstream status, or null to pass it. */
export function errorForStatus(status: number): GatewayError | null {
  if (status === 429) return new UpstreamRateLimitedError();
  // The upstream rejected our credentials: never forward its text.
  if (status === 401 || status === 403) return new UpstreamAuthFailedError();
  if (status === 408 || status === 504) return new UpstreamTimeoutError();
  if (status >= 500) return new UpstreamError({ details: { status } });
  return null;
}

/** Whether an upstream failure may be retried on this or another node. */
export function isRetriable(err: unknown): boolean {
  if (!(err instanceof GatewayError)) return false;
  return (
    err instanceof UpstreamError ||
    err instanceof UpstreamTimeoutError ||
    err instanceof UpstreamRateLimitedError
  );
}
