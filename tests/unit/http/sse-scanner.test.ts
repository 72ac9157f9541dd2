/**
 * The SSE scanner forwards every event exactly once, whole and in
 * order, however the upstream's bytes are cut, and learns what the
 * events say: a property over random streams against the facts the
 * generator put in them.
 */
import t from 'tap';
import fc from 'fast-check';
import { SseScanner } from '../../../src/http/sse-scanner.js';

type Kind = 'content' | 'usage' | 'error' | 'done';

interface Ev {
  readonly kind: Kind;
  readonly text: string;
}

function event(kind: Kind, n: number, crlf: boolean): Ev {
  const sep = crlf ? '\r\n\r\n' : '\n\n';
  const body =
    kind === 'done'
      ? '[DONE]'
      : kind === 'usage'
        ? JSON.stringify({
            choices: [],
            usage: { prompt_tokens: n, completion_tokens: n + 1 },
          })
        : kind === 'error'
          ? JSON.stringify({ error: { message: `boom ${n}` } })
          : JSON.stringify({ choices: [{ delta: { content: `tok ${n}` } }] });
  return { kind, text: `data: ${body}${sep}` };
}

const kEvent = fc
  .tuple(
    fc.constantFrom<Kind>('content', 'content', 'content', 'usage', 'error'),
    fc.nat(1000),
    fc.boolean(),
  )
  .map(([k, n, crlf]) => event(k, n, crlf));

const kStream = fc.record({
  events: fc.array(kEvent, { maxLength: 30 }),
  done: fc.boolean(),
  cuts: fc.array(fc.nat(), { maxLength: 12 }),
  strip: fc.boolean(),
});

t.test('any stream, cut anywhere, is forwarded event by event', (t) => {
  fc.assert(
    fc.property(kStream, ({ events, done, cuts, strip }) => {
      const all = done ? [...events, event('done', 0, false)] : events;
      const bytes = Buffer.from(all.map((e) => e.text).join(''));
      const at = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort(
        (a, b) => a - b,
      );
      const scanner = new SseScanner(strip);
      const out: Buffer[] = [];
      let prev = 0;
      for (const c of [...at, bytes.length]) {
        out.push(scanner.push(bytes.subarray(prev, c)));
        prev = c;
      }
      const tail = scanner.flush();
      if (tail !== null) out.push(tail);

      const kept = all.filter((e) => !(strip && e.kind === 'usage'));
      const usage = [...all].reverse().find((e) => e.kind === 'usage');
      const tokens = usage ? JSON.parse(usage.text.slice(6)).usage : null;
      const f = scanner.facts;
      return (
        Buffer.concat(out).toString() === kept.map((e) => e.text).join('') &&
        f.events === all.length &&
        f.sawDone === done &&
        f.inBandError === all.some((e) => e.kind === 'error') &&
        f.inputTokens === (tokens?.prompt_tokens ?? null) &&
        f.outputTokens === (tokens?.completion_tokens ?? null)
      );
    }),
    { numRuns: 500 },
  );
  t.pass('500 random streams');
  t.end();
});

t.test('an unterminated last event is completed at the end', (t) => {
  const s = new SseScanner(false);
  t.equal(
    s.push(Buffer.from('data: {"a":1}\n\ndata: [DONE]')).toString(),
    'data: {"a":1}\n\n',
  );
  t.equal(s.flush()?.toString(), 'data: [DONE]\n\n');
  t.equal(s.facts.events, 2);
  t.ok(s.facts.sawDone);
  t.end();
});

t.test('a provider key quoted in an error event is redacted', (t) => {
  const s = new SseScanner(false, 'sk-secret-123');
  const ev = 'data: {"error":{"message":"bad key sk-secret-123"}}\n\n';
  const out = s.push(Buffer.from(`data: {"x":1}\n\n${ev}`)).toString();
  t.notMatch(out, /sk-secret-123/);
  t.match(out, /^data: \{"x":1\}\n\ndata: .*\[redacted\]/);
  t.ok(s.facts.inBandError);
  t.end();
});
