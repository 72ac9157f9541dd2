/**
 * Every error path of the gateway core answers with OpenAI's envelope,
 * the status and `code` of RELIABILITY.md's table and an `x-request-id`,
 * and reaches the upstream only where the table allows it.
 */
import t from 'tap';
import type { Test } from 'tap';
import { startTestGateway, upstreamConfig } from '../../helpers/gateway.js';
import {
  expectError,
  get,
  post,
  postStream,
  rawExchange,
} from '../../helpers/http.js';
import { explain, kSchemas } from '../../helpers/openai-schema.js';
import { startUpstream } from '../../helpers/upstream.js';
import type { UpstreamBehaviour } from '../../helpers/upstream.js';

const kChat = '/v1/chat/completions';
const kMessages = [{ role: 'user', content: 'hi' }];

/** A gateway in front of one upstream with `behaviour`. */
async function setup(t: Test, behaviour: UpstreamBehaviour, extra = '') {
  const up = await startUpstream(t, behaviour);
  const { url, gw } = await startTestGateway(
    t,
    upstreamConfig([up.url], extra),
  );
  return { up, url, gw };
}

function nested(depth: number): unknown {
  let v: unknown = 'leaf';
  for (let i = 0; i < depth; i++) v = { a: v };
  return v;
}

const kBadBodies: ReadonlyArray<[string, string, string]> = [
  ['malformed JSON', '{"model": "test-model",', 'invalid_json'],
  [
    'a numeric model',
    JSON.stringify({ model: 7, messages: kMessages }),
    'invalid_request',
  ],
  [
    'messages that are not an array',
    JSON.stringify({ model: 'test-model', messages: 'hi' }),
    'invalid_request',
  ],
  [
    'an unknown role',
    JSON.stringify({
      model: 'test-model',
      messages: [{ role: 'wizard', content: 'hi' }],
    }),
    'invalid_request',
  ],
  [
    'a __proto__ key',
    `{"model":"test-model","messages":[{"role":"user","content":"hi"}],"__proto__":{"admin":true}}`,
    'invalid_request',
  ],
  [
    'a constructor key',
    `{"model":"test-model","messages":[{"role":"user","content":"hi","constructor":{"prototype":{}}}]}`,
    'invalid_request',
  ],
  [
    'nesting 100 levels deep',
    JSON.stringify({
      model: 'test-model',
      messages: kMessages,
      metadata: nested(100),
    }),
    'invalid_request',
  ],
];

for (const [what, body, code] of kBadBodies) {
  t.test(
    `a body with ${what} is answered 400 ${code} without an upstream call`,
    async (t) => {
      const { up, url } = await setup(t, {});
      const reply = await post(`${url}${kChat}`, body);
      expectError(t, reply, 400, code);
      t.notMatch(reply.text, /admin|wizard|leaf/, 'the body is not echoed');
      t.equal(up.seen.length, 0, 'no upstream call');
    },
  );
}

t.test(
  'a declared body over the limit is answered 413 before it is sent',
  async (t) => {
    const { up, gw } = await setup(
      t,
      {},
      'routeiq_settings:\n  max_body_bytes: 1024\n',
    );
    // Headers only: the 413 must not wait for a body that never comes.
    const text = await rawExchange(gw.port, [
      `POST ${kChat} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 10000000\r\n\r\n`,
    ]);
    const [head = '', body = ''] = text.split('\r\n\r\n');
    t.match(head, /^HTTP\/1\.1 413 /);
    t.match(head, /^x-request-id: [0-9a-f-]{36}$/im);
    t.match(head, /^connection: close$/im, 'the connection is closed');
    t.ok(kSchemas.error(JSON.parse(body)), explain(kSchemas.error.errors));
    t.match(body, /"code":"request_too_large"/);
    t.equal(up.seen.length, 0, 'no upstream call');
  },
);

