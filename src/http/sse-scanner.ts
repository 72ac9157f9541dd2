/**
 * Frames an upstream SSE byte stream into whole events without copying
 * the common case: a chunk of complete events passes through as a view.
 * Only chunks that mention `usage`, `error` or `[DONE]` are looked into.
 * Invariant: bytes are emitted in order, each exactly once, on an event
 * boundary; an incomplete tail waits in `pending`.
 */

const kSep = Buffer.from('\n\n');
// sse-starlette (llama-cpp-python's server, others) ends events with
// CRLF pairs; the SSE spec allows both.
const kCrlfSep = Buffer.from('\r\n\r\n');
/** No upstream sends one event this big: past it the stream is broken. */
const kMaxPendingBytes = 4 << 20;
const kUsage = Buffer.from('"usage"');
const kError = Buffer.from('"error"');
const kDone = Buffer.from('data: [DONE]');
const kEmptyChoices = Buffer.from('"choices":[]');
const kMarks = [kUsage, kError, kDone] as const;

/** What the scanner learned from the events so far. */
export interface SseFacts {
  events: number;
  sawDone: boolean;
  inBandError: boolean;
  inputTokens: number | null;
  outputTokens: number | null;
}

/** Splits upstream bytes into forwardable, event-aligned buffers. */
export class SseScanner {
  readonly facts: SseFacts = {
    events: 0,
    sawDone: false,
    inBandError: false,
    inputTokens: null,
    outputTokens: null,
  };
  private pending: Buffer | null = null;
  /** Drop the usage-only chunk the gateway asked for on its own behalf. */
  private readonly stripUsage: boolean;

  /** A credential that must not reach the client (the provider key). */
  private readonly secret: Buffer | null;

  constructor(stripUsage: boolean, secret: string | null = null) {
    this.stripUsage = stripUsage;
    this.secret =
      secret !== null && secret.length >= 4 ? Buffer.from(secret) : null;
  }

  /** Bytes ready to forward from `chunk` (possibly empty). */
  push(chunk: Buffer): Buffer {
    let data = chunk;
    if (this.pending !== null) {
      data = Buffer.concat([this.pending, chunk]);
      this.pending = null;
    }
    const cut = lastEventEnd(data);
    if (cut === -1) {
      this.pending = data;
      return data.subarray(0, 0);
    }
    if (cut < data.length) this.pending = data.subarray(cut);
    const whole = cut === data.length ? data : data.subarray(0, cut);
    return this.scan(whole);
  }

  /** True once an unterminated event outgrew any real one. */
  get overflowed(): boolean {
    return (this.pending?.length ?? 0) > kMaxPendingBytes;
  }

  /**
   * For a stream cut off before its usage chunk (upstream reset, client
   * gone): estimate output tokens as the events relayed, about one token
   * each in OpenAI-style streams, so the log row is not billed as zero.
   */
  estimateCutUsage(): void {
    if (this.facts.sawDone || this.facts.outputTokens !== null) return;
    this.facts.outputTokens = this.facts.events;
  }

  /**
   * Whatever is left when the upstream ends: an event it did not
   * terminate, given its blank line (so nothing written after it can
   * merge into it) and inspected (a bare final `data: [DONE]` counts).
   */
  flush(): Buffer | null {
    const rest = this.pending;
    this.pending = null;
    if (rest === null || rest.toString('latin1').trim() === '') return null;
    return this.scan(Buffer.concat([rest, kSep]));
  }

  private scan(whole: Buffer): Buffer {
    const mark = firstMark(whole);
    const ends = new EventEnds(whole);
    if (mark === -1) {
      this.facts.events += ends.count(0);
      return whole;
    }
    // Events wholly before the first marker pass as they are; from the
    // one holding it on, each event is looked at.
    const keep: Buffer[] = [];
    let start = 0;
    for (let end = ends.next(0); end !== -1 && end <= mark;) {
      this.facts.events++;
      start = end;
      end = ends.next(end);
    }
    if (start > 0) keep.push(whole.subarray(0, start));
    while (start < whole.length) {
      const end = ends.next(start);
      const stop = end === -1 ? whole.length : end;
      const ev = this.inspect(whole.subarray(start, stop));
      if (ev !== null) keep.push(ev);
      start = stop;
    }
    return keep.length === 1 ? (keep[0] as Buffer) : Buffer.concat(keep);
  }

