/**
 * Reads a request body under a size cap. uWS has no limit of its own:
 * a declared length over the cap is refused before reading, a chunked
 * body as soon as it crosses the cap (RELIABILITY.md row 11).
 */
import { RequestTooLargeError } from '../errors.js';
import type { HttpResponse } from './uws.js';

/** Resolve with the whole body; reject with RequestTooLargeError. */
export function readBody(
  res: HttpResponse,
  declaredLength: string,
  limit: number,
): Promise<Buffer> {
  const declared = declaredLength === '' ? -1 : Number(declaredLength);
  if (declared > limit) return Promise.reject(new RequestTooLargeError());

  return new Promise((resolve, reject) => {
    // Known length: one allocation and copies into it; else collect.
    let buf = declared > 0 ? Buffer.allocUnsafe(declared) : null;
    const parts: Buffer[] = [];
    let size = 0;
    let done = false;
    res.onData((chunk, isLast) => {
      if (done) return;
      const view = new Uint8Array(chunk);
      size += view.byteLength;
      if (size > limit || (buf !== null && size > buf.length)) {
        done = true;
        reject(new RequestTooLargeError());
        return;
      }
      // The ArrayBuffer is only valid during this callback: copy now.
      if (buf !== null) buf.set(view, size - view.byteLength);
      else parts.push(Buffer.from(view));
      if (!isLast) return;
      done = true;
      if (buf === null) buf = Buffer.concat(parts, size);
      resolve(size === buf.length ? buf : buf.subarray(0, size));
    });
  });
}
