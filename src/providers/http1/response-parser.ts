/**
 * An incremental HTTP/1.1 response parser for the upstream client: the
 * head (status line and headers, capped), then the body framed by
 * `content-length`, chunked transfer coding, or the connection's end.
 * Body chunks are handed on as views of the socket's buffers, never
 * copied. Interim 1xx answers are skipped. Anything malformed throws a
 * TransportError('UPSTREAM_BAD_RESPONSE') and the connection is dropped.
 */
import { TransportError } from './transport-error.js';

/** Response headers: lower-case names, repeated ones joined by ", ". */
export type ResponseHeaders = Record<string, string>;

/** What the parser reports, in order: one head, body chunks, one end. */
export interface ParserSink {
  onHead(status: number, headers: ResponseHeaders): void;
  onBody(chunk: Buffer): void;
  onEnd(): void;
}

/** Largest response head accepted (status line plus headers). */
export const kMaxHeadBytes = 64 * 1024;
const kMaxLineBytes = 1024;
const kHeadEnd = Buffer.from('\r\n\r\n');

type State =
  | 'head'
  | 'length'
  | 'size'
  | 'data'
  | 'data-end'
  | 'trailers'
  | 'close'
  | 'done';

function bad(reason: string): TransportError {
  return new TransportError('UPSTREAM_BAD_RESPONSE', reason);
}

/** Parses one response at a time; `reset` before the next request. */
export class ResponseParser {
  /** Whether the connection may carry another request afterwards. */
  keepAlive = true;
  /** The answer's `keep-alive` header (the server's idle limit), if any. */
  keepAliveHint: string | null = null;
  #sink: ParserSink;
  #state: State = 'head';
  #head: Buffer | null = null;
  #remaining = 0;
  #line = '';

  constructor(sink: ParserSink) {
    this.#sink = sink;
  }

  /** True once the whole response was read. */
  get done(): boolean {
    return this.#state === 'done';
  }

  /** True once the final head was read (body may follow). */
  get headRead(): boolean {
    return this.#state !== 'head';
  }

  /** Expect a new response, reported to `sink`. */
  reset(sink: ParserSink): void {
    this.#sink = sink;
    this.#state = 'head';
    this.#head = null;
    this.#remaining = 0;
    this.#line = '';
    this.keepAlive = true;
    this.keepAliveHint = null;
  }

  /** Feed bytes from the socket. Throws on a malformed response. */
  execute(data: Buffer): void {
    let at = 0;
    while (at < data.length) {
      switch (this.#state) {
        case 'head':
          at = this.#readHead(data, at);
          break;
        case 'length':
          at = this.#readFixed(data, at);
          break;
        case 'size':
        case 'trailers':
          at = this.#readLine(data, at);
          break;
        case 'data':
          at = this.#readChunkData(data, at);
          break;
        case 'data-end':
          at = this.#readChunkEnd(data, at);
          break;
        case 'close':
          this.#sink.onBody(at === 0 ? data : data.subarray(at));
          return;
        case 'done':
          // Bytes past the response: the connection is not reusable.
          this.keepAlive = false;
          return;
      }
    }
  }

  /** The socket ended: completes a close-delimited body, else throws. */
  finish(): void {
    if (this.#state === 'close') {
      this.#finish();
      return;
    }
    if (this.#state !== 'done') {
      throw new TransportError('UPSTREAM_CLOSED', 'closed mid-response');
    }
  }