t.test(
  'a chunked body is refused 413 as soon as it crosses the limit',
  async (t) => {
    const { up, gw } = await setup(
      t,
      {},
      'routeiq_settings:\n  max_body_bytes: 1024\n',
    );
    const piece = 'x'.repeat(800);
    const chunk = `${piece.length.toString(16)}\r\n${piece}\r\n`;
    // Two chunks cross 1 KiB; the terminating chunk is never sent.
    const text = await rawExchange(gw.port, [
      `POST ${kChat} HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n`,
      chunk,
      chunk,
    ]);
    const [head = '', body = ''] = text.split('\r\n\r\n');
    t.match(head, /^HTTP\/1\.1 413 /);
    t.match(head, /^x-request-id: [0-9a-f-]{36}$/im);
    t.match(body, /"code":"request_too_large"/);
    t.equal(up.seen.length, 0, 'no upstream call');
  },
);

t.test(
  'an unknown model is answered 404 model_not_found without an upstream call',
  async (t) => {
    const { up, url, gw } = await setup(t, {});
    const reply = await post(`${url}${kChat}`, {
      model: 'no-such-model',
      messages: kMessages,
    });
    const error = expectError(t, reply, 404, 'model_not_found');
    t.equal(error['param'], 'model');
    t.notMatch(reply.text, /no-such-model/, 'the model name is not echoed');
    t.equal(up.seen.length, 0, 'no upstream call');
    const dep = gw.services.router.deployments[0];
    t.equal(dep?.failures, 0, 'no failure counted against any deployment');
  },
);

t.test('an unknown route is answered 404 not_found', async (t) => {
  const { url } = await setup(t, {});
  expectError(t, await get(`${url}/v1/no-such-route`), 404, 'not_found');
  expectError(
    t,
    await post(`${url}/v2/chat/completions`, {}),
    404,
    'not_found',
  );
});

t.test(
  'a wrong method on a known route is answered 405 with Allow',
  async (t) => {
    const { up, url } = await setup(t, {});
    const chat = await get(`${url}${kChat}`);
    expectError(t, chat, 405, 'method_not_allowed');
    t.equal(chat.headers['allow'], 'POST');
    const models = await post(`${url}/v1/models`, {});
    expectError(t, models, 405, 'method_not_allowed');
    t.equal(models.headers['allow'], 'GET');
    t.equal(up.seen.length, 0, 'no upstream call');
  },
);

t.test(
  'an upstream 500 is retried, then answered 502 upstream_error',
  async (t) => {
    const { up, url } = await setup(
      t,
      { status: 500 },
      'router_settings:\n  num_retries: 2\n',
    );
    const reply = await post(`${url}${kChat}`, {
      model: 'test-model',
      messages: kMessages,
    });
    expectError(t, reply, 502, 'upstream_error');
    t.equal(up.seen.length, 3, 'one attempt and two retries');
    t.notMatch(reply.text, /upstream says no/, 'upstream text not forwarded');
  },
);

t.test(
  'an upstream 401 becomes 502 upstream_auth_failed without its text',
  async (t) => {
    const secret =
      '{"error":{"message":"Incorrect API key provided: sk-test-pr***key","type":"invalid_request_error","param":null,"code":"invalid_api_key"}}';
    const { up, url } = await setup(t, { status: 401, errorBody: secret });
    const reply = await post(`${url}${kChat}`, {
      model: 'test-model',
      messages: kMessages,
    });
    const error = expectError(t, reply, 502, 'upstream_auth_failed');
    t.equal(error['type'], 'upstream_error');
    t.notMatch(
      reply.text,
      /Incorrect|sk-test|invalid_api_key/,
      'no upstream text',
    );
    t.equal(up.seen.length, 1, 'the same credentials are not retried');
  },
);

t.test('an upstream 400 is passed through with its own envelope', async (t) => {
  const mine =
    '{"error":{"message":"max_tokens is too large","type":"invalid_request_error","param":"max_tokens","code":"context_length_exceeded"}}';
  const { up, url, gw } = await setup(t, { status: 400, errorBody: mine });
  const reply = await post(`${url}${kChat}`, {
    model: 'test-model',
    messages: kMessages,
  });
  const error = expectError(t, reply, 400, 'context_length_exceeded');
  t.equal(error['message'], 'max_tokens is too large');
  t.equal(error['param'], 'max_tokens');
  t.equal(up.seen.length, 1, 'a client error is not retried');
  t.equal(gw.services.router.deployments[0]?.failures, 0, 'no cooldown count');
});

