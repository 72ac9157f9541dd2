/**
 * Keep-alive connections to one upstream origin (host, port, TLS or
 * not), at most `maxConnections` of them; requests beyond wait in FIFO
 * order. Idle sockets are reused newest first, so the oldest ones age
 * out. A reused socket that the server closed while it sat idle (the
 * keep-alive race) fails before any byte of the answer: that request is
 * sent once more on a fresh connection.
 */
import { connect as netConnect, isIP } from 'node:net';
import type { Socket } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import { Connection } from './connection.js';
import type { ConnectionOwner } from './connection.js';
import type { Exchange } from './exchange.js';
import { TransportError } from './transport-error.js';

/** Where and how to connect. */
export interface OriginOptions {
  readonly host: string;
  readonly port: number;
  readonly tls: boolean;
  readonly maxConnections: number;
  readonly connectTimeoutMs: number;
  /** Longest an idle socket is kept (a server's shorter hint wins). */
  readonly keepAliveMs: number;
  /** Trusted CA certificates (PEM) instead of Node's, for TLS. */
  readonly ca?: string;
}

// Failures that on a reused socket mean "closed while idle".
const kStale: ReadonlySet<string> = new Set([
  'ECONNRESET',
  'EPIPE',
  'UPSTREAM_CLOSED',
]);

function codeOf(err: Error): string {
  const code = (err as { code?: unknown }).code;
  return typeof code === 'string' ? code : '';
}

/** The connections of one origin. */
export class OriginPool implements ConnectionOwner {
  readonly #opts: OriginOptions;
  readonly #idle: Connection[] = [];
  readonly #queue: Exchange[] = [];
  #open = 0;
  #closed = false;

  constructor(opts: OriginOptions) {
    this.#opts = opts;
  }

  /** Sockets open now (busy and idle). */
  get connections(): number {
    return this.#open;
  }

  /** Send `ex` on an idle socket, a new one, or when one frees up. */
  dispatch(ex: Exchange): void {
    if (ex.settled) return;
    if (this.#closed) {
      ex.fail(new TransportError('UPSTREAM_CLOSED', 'client closed'));
      return;
    }
    const idle = this.#idle.pop();
    if (idle !== undefined) idle.send(ex);
    else if (this.#open < this.#opts.maxConnections) this.#connect().send(ex);
    else this.#queue.push(ex);
  }

  release(conn: Connection): void {
    if (this.#closed) {
      conn.destroy();
      return;
    }
    const next = this.#nextQueued();
    if (next !== undefined) conn.send(next);
    else this.#idle.push(conn);
  }

  lost(conn: Connection, ex: Exchange | null, err: Error): void {
    this.#open -= 1;
    const at = this.#idle.indexOf(conn);
    if (at !== -1) this.#idle.splice(at, 1);

    if (ex !== null) {
      const stale = conn.sent > 1 && !ex.received && kStale.has(codeOf(err));
      if (stale && !ex.retried && !this.#closed) {
        ex.retried = true;
        this.#queue.unshift(ex);
      } else {
        ex.fail(err);
      }
    }
    // A freed slot serves the longest-waiting request on a new socket.
    const next = this.#closed ? undefined : this.#nextQueued();
    if (next !== undefined) this.#connect().send(next);
  }

  /** Close every socket; waiting requests fail. */
  close(): void {
    this.#closed = true;
    for (const conn of this.#idle.splice(0)) conn.destroy();
    for (const ex of this.#queue.splice(0)) {
      ex.fail(new TransportError('UPSTREAM_CLOSED', 'client closed'));
    }
  }

  #nextQueued(): Exchange | undefined {
    for (;;) {
      const ex = this.#queue.shift();
      if (ex === undefined || !ex.settled) return ex;
    }
  }

  #connect(): Connection {
    const { host, port, tls, connectTimeoutMs, keepAliveMs, ca } = this.#opts;
    let socket: Socket;
    if (tls) {
      socket = tlsConnect({
        host,
        port,
        servername: isIP(host) === 0 ? host : undefined,
        ALPNProtocols: ['http/1.1'],
        ...(ca === undefined ? {} : { ca }),
      });
    } else {
      socket = netConnect({ host, port });
    }
    this.#open += 1;
    const event = tls ? 'secureConnect' : 'connect';
    return new Connection(socket, this, connectTimeoutMs, keepAliveMs, event);
  }
}