  #finish(): void {
    this.#state = 'done';
    this.#sink.onEnd();
  }

  #readHead(data: Buffer, at: number): number {
    const part = at === 0 ? data : data.subarray(at);
    const buf = this.#head === null ? part : Buffer.concat([this.#head, part]);
    // The terminator may straddle two reads: search from a little back.
    const from = this.#head === null ? 0 : Math.max(0, this.#head.length - 3);
    const end = buf.indexOf(kHeadEnd, from);
    if (end === -1) {
      if (buf.length > kMaxHeadBytes) throw bad('response head too large');
      this.#head = buf;
      return data.length;
    }
    if (end > kMaxHeadBytes) throw bad('response head too large');
    this.#head = null;
    const consumed = end + 4 - (buf.length - part.length);
    this.#parseHead(buf.toString('latin1', 0, end));
    return at + consumed;
  }

  #parseHead(text: string): void {
    const lines = text.split('\r\n');
    const status = /^HTTP\/1\.([01]) (\d{3})(?: .*)?$/.exec(lines[0] ?? '');
    if (status === null) throw bad('bad status line');
    const code = Number(status[2]);
    const headers: ResponseHeaders = {};
    for (let i = 1; i < lines.length; i++) {
      const line = lines[i] as string;
      const colon = line.indexOf(':');
      if (colon <= 0) throw bad('bad header line');
      const name = line.slice(0, colon).trim().toLowerCase();
      const value = line.slice(colon + 1).trim();
      const prev = headers[name];
      headers[name] = prev === undefined ? value : `${prev}, ${value}`;
    }
    // Interim answers (100 Continue, 103 Early Hints): the real one follows.
    if (code >= 100 && code < 200) return;
    this.#frame(status[1] === '0', code, headers);
    this.#sink.onHead(code, headers);
    if (this.#state === 'done') this.#sink.onEnd();
  }

  #frame(http10: boolean, code: number, headers: ResponseHeaders): void {
    const connection = (headers['connection'] ?? '').toLowerCase();
    this.keepAliveHint = headers['keep-alive'] ?? null;
    this.keepAlive = http10
      ? connection.includes('keep-alive')
      : !connection.includes('close');
    const te = (headers['transfer-encoding'] ?? '').toLowerCase();
    const length = headers['content-length'];
    if (code === 204 || code === 304) {
      this.#state = 'done';
    } else if (te.endsWith('chunked')) {
      this.#state = 'size';
    } else if (te !== '') {
      throw bad('unsupported transfer-encoding');
    } else if (length !== undefined) {
      if (!/^\d{1,15}$/.test(length)) throw bad('bad content-length');
      this.#remaining = Number(length);
      this.#state = this.#remaining === 0 ? 'done' : 'length';
    } else {
      this.#state = 'close';
      this.keepAlive = false;
    }
  }

  #readFixed(data: Buffer, at: number): number {
    const n = Math.min(this.#remaining, data.length - at);
    this.#sink.onBody(
      at === 0 && n === data.length ? data : data.subarray(at, at + n),
    );
    this.#remaining -= n;
    if (this.#remaining === 0) this.#finish();
    return at + n;
  }

  #readLine(data: Buffer, at: number): number {
    if (this.#line === '' && this.#state === 'size') {
      const next = this.#readSizeFast(data, at);
      if (next !== -1) return next;
    }
    const nl = data.indexOf(10, at);
    const end = nl === -1 ? data.length : nl + 1;
    this.#line += data.toString('latin1', at, end);
    if (this.#line.length > kMaxLineBytes) throw bad('chunk line too long');
    if (nl === -1) return end;

    const line = this.#line.replace(/\r?\n$/, '');
    this.#line = '';
    if (this.#state === 'trailers') {
      if (line === '') this.#finish();
      return end;
    }
    const hex = line.split(';', 1)[0]?.trim() ?? '';
    if (!/^[0-9a-fA-F]{1,12}$/.test(hex)) throw bad('bad chunk size');
    this.#remaining = parseInt(hex, 16);
    this.#state = this.#remaining === 0 ? 'trailers' : 'data';
    return end;
  }

  /**
   * A whole `<hex>\r\n` size line at `at`, read from the bytes; -1 for
   * anything else (split across reads, extensions, bad bytes), which
   * the general path then handles. Streams carry one per event.
   */
  #readSizeFast(data: Buffer, at: number): number {
    let size = 0;
    let i = at;
    for (const lim = Math.min(data.length, at + 12); i < lim; i++) {
      const c = data[i] as number;
      const l = c | 0x20;
      const d = c >= 48 && c <= 57 ? c - 48 : l >= 97 && l <= 102 ? l - 87 : -1;
      if (d < 0) break;
      size = size * 16 + d;
    }
    if (i === at || data[i] !== 13 || data[i + 1] !== 10) return -1;
    this.#remaining = size;
    this.#state = size === 0 ? 'trailers' : 'data';
    return i + 2;
  }

  #readChunkData(data: Buffer, at: number): number {
    const n = Math.min(this.#remaining, data.length - at);
    this.#sink.onBody(data.subarray(at, at + n));
    this.#remaining -= n;
    if (this.#remaining === 0) {
      this.#state = 'data-end';
      this.#remaining = 2;
    }
    return at + n;
  }

  #readChunkEnd(data: Buffer, at: number): number {
    // The CRLF after a chunk's data, possibly split across reads.
    while (this.#remaining > 0 && at < data.length) {
      const want = this.#remaining === 2 ? 13 : 10;
      if (data[at] !== want) throw bad('chunk not followed by CRLF');
      this.#remaining -= 1;
      at += 1;
    }
    if (this.#remaining === 0) this.#state = 'size';
    return at;
  }
}
