/**
 * One request and its response, as the provider's caller sees it: the
 * head resolves a promise, body chunks go into a small queue that the
 * relay drains (or `collect` gathers). Backpressure: past the high-water
 * mark the connection stops reading until the consumer catches up.
 * Invariant: `bytes` is the length of the unread `chunks`.
 * The body is handed out as whatever has arrived, joined: chunk
 * boundaries carry no meaning in HTTP.
 */
import type { ParserSink, ResponseHeaders } from './response-parser.js';
import { abortError } from './transport-error.js';
import type { Cancellation } from '../cancellation.js';

const kHighWater = 256 * 1024;

/** Status and headers of the upstream answer. */
export interface CallHead {
  readonly statusCode: number;
  readonly headers: ResponseHeaders;
}

/** What an exchange needs of the connection carrying it. */
export interface ExchangeLink {
  pause(): void;
  resume(): void;
  /** Drop the connection (the exchange was cancelled). */
  destroy(): void;
}

/** A request in flight: sink of the parser, source of the body. */
export class Exchange implements ParserSink {
  readonly head: Promise<CallHead>;
  /** The request as written to the socket: head and body. */
  readonly payload: string;
  /** Inactivity limit while waiting for the head or the next bytes. */
  readonly timeoutMs: number;
  /** Set when any response byte arrived (a retry is no longer safe). */
  received = false;
  /** Re-sent once already after its reused connection went stale. */
  retried = false;
  link: ExchangeLink | null = null;
  #resolveHead!: (h: CallHead) => void;
  #rejectHead!: (e: Error) => void;
  #chunks: Buffer[] = [];
  #bytes = 0;
  #paused = false;
  #collecting = false;
  #ended = false;
  #error: Error | null = null;
  #wake: (() => void) | null = null;
  readonly #cancel: Cancellation;

  constructor(payload: string, timeoutMs: number, cancel: Cancellation) {
    this.payload = payload;
    this.timeoutMs = timeoutMs;
    this.#cancel = cancel;
    this.head = new Promise((resolve, reject) => {
      this.#resolveHead = resolve;
      this.#rejectHead = reject;
    });
    // Rejections are read through `head` or the body; never unhandled.
    this.head.catch(() => undefined);
    if (cancel.cancelled) this.fail(abortError());
    else cancel.onCancel(this.#onAbort);
  }

  /** True once the response ended and its body was all taken. */
  get drained(): boolean {
    return this.#ended && this.#chunks.length === 0;
  }

  /** True once the response ended or failed. */
  get settled(): boolean {
    return this.#ended || this.#error !== null;
  }

  onHead(status: number, headers: ResponseHeaders): void {
    this.#resolveHead({ statusCode: status, headers });
  }

  onBody(chunk: Buffer): void {
    if (chunk.length === 0) return;
    this.#chunks.push(chunk);
    this.#bytes += chunk.length;
    if (this.#bytes > kHighWater && !this.#paused && !this.#collecting) {
      this.#paused = true;
      this.link?.pause();
    }
    this.#notify();
  }

  onEnd(): void {
    if (this.settled) return;
    this.#ended = true;
    this.#detach();
    this.#notify();
  }

  /** End the exchange with `err` (no-op once settled). */
  fail(err: Error): void {
    if (this.settled) return;
    this.#error = err;
    this.#detach();
    this.#rejectHead(err);
    this.#notify();
  }

  /** Stop the exchange (client gone, or the body is not needed). */
  dispose(): void {
    if (this.settled) return;
    this.fail(abortError());
    this.link?.destroy();
  }

  /** The body, chunk by chunk, as it arrives. */
  async *body(): AsyncGenerator<Buffer> {
    for (;;) {
      const next = this.#take();
      if (next !== null) {
        yield next;
        continue;
      }
      if (this.#error !== null) throw this.#error;
      if (this.#ended) return;
      await new Promise<void>((r) => (this.#wake = r));
    }
  }

  /** The whole body, failing past `cap` bytes. */
  async collect(cap: number): Promise<Buffer> {
    // Read at full speed: `cap` bounds the memory instead.
    this.#collecting = true;
    if (this.#paused) {
      this.#paused = false;
      this.link?.resume();
    }
    while (!this.#ended) {
      if (this.#error !== null) throw this.#error;
      if (this.#bytes > cap) throw new RangeError('body too large');
      await new Promise<void>((r) => (this.#wake = r));
    }
    if (this.#bytes > cap) throw new RangeError('body too large');
    return this.#take() ?? Buffer.alloc(0);
  }

  // Everything that arrived so far, as one buffer: a burst of SSE events
  // from one socket read goes downstream in one write, not one each.
  #take(): Buffer | null {
    const all = this.#chunks;
    if (all.length === 0) return null;
    const c = all.length === 1 ? (all[0] as Buffer) : Buffer.concat(all);
    this.#chunks = [];
    this.#bytes = 0;
    if (this.#paused) {
      this.#paused = false;
      this.link?.resume();
    }
    return c;
  }

  #notify(): void {
    const w = this.#wake;
    this.#wake = null;
    w?.();
  }

  readonly #onAbort = (): void => {
    this.dispose();
  };

  #detach(): void {
    this.#cancel.onCancel(null);
  }
}
