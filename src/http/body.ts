/**
 * Reads a request body under a size cap. uWS has no limit of its own:
 * a declared length over the cap is refused before reading, a chunked
 * body as soon as it crosses the cap (RELIABILITY.md row 11). A client
 * that leaves mid-upload rejects the read, so the request ends and its
 * admission slot is released (row 4).
 */
import { ClientAbortedError, RequestTooLargeError } from '../errors.js';
import type { RequestContext } from '../request-context.js';
import type { HttpResponse } from './uws.js';

// Nothing is sent for it (the client is gone); the request log says so.
function aborted(): ClientAbortedError {
  return new ClientAbortedError();
}

/**
 * Resolve with the whole body; reject with RequestTooLargeError, or
 * when the client aborts before the last chunk. Call it before the
 * first await: uWS drops body chunks that find no onData handler.
 */
export function readBody(
  res: HttpResponse,
  ctx: RequestContext,
  limit: number,
): Promise<Buffer> {
  const raw = ctx.headers.contentLength;
  const declared = raw === '' ? -1 : Number(raw);
  if (declared > limit) return Promise.reject(new RequestTooLargeError());
  if (ctx.aborted) return Promise.reject(aborted());

  return new Promise((resolve, reject) => {
    // Known length: one allocation and copies into it; else collect.
    let buf = declared > 0 ? Buffer.allocUnsafe(declared) : null;
    const parts: Buffer[] = [];
    let size = 0;
    let done = false;
    const settle = () => {
      done = true;
      if (ctx.onAbort === onAbort) ctx.onAbort = null;
    };
    const onAbort = () => {
      if (done) return;
      settle();
      reject(aborted());
    };
    ctx.onAbort = onAbort;
    res.onData((chunk, isLast) => {
      if (done) return;
      const view = new Uint8Array(chunk);
      size += view.byteLength;
      if (size > limit || (buf !== null && size > buf.length)) {
        settle();
        reject(new RequestTooLargeError());
        return;
      }
      // The ArrayBuffer is only valid during this callback: copy now.
      if (buf !== null) buf.set(view, size - view.byteLength);
      else parts.push(Buffer.from(view));
      if (!isLast) return;
      settle();
      if (buf === null) buf = Buffer.concat(parts, size);
      resolve(size === buf.length ? buf : buf.subarray(0, size));
    });
  });
}
