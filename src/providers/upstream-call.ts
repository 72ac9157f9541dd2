/**
 * One upstream exchange as an undici dispatch handler, without the
 * stream machinery of `request()`: headers resolve a promise, body chunks
 * go into a small queue the relay drains. Backpressure: past the high
 * water mark the socket is paused until the consumer catches up.
 * Invariant: `head <= chunks.length`; bytes counts unread chunk bytes.
 */
import type { Dispatcher } from 'undici';
import type { IncomingHttpHeaders } from 'node:http';

const kHighWater = 256 * 1024;

/** Headers and status of the upstream answer. */
export interface CallHead {
  readonly statusCode: number;
  readonly headers: IncomingHttpHeaders;
}

/** The handler, the body iterator and the whole-body reader in one. */
export class UpstreamCall implements Dispatcher.DispatchHandler {
  readonly head: Promise<CallHead>;
  private resolveHead!: (h: CallHead) => void;
  private rejectHead!: (e: Error) => void;
  private controller: Dispatcher.DispatchController | null = null;
  private chunks: Buffer[] = [];
  private index = 0;
  private bytes = 0;
  private ended = false;
  private error: Error | null = null;
  private wake: (() => void) | null = null;
  private readonly signal: AbortSignal;

  constructor(signal: AbortSignal) {
    this.signal = signal;
    this.head = new Promise((resolve, reject) => {
      this.resolveHead = resolve;
      this.rejectHead = reject;
    });
    // Rejections are read through `head` or the body; never unhandled.
    this.head.catch(() => undefined);
  }

  onRequestStart(controller: Dispatcher.DispatchController): void {
    this.controller = controller;
    if (this.signal.aborted) controller.abort(abortError());
    else this.signal.addEventListener('abort', this.onAbort, { once: true });
  }

  onResponseStart(
    _c: Dispatcher.DispatchController,
    statusCode: number,
    headers: IncomingHttpHeaders,
  ): void {
    // 1xx answers are informational; the real head follows.
    if (statusCode < 200) return;
    this.resolveHead({ statusCode, headers });
  }

  onResponseData(c: Dispatcher.DispatchController, chunk: Buffer): void {
    this.chunks.push(chunk);
    this.bytes += chunk.length;
    if (this.bytes > kHighWater) c.pause();
    this.notify();
  }

  onResponseEnd(): void {
    this.ended = true;
    this.detach();
    this.notify();
  }

  onResponseError(_c: Dispatcher.DispatchController, err: Error): void {
    this.error = err;
    this.detach();
    this.rejectHead(err);
    this.notify();
  }

  /** Stop the exchange (client gone, or the body is not needed). */
  dispose(): void {
    if (!this.ended && this.error === null)
      this.controller?.abort(abortError());
  }

  /** The body, chunk by chunk, as it arrives. */
  async *body(): AsyncGenerator<Buffer> {
    for (;;) {
      const next = this.take();
      if (next !== null) {
        yield next;
        continue;
      }
      if (this.error !== null) throw this.error;
      if (this.ended) return;
      await new Promise<void>((r) => (this.wake = r));
    }
  }

  /** The whole body, failing past `cap` bytes. */
  async collect(cap: number): Promise<Buffer> {
    while (!this.ended) {
      if (this.error !== null) throw this.error;
      if (this.bytes > cap) throw new RangeError('body too large');
      await new Promise<void>((r) => (this.wake = r));
    }
    const rest = this.chunks.slice(this.index);
    this.chunks = [];
    this.index = 0;
    return rest.length === 1 ? (rest[0] as Buffer) : Buffer.concat(rest);
  }

  private take(): Buffer | null {
    if (this.index >= this.chunks.length) {
      if (this.index > 0) {
        this.chunks = [];
        this.index = 0;
      }
      return null;
    }
    const c = this.chunks[this.index++] as Buffer;
    this.bytes -= c.length;
    if (this.controller?.paused === true && this.bytes <= kHighWater / 2) {
      this.controller.resume();
    }
    return c;
  }

  private notify(): void {
    const w = this.wake;
    this.wake = null;
    w?.();
  }

  private readonly onAbort = (): void => {
    this.controller?.abort(abortError());
  };

  private detach(): void {
    this.signal.removeEventListener('abort', this.onAbort);
  }
}

function abortError(): Error {
  const err = new Error('aborted');
  err.name = 'AbortError';
  return err;
}
