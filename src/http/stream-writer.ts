/**
 * Backpressure for one streaming response: `write` reports whether the
 * caller may go on; when uWS buffers (write() false) the caller awaits
 * `drained()` and stops reading upstream meanwhile (RELIABILITY.md row 5).
 * A client that stays unwritable past the stall limit is disconnected.
 */
import { StreamStalledError } from '../errors.js';
import type { RequestContext } from '../request-context.js';
import type { HttpResponse } from './uws.js';

/** Writes to a uWS response and waits for it to drain. */
export class StreamWriter {
  private readonly res: HttpResponse;
  private readonly ctx: RequestContext;
  private readonly stallMs: number;
  private waiter: (() => void) | null = null;

  constructor(res: HttpResponse, ctx: RequestContext, stallMs: number) {
    this.res = res;
    this.ctx = ctx;
    this.stallMs = stallMs;
    // One onWritable per response; it wakes whoever waits now.
    res.onWritable(() => {
      const w = this.waiter;
      this.waiter = null;
      w?.();
      return true;
    });
  }

  /** Write bytes; false means wait for `drained()` before the next. */
  write(buf: Buffer): boolean {
    if (this.ctx.aborted || buf.length === 0) return true;
    let ok = true;
    this.res.cork(() => {
      ok = this.res.write(buf);
    });
    return ok;
  }

  /** Resolve when the socket drains or the client aborts. */
  drained(): Promise<void> {
    if (this.ctx.aborted) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiter = null;
        reject(new StreamStalledError());
      }, this.stallMs);
      this.waiter = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }

  /** Wake a waiter because the client went away. */
  abort(): void {
    const w = this.waiter;
    this.waiter = null;
    w?.();
  }
}