  /** Record facts of one event; what to forward of it, or null. */
  private inspect(ev: Buffer): Buffer | null {
    this.facts.events++;
    if (ev.indexOf(kDone) !== -1) {
      this.facts.sawDone = true;
      return ev;
    }
    if (ev.indexOf(kError) !== -1 && isErrorEvent(ev)) {
      this.facts.inBandError = true;
      // An upstream may quote the key it rejected; never pass it on.
      const sec = this.secret;
      if (sec === null || ev.indexOf(sec) === -1) return ev;
      return Buffer.from(
        ev.toString('utf8').split(sec.toString()).join('[redacted]'),
      );
    }
    if (ev.indexOf(kUsage) === -1) return ev;
    const usage = readUsage(ev);
    if (usage !== null) {
      this.facts.inputTokens = usage.prompt_tokens ?? null;
      this.facts.outputTokens = usage.completion_tokens ?? null;
      if (this.stripUsage && ev.indexOf(kEmptyChoices) !== -1) return null;
    }
    return ev;
  }
}

/** End (exclusive) of the last whole event in `buf`, or -1. */
function lastEventEnd(buf: Buffer): number {
  const lf = buf.lastIndexOf(kSep);
  const crlf = buf.lastIndexOf(kCrlfSep);
  return Math.max(lf === -1 ? -1 : lf + 2, crlf === -1 ? -1 : crlf + 4);
}

/** Offset of the first `usage`, `error` or `[DONE]` in `buf`, or -1. */
function firstMark(buf: Buffer): number {
  let first = -1;
  for (const needle of kMarks) {
    const at = buf.indexOf(needle);
    if (at !== -1 && (first === -1 || at < first)) first = at;
  }
  return first;
}

/**
 * Event ends of one buffer, walked forward. Each separator's next
 * position is remembered until passed, so a walk searches the buffer
 * once per separator kind, not once per event (a stream with no CRLF
 * separators would otherwise rescan the rest of the buffer each time).
 */
class EventEnds {
  readonly #buf: Buffer;
  // Next "\n\n" / "\r\n\r\n" at or after the last query; -1: none.
  #lf = -2;
  #crlf = -2;

  constructor(buf: Buffer) {
    this.#buf = buf;
  }

  /** End (exclusive) of the first whole event from `from`, or -1. */
  next(from: number): number {
    if (this.#lf !== -1 && this.#lf < from) {
      this.#lf = this.#buf.indexOf(kSep, from);
    }
    if (this.#crlf !== -1 && this.#crlf < from) {
      this.#crlf = this.#buf.indexOf(kCrlfSep, from);
    }
    const lf = this.#lf;
    const crlf = this.#crlf;
    if (lf === -1) return crlf === -1 ? -1 : crlf + 4;
    return crlf === -1 ? lf + 2 : Math.min(lf + 2, crlf + 4);
  }

  /** Whole events from `from` on. */
  count(from: number): number {
    let n = 0;
    for (let i = this.next(from); i !== -1; i = this.next(i)) n++;
    return n;
  }
}

function eventJson(ev: Buffer): Record<string, unknown> | null {
  const text = ev.toString('utf8').trim();
  if (!text.startsWith('data:')) return null;
  try {
    const v: unknown = JSON.parse(text.slice(5));
    return v !== null && typeof v === 'object'
      ? (v as Record<string, unknown>)
      : null;
  } catch {
    return null;
  }
}

function isErrorEvent(ev: Buffer): boolean {
  const obj = eventJson(ev);
  return (
    obj !== null && typeof obj['error'] === 'object' && obj['error'] !== null
  );
}

interface UsageBlock {
  prompt_tokens?: number;
  completion_tokens?: number;
}

function readUsage(ev: Buffer): UsageBlock | null {
  const obj = eventJson(ev);
  const u = obj?.['usage'];
  return u !== null && typeof u === 'object' ? (u as UsageBlock) : null;
}
