/**
 * Writing whole responses. Every write is corked (it may run after an
 * await) and skipped once the client is gone: uWS forbids touching an
 * aborted response.
 */
import type { GatewayError } from '../errors.js';
import type { RequestContext } from '../request-context.js';
import { statusLine } from './status-text.js';
import type { HttpResponse } from './uws.js';

/** Extra response headers as [name, value] pairs (trusted values only). */
export type HeaderList = ReadonlyArray<readonly [string, string]>;

const kNoHeaders: HeaderList = Object.freeze([]);

/** OpenAI's error envelope for `err` (never echoes input or keys). */
export function errorBody(err: GatewayError): string {
  return JSON.stringify({
    error: {
      message: err.message,
      type: err.type,
      param: err.param,
      code: err.openaiCode,
    },
  });
}

/** Send a complete response with `x-request-id`. */
export function sendBody(
  res: HttpResponse,
  ctx: RequestContext,
  status: number,
  contentType: string,
  body: string | Buffer,
  headers: HeaderList = kNoHeaders,
  closeConnection = false,
): void {
  ctx.status = status;
  if (ctx.aborted) return;
  res.cork(() => {
    res.writeStatus(statusLine(status));
    res.writeHeader('content-type', contentType);
    res.writeHeader('x-request-id', ctx.id);
    for (const [k, v] of headers) res.writeHeader(k, v);
    res.end(body, closeConnection);
  });
}

/** Send JSON text. */
export function sendJson(
  res: HttpResponse,
  ctx: RequestContext,
  status: number,
  body: string | Buffer,
  headers?: HeaderList,
): void {
  sendBody(res, ctx, status, 'application/json', body, headers);
}

/** Send `err` in OpenAI's envelope, with `retry-after` on 429/503. */
export function sendError(
  res: HttpResponse,
  ctx: RequestContext,
  err: GatewayError,
  closeConnection = false,
  extra: HeaderList = kNoHeaders,
): void {
  ctx.errorCode = err.code;
  const headers: Array<readonly [string, string]> = [...extra];
  if (err.statusCode === 429 || err.statusCode === 503) {
    headers.push(['retry-after', String(Math.max(1, err.retryAfter ?? 1))]);
  }
  sendBody(
    res,
    ctx,
    err.statusCode,
    'application/json',
    errorBody(err),
    headers,
    closeConnection,
  );
}