t.test(
  'an upstream 429 with a long retry-after is answered 429 with it',
  async (t) => {
    const { up, url } = await setup(t, { status: 429, retryAfter: '30' });
    const reply = await post(`${url}${kChat}`, {
      model: 'test-model',
      messages: kMessages,
    });
    const error = expectError(t, reply, 429, 'upstream_rate_limited');
    t.equal(error['type'], 'rate_limit_error');
    t.equal(reply.headers['retry-after'], '30');
    // 30 s is past the 10 s cap: not worth waiting for inside the request.
    t.equal(up.seen.length, 1, 'no retry against a long retry-after');
  },
);

t.test(
  'an upstream that never answers is answered 504 upstream_timeout',
  async (t) => {
    const { up, url } = await setup(
      t,
      { silent: true },
      'router_settings:\n  timeout: 0.2\n  num_retries: 1\n',
    );
    const reply = await post(`${url}${kChat}`, {
      model: 'test-model',
      messages: kMessages,
    });
    const error = expectError(t, reply, 504, 'upstream_timeout');
    t.equal(error['type'], 'timeout_error');
    t.equal(up.seen.length, 2, 'the timeout was retried once');
  },
);

t.test(
  'a request over max_in_flight is refused 503 overloaded with retry-after',
  async (t) => {
    const { up, url } = await setup(
      t,
      { headerDelayMs: 300 },
      'routeiq_settings:\n  max_in_flight: 1\n',
    );
    const body = { model: 'test-model', messages: kMessages };
    const first = post(`${url}${kChat}`, body);
    await up.waitFor(1);
    const second = await post(`${url}${kChat}`, body);
    expectError(t, second, 503, 'overloaded');
    t.match(second.headers['retry-after'], /^[1-9]\d*$/, 'retry-after seconds');
    t.equal((await first).status, 200, 'the admitted request completes');
    t.equal(up.seen.length, 1, 'the refused request never reached upstream');
  },
);

t.test(
  'an in-band error chunk is passed through and the stream ends with [DONE]',
  async (t) => {
    const { url } = await setup(t, { chunks: 4, errorAfterChunks: 2 });
    const res = await postStream(`${url}${kChat}`, {
      model: 'test-model',
      messages: kMessages,
      stream: true,
    });
    t.equal(res.status, 200);
    const errors = res.data.filter((d) => d.includes('"error"'));
    t.equal(errors.length, 1, 'exactly the upstream error frame');
    const frame: unknown = JSON.parse(errors[0] ?? '{}');
    t.ok(kSchemas.error(frame), explain(kSchemas.error.errors));
    t.match(errors[0], /"code":"overloaded"/, 'the upstream error, unchanged');
    t.equal(res.data.at(-1), '[DONE]');
    t.equal(
      res.data.indexOf(errors[0] ?? ''),
      2,
      'after the two content chunks',
    );
  },
);

t.test(
  'an upstream reset mid-stream ends with an interrupted frame and [DONE]',
  async (t) => {
    const { url } = await setup(t, {
      chunks: 6,
      chunkIntervalMs: 30,
      resetAfterChunks: 2,
    });
    const res = await postStream(`${url}${kChat}`, {
      model: 'test-model',
      messages: kMessages,
      stream: true,
    });
    t.equal(res.status, 200, 'the status was already sent');
    t.equal(res.data.length, 4, 'two chunks, the error frame, [DONE]');
    const frame: unknown = JSON.parse(res.data[2] ?? '{}');
    t.ok(kSchemas.error(frame), explain(kSchemas.error.errors));
    t.match(res.data[2], /"code":"upstream_stream_interrupted"/);
    t.equal(res.data[3], '[DONE]');
  },
);
