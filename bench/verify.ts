/**
 * Response checks, so a broken target cannot post a number. `quickCheck`
 * runs on every response inside the load generator and must stay cheap;
 * `fullCheck` parses everything and compares the text word for word, on
 * samples taken before and after each measured run.
 */
import { mockText } from './mock-payloads.js';

/** What a correct answer looks like. */
export interface Expectation {
  readonly stream: boolean;
  /** Content chunks of a streamed answer (and pieces of a JSON one). */
  readonly chunks: number;
}

const kDelta = '"delta"';

/** Occurrences of `needle` in `text` (non-overlapping). */
export function countOf(text: string, needle: string): number {
  let n = 0;
  let i = text.indexOf(needle);
  while (i !== -1) {
    n++;
    i = text.indexOf(needle, i + needle.length);
  }
  return n;
}

/** Cheap check of a 2xx body: shape, chunk count and `[DONE]`. */
export function quickCheck(exp: Expectation, body: string): boolean {
  if (!exp.stream) {
    return body.charCodeAt(0) === 123 && body.includes('"choices"');
  }
  // Usage-only chunks carry no delta, so they never inflate the count.
  return (
    countOf(body, kDelta) === exp.chunks &&
    body.trimEnd().endsWith('data: [DONE]')
  );
}

function record(v: unknown): Record<string, unknown> | null {
  return v !== null && typeof v === 'object' && !Array.isArray(v)
    ? (v as Record<string, unknown>)
    : null;
}

function firstChoice(obj: Record<string, unknown>) {
  const choices = obj['choices'];
  return Array.isArray(choices) ? record(choices[0]) : null;
}

function checkJson(exp: Expectation, body: string): string | null {
  let obj: Record<string, unknown> | null;
  try {
    obj = record(JSON.parse(body));
  } catch {
    return 'body is not JSON';
  }
  if (obj === null || obj['object'] !== 'chat.completion') {
    return 'body is not a chat.completion';
  }
  const content = record(firstChoice(obj)?.['message'])?.['content'];
  if (content !== mockText(exp.chunks)) return 'completion text differs';
  return null;
}

/** Data payloads of an SSE body, in order (comments and blanks dropped). */
export function sseData(body: string): string[] {
  const out: string[] = [];
  for (const event of body.split(/\r?\n\r?\n/)) {
    const line = event.trim();
    if (line.startsWith('data:')) out.push(line.slice(5).trim());
  }
  return out;
}

function checkSse(exp: Expectation, body: string): string | null {
  const data = sseData(body);
  if (data[data.length - 1] !== '[DONE]') return 'stream lacks [DONE] last';
  let text = '';
  let contentChunks = 0;
  for (const d of data.slice(0, -1)) {
    let obj: Record<string, unknown> | null;
    try {
      obj = record(JSON.parse(d));
    } catch {
      return 'stream event is not JSON';
    }
    if (obj === null || record(obj['error']) !== null) {
      return 'stream carries an error event';
    }
    const delta = record(firstChoice(obj)?.['delta']);
    if (delta === null) continue;
    contentChunks++;
    if (typeof delta['content'] === 'string') text += delta['content'];
  }
  if (contentChunks !== exp.chunks) {
    return `stream has ${contentChunks} content chunks, not ${exp.chunks}`;
  }
  return text === mockText(exp.chunks) ? null : 'streamed text differs';
}

/** Full check of one response; a reason when it is wrong, else null. */
export function fullCheck(
  exp: Expectation,
  status: number,
  contentType: string,
  body: string,
): string | null {
  if (status !== 200) return `status ${status}: ${body.slice(0, 160)}`;
  const want = exp.stream ? 'text/event-stream' : 'application/json';
  if (!contentType.includes(want)) return `content-type ${contentType}`;
  return exp.stream ? checkSse(exp, body) : checkJson(exp, body);
}
