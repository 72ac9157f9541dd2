/**
 * Frames an upstream SSE byte stream into whole events without copying
 * the common case: a chunk of complete events passes through as a view.
 * Only chunks that mention `usage`, `error` or `[DONE]` are looked into.
 * Invariant: bytes are emitted in order, each exactly once, on an event
 * boundary; an incomplete tail waits in `pending`.
 */

const kSep = Buffer.from('\n\n');
const kUsage = Buffer.from('"usage"');
const kError = Buffer.from('"error"');
const kDone = Buffer.from('data: [DONE]');
const kEmptyChoices = Buffer.from('"choices":[]');

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

  constructor(stripUsage: boolean) {
    this.stripUsage = stripUsage;
  }

  /** Bytes ready to forward from `chunk` (possibly empty). */
  push(chunk: Buffer): Buffer {
    let data = chunk;
    if (this.pending !== null) {
      data = Buffer.concat([this.pending, chunk]);
      this.pending = null;
    }
    const end = data.lastIndexOf(kSep);
    if (end === -1) {
      this.pending = data;
      return data.subarray(0, 0);
    }
    const cut = end + kSep.length;
    if (cut < data.length) this.pending = data.subarray(cut);
    const whole = cut === data.length ? data : data.subarray(0, cut);
    return this.scan(whole);
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

  /** Whatever is left when the upstream ends (an unterminated event). */
  flush(): Buffer | null {
    const rest = this.pending;
    this.pending = null;
    return rest;
  }

  private scan(whole: Buffer): Buffer {
    const marked =
      whole.indexOf(kUsage) !== -1 ||
      whole.indexOf(kError) !== -1 ||
      whole.indexOf(kDone) !== -1;
    if (!marked) {
      this.facts.events += countEvents(whole);
      return whole;
    }
    // Slow path: look at each event of this chunk.
    const keep: Buffer[] = [];
    let start = 0;
    while (start < whole.length) {
      const sep = whole.indexOf(kSep, start);
      const stop = sep === -1 ? whole.length : sep + kSep.length;
      const ev = whole.subarray(start, stop);
      if (this.inspect(ev)) keep.push(ev);
      start = stop;
    }
    return keep.length === 1 ? (keep[0] as Buffer) : Buffer.concat(keep);
  }

  /** Record facts of one event; false when it must not be forwarded. */
  private inspect(ev: Buffer): boolean {
    this.facts.events++;
    if (ev.indexOf(kDone) !== -1) {
      this.facts.sawDone = true;
      return true;
    }
    if (ev.indexOf(kError) !== -1 && isErrorEvent(ev)) {
      this.facts.inBandError = true;
      return true;
    }
    if (ev.indexOf(kUsage) === -1) return true;
    const usage = readUsage(ev);
    if (usage !== null) {
      this.facts.inputTokens = usage.prompt_tokens ?? null;
      this.facts.outputTokens = usage.completion_tokens ?? null;
      if (this.stripUsage && ev.indexOf(kEmptyChoices) !== -1) return false;
    }
    return true;
  }
}

function countEvents(buf: Buffer): number {
  let n = 0;
  let i = buf.indexOf(kSep);
  while (i !== -1) {
    n++;
    i = buf.indexOf(kSep, i + 2);
  }
  return n;
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
