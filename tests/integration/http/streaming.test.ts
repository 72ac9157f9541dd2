import t from 'tap';
import type { Test } from 'tap';
import { request } from 'undici';
import { startTestGateway, upstreamConfig } from '../../helpers/gateway.js';
import { startUpstream } from '../../helpers/upstream.js';
import type { UpstreamBehaviour } from '../../helpers/upstream.js';

const kBody = (extra: Record<string, unknown> = {}) =>
  JSON.stringify({
    model: 'test-model',
    stream: true,
    messages: [{ role: 'user', content: 'hi' }],
    ...extra,
  });

/** A streamed chat through a gateway in front of `behaviour`. */
async function streamFrom(t: Test, behaviour: UpstreamBehaviour) {
  const up = await startUpstream(t, behaviour);
  const { url } = await startTestGateway(t, upstreamConfig([up.url]));
  const res = await request(`${url}/v1/chat/completions`, {
    method: 'POST',
    body: kBody(),
  });
  return { up, res, it: res.body[Symbol.asyncIterator]() };
}

t.test(
  'streamed chunks reach the client before the upstream finishes',
  async (t) => {
    const { up, res, it } = await streamFrom(t, {
      chunks: 5,
      chunkIntervalMs: 150,
    });
    t.equal(res.statusCode, 200);
    t.match(res.headers['content-type'], /text\/event-stream/);
    const first = await it.next();
    t.match(String(first.value), /c0/);
    // The upstream is still sending: the gateway did not buffer the stream.
    t.equal(up.seen[0]?.finished, false, 'upstream not yet finished');
    let rest = '';
    for (let n = await it.next(); !n.done; n = await it.next())
      rest += String(n.value);
    t.match(rest, /data: \[DONE\]/);
  },
);

t.test(
  '[DONE] reaches the client while the upstream lingers before ending',
  async (t) => {
    const { up, it } = await streamFrom(t, {
      chunks: 3,
      lingerAfterDoneMs: 1500,
    });
    let seen = '';
    while (!seen.includes('data: [DONE]')) {
      const n = await it.next();
      if (n.done === true) break;
      seen += String(n.value);
    }
    t.match(seen, /data: \[DONE\]/);
    // [DONE] is forwarded as it arrives, not when the upstream ends.
    t.equal(up.seen[0]?.finished, false, 'upstream has not ended yet');
    for (let n = await it.next(); !n.done; n = await it.next());
  },
);

t.test('an answer sent all at once arrives whole, with its head', async (t) => {
  const { up, res, it } = await streamFrom(t, { chunks: 30 });
  t.equal(res.statusCode, 200);
  t.match(res.headers['content-type'], /text\/event-stream/);
  t.match(res.headers['x-request-id'], /^[0-9a-f-]{36}$/);
  let text = '';
  for (let n = await it.next(); !n.done; n = await it.next())
    text += String(n.value);
  const events = text.split('\n\n').filter((e) => e !== '');
  t.equal(events.length, 31, 'every chunk and [DONE], once each');
  t.equal(events.at(-1), 'data: [DONE]');
  t.equal(up.seen[0]?.finished, true);
});

t.test('a client disconnect closes the upstream request', async (t) => {
  const up = await startUpstream(t, { chunks: 50, chunkIntervalMs: 50 });
  const { url, gw } = await startTestGateway(t, upstreamConfig([up.url]));
  const ac = new AbortController();
  const res = await request(`${url}/v1/chat/completions`, {
    method: 'POST',
    body: kBody(),
    signal: ac.signal,
  });
  const it = res.body[Symbol.asyncIterator]();
  await it.next();
  ac.abort();
  await it.next().catch(() => undefined);
  const deadline = Date.now() + 3000;
  while (up.seen[0]?.closedEarly !== true && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 20));
  }
  t.equal(up.seen[0]?.closedEarly, true, 'upstream connection was closed');
  t.equal(gw.services.state.inFlight, 0, 'slot released');
});

t.test('usage is streamed only when the client asks for it', async (t) => {
  const up = await startUpstream(t, { chunks: 2 });
  const { url } = await startTestGateway(t, upstreamConfig([up.url]));
  const plain = await request(`${url}/v1/chat/completions`, {
    method: 'POST',
    body: kBody(),
  });
  const plainText = await plain.body.text();
  t.notMatch(plainText, /"usage"/, 'no usage chunk by default');
  t.same(up.seen[0]?.body['stream_options'], { include_usage: true });
  const withUsage = await request(`${url}/v1/chat/completions`, {
    method: 'POST',
    body: kBody({ stream_options: { include_usage: true } }),
  });
  t.match(await withUsage.body.text(), /"usage":\{"prompt_tokens":5/);
});
