/**
 * A hand-written HTTP/1.1 client on its own socket, for what a normal
 * client will not do on cue: leave at an exact moment, send half a
 * body, or stop reading while the server writes.
 */
import { connect } from 'node:net';
import type { Socket } from 'node:net';

/** A request in progress. */
export interface RawClient {
  readonly socket: Socket;
  /** What was received, as latin1 text (the first kKeepBytes only). */
  text(): string;
  /** The last bytes received, as latin1 text. */
  tail(): string;
  /** Bytes received so far. */
  bytes(): number;
  /** Times `RawPostOptions.count` was received, so far. */
  counted(): number;
  /** Resolves when the socket is closed, by either side. */
  readonly closed: Promise<void>;
  /** Resolves once the head is handed to the kernel. */
  readonly sent: Promise<void>;
}

/** Options of `rawPost`. */
export interface RawPostOptions {
  /** Send only this many body bytes (the rest never comes). */
  readonly bodyBytes?: number;
  /** Send the body this many ms after the head. */
  readonly bodyDelayMs?: number;
  /** Do not read the answer (a client whose reads stall). */
  readonly paused?: boolean;
  /** A marker to count in the answer (big answers are not kept). */
  readonly count?: string;
}

// Big answers are counted, not kept: the test process is the gateway's
// process too, and its RSS is checked.
const kKeepBytes = 1 << 20;
const kTailBytes = 4096;

/** POST `body` as JSON to 127.0.0.1:`port` at `path`. */
export function rawPost(
  port: number,
  path: string,
  body: string,
  opts: RawPostOptions = {},
): RawClient {
  const socket = connect(port, '127.0.0.1');
  const kept: Buffer[] = [];
  let size = 0;
  let tail = '';
  let counted = 0;
  const marker = opts.count ?? null;
  socket.on('data', (d: Buffer) => {
    if (size < kKeepBytes) kept.push(d);
    size += d.length;
    const text = tail + d.toString('latin1');
    if (marker !== null) {
      // The tail holds less than a marker: no match is counted twice.
      const from = Math.max(0, tail.length - marker.length + 1);
      counted += text.slice(from).split(marker).length - 1;
    }
    tail = text.slice(-kTailBytes);
  });
  socket.on('error', () => undefined);
  const closed = new Promise<void>((r) => socket.once('close', () => r()));
  if (opts.paused === true) socket.pause();

  const payload = Buffer.from(body);
  const sent = new Promise<void>((resolve) =>
    socket.write(
      `POST ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\n` +
        `Content-Type: application/json\r\n` +
        `Content-Length: ${payload.length}\r\n\r\n`,
      () => resolve(),
    ),
  );
  const part = payload.subarray(0, opts.bodyBytes ?? payload.length);
  const sendBody = () => {
    if (!socket.destroyed) socket.write(part);
  };
  if (opts.bodyDelayMs === undefined) sendBody();
  else setTimeout(sendBody, opts.bodyDelayMs);
  return {
    socket,
    text: () => Buffer.concat(kept).toString('latin1'),
    tail: () => tail,
    bytes: () => size,
    counted: () => counted,
    closed,
    sent,
  };
}
