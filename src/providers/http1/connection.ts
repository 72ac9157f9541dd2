/**
 * One keep-alive socket to an upstream: writes a request in one write,
 * feeds the answer to the parser, and goes back to its pool when the
 * answer is complete and reusable. One timer per socket does every job:
 * connect timeout, then inactivity while an exchange waits (first byte,
 * then between body bytes; off while the consumer holds it paused), then
 * the keep-alive limit while idle. Every failure destroys the socket and
 * is reported from its single 'close' handler.
 */
import type { Socket } from 'node:net';
import type { Exchange, ExchangeLink } from './exchange.js';
import { ResponseParser } from './response-parser.js';
import { TransportError } from './transport-error.js';

/** What a connection tells its pool. */
export interface ConnectionOwner {
  /** The exchange completed and the socket may carry another. */
  release(conn: Connection): void;
  /** The socket closed; `ex` (if any) did not complete. */
  lost(conn: Connection, ex: Exchange | null, err: Error): void;
}

// A server's `keep-alive: timeout=N` hint, in seconds.
const kHint = /timeout=(\d+)/;

/** A socket and the exchange it carries, if any. */
export class Connection implements ExchangeLink {
  /** Requests written on this socket so far. */
  sent = 0;
  #socket: Socket;
  #owner: ConnectionOwner;
  #parser: ResponseParser;
  #exchange: Exchange | null = null;
  #connected = false;
  #error: Error | null = null;
  #keepAliveMs: number;

  constructor(
    socket: Socket,
    owner: ConnectionOwner,
    connectTimeoutMs: number,
    keepAliveMs: number,
    connectEvent: 'connect' | 'secureConnect',
  ) {
    this.#socket = socket;
    this.#owner = owner;
    this.#keepAliveMs = keepAliveMs;
    // A parser needs a sink; the first send() gives it the real one.
    this.#parser = new ResponseParser({
      onHead: () => undefined,
      onBody: () => undefined,
      onEnd: () => undefined,
    });
    socket.setNoDelay(true);
    socket.setTimeout(connectTimeoutMs);
    socket.once(connectEvent, this.#onConnect);
    socket.on('data', this.#onData);
    socket.on('timeout', this.#onTimeout);
    socket.on('error', this.#onError);
    socket.once('close', this.#onClose);
  }

  /** Write `ex` on this socket; its answer is parsed into it. */
  send(ex: Exchange): void {
    this.#exchange = ex;
    ex.link = this;
    this.#parser.reset(ex);
    this.sent += 1;
    if (this.#connected) this.#socket.setTimeout(ex.timeoutMs);
    this.#socket.write(ex.payload);
  }

  pause(): void {
    this.#socket.pause();
    // A consumer that reads slowly is not an upstream that stalls.
    if (this.#connected) this.#socket.setTimeout(0);
  }

  resume(): void {
    const ex = this.#exchange;
    if (ex !== null && this.#connected) this.#socket.setTimeout(ex.timeoutMs);
    this.#socket.resume();
  }

  destroy(err?: Error): void {
    this.#socket.destroy(err);
  }

  readonly #onConnect = (): void => {
    this.#connected = true;
    const ex = this.#exchange;
    this.#socket.setTimeout(ex === null ? this.#keepAliveMs : ex.timeoutMs);
  };

  readonly #onData = (data: Buffer): void => {
    const ex = this.#exchange;
    if (ex === null) {
      // Nothing was asked: a broken or hostile upstream.
      this.destroy(new TransportError('UPSTREAM_BAD_RESPONSE', 'unasked'));
      return;
    }
    ex.received = true;
    try {
      this.#parser.execute(data);
    } catch (err: unknown) {
      this.destroy(err as Error);
      return;
    }
    if (this.#parser.done) this.#complete(ex);
  };

  #complete(ex: Exchange): void {
    this.#exchange = null;
    ex.link = null;
    if (!this.#parser.keepAlive) {
      this.destroy();
      return;
    }
    const hint = kHint.exec(this.#parser.keepAliveHint ?? '');
    // Leave a second's margin before the server's own idle close.
    const serverMs = hint === null ? Infinity : Number(hint[1]) * 1000 - 1000;
    this.#socket.setTimeout(Math.max(1, Math.min(this.#keepAliveMs, serverMs)));
    this.#owner.release(this);
  }

  readonly #onTimeout = (): void => {
    const ex = this.#exchange;
    if (!this.#connected) {
      this.destroy(new TransportError('UPSTREAM_CONNECT_TIMEOUT', 'connect'));
    } else if (ex === null) {
      this.destroy(); // idle past keep-alive
    } else if (this.#parser.headRead) {
      this.destroy(new TransportError('UPSTREAM_BODY_TIMEOUT', 'body idle'));
    } else {
      this.destroy(new TransportError('UPSTREAM_HEADERS_TIMEOUT', 'no head'));
    }
  };

  readonly #onError = (err: Error): void => {
    this.#error ??= err;
  };

  readonly #onClose = (): void => {
    const ex = this.#exchange;
    this.#exchange = null;
    if (ex !== null && ex.received && this.#error === null) {
      // The server closed: that ends a close-delimited body, or cuts one.
      try {
        this.#parser.finish();
      } catch (err: unknown) {
        this.#error = err as Error;
      }
    }
    const err =
      this.#error ?? new TransportError('UPSTREAM_CLOSED', 'socket closed');
    this.#owner.lost(this, ex !== null && !ex.settled ? ex : null, err);
  };
}
