import t from 'tap';
import { buildPayloads } from '../../../bench/mock-payloads.js';
import { fullCheck, quickCheck, sseData } from '../../../bench/verify.js';

const kChunks = 20;
const p = buildPayloads(kChunks);
const stream = { stream: true, chunks: kChunks };
const json = { stream: false, chunks: kChunks };

function sseBody(events: readonly Buffer[], withUsage = false): string {
  const parts = [...events, ...(withUsage ? [p.usageEvent] : []), p.done];
  return Buffer.concat(parts).toString('utf8');
}

t.test('the mock’s own answers pass both checks', async (t) => {
  const body = sseBody(p.events);
  t.ok(quickCheck(stream, body));
  t.equal(fullCheck(stream, 200, 'text/event-stream', body), null);
  t.ok(quickCheck(json, p.json.toString()));
  t.equal(fullCheck(json, 200, 'application/json', p.json.toString()), null);
});

t.test('a usage-only chunk does not count as content', async (t) => {
  const body = sseBody(p.events, true);
  t.ok(quickCheck(stream, body));
  t.equal(fullCheck(stream, 200, 'text/event-stream', body), null);
});

t.test('a stream cut short or without [DONE] fails', async (t) => {
  const short = sseBody(p.events.slice(0, kChunks - 1));
  t.notOk(quickCheck(stream, short));
  t.match(
    fullCheck(stream, 200, 'text/event-stream', short),
    /19 content chunks/,
  );
  const noDone = Buffer.concat(p.events).toString();
  t.notOk(quickCheck(stream, noDone));
  t.match(fullCheck(stream, 200, 'text/event-stream', noDone), /\[DONE\]/);
});

t.test('an error event, a wrong status or altered text fails', async (t) => {
  const err = 'data: {"error":{"message":"x"}}\n\n';
  const withError = sseBody(p.events).replace(
    'data: [DONE]',
    `${err}data: [DONE]`,
  );
  t.match(
    fullCheck(stream, 200, 'text/event-stream', withError),
    /error event/,
  );
  t.match(fullCheck(json, 502, 'application/json', '{}'), /status 502/);
  const altered = p.json.toString().replace('tok 3', 'tok 4');
  t.match(fullCheck(json, 200, 'application/json', altered), /text differs/);
});

t.test('SSE data is split on blank lines, CRLF included', async (t) => {
  t.same(sseData('data: a\r\n\r\n: comment\n\ndata: [DONE]\n\n'), [
    'a',
    '[DONE]',
  ]);
});
