/**
 * RELIABILITY.md rows 10, 14 and 15: whatever a client sends as body or
 * headers, the answer is the table's (400 or 404 in OpenAI's envelope,
 * never a 500) and nothing bad reaches the upstream: malformed JSON,
 * wrong types, prototype-pollution keys and deep nesting make no call;
 * an invalid `traceparent` starts a new root trace and is never logged;
 * CR/LF in a header is refused, a client's `x-request-id` is replaced,
 * and only allow-listed headers go upstream.
 */
import fc from 'fast-check';
import t from 'tap';
import { post, rawExchange } from '../../helpers/http.js';
import { startOtlpReceiver } from '../../helpers/otlp-receiver.js';
import { startUpstream } from '../../helpers/upstream.js';
import { configureLogging } from '../../../src/telemetry/logger.js';
import {
  chatBody,
  deployment,
  gatewayYaml,
  kChat,
  startChecked,
  watchSuite,
} from './harness.js';

watchSuite(t);

const kCodes = new Set(['invalid_json', 'invalid_request', 'model_not_found']);

function nested(depth: number, key: string): string {
  return `${`{"${key}":`.repeat(depth)}1${'}'.repeat(depth)}`;
}

/** Bodies no valid client sends; none names the configured model. */
const kBadBodies: fc.Arbitrary<string> = fc.oneof(
  fc.string(),
  fc.json(),
  fc
    .record({
      model: fc.oneof(fc.string(), fc.integer(), fc.constant(null)),
      messages: fc.anything(),
    })
    .map((b) => JSON.stringify(b)),
  fc
    .record({
      model: fc.constant('test-model'),
      messages: fc.oneof(fc.string(), fc.integer(), fc.array(fc.integer())),
      temperature: fc.oneof(fc.string(), fc.boolean()),
    })
    .map((b) => JSON.stringify(b)),
  fc
    .tuple(
      fc.constantFrom('__proto__', 'constructor', 'prototype'),
      fc.integer({ min: 1, max: 6 }),
    )
    .map(([key, depth]) =>
      JSON.stringify(chatBody()).replace(/}$/, `,"m":${nested(depth, key)}}`),
    ),
  fc
    .integer({ min: 33, max: 400 })
    .map((d) =>
      JSON.stringify(chatBody()).replace(/}$/, `,"m":${nested(d, 'a')}}`),
    ),
);

t.test('no malformed body gets a 500 or reaches the upstream', async (t) => {
  const up = await startUpstream(t);
  const { url } = await startChecked(
    t,
    gatewayYaml([deployment('test-model', up.url, 'dep-0')]),
  );
  await fc.assert(
    fc.asyncProperty(kBadBodies, async (body) => {
      const reply = await post(`${url}${kChat}`, body);
      t.ok(reply.status === 400 || reply.status === 404, `${reply.status}`);
      const error = (JSON.parse(reply.text) as { error: { code: string } })
        .error;
      t.ok(kCodes.has(error.code), `code ${error.code}`);
      t.equal(up.seen.length, 0, 'no upstream call');
      const probe: Record<string, unknown> = {};
      t.equal(probe['polluted'], undefined, 'Object.prototype untouched');
    }),
    { numRuns: 60 },
  );
});

const kHex = fc.stringMatching(/^[0-9a-f]{32}$/);
const kSpan = fc.stringMatching(/^[0-9a-f]{16}$/);

/** Traceparents the W3C rules reject, mostly near misses. */
const kBadTraceparents: fc.Arbitrary<string> = fc.oneof(
  fc
    .tuple(kHex, kSpan, fc.integer({ min: 0, max: 7 }))
    .map(
      ([tid, sid, how]) =>
        [
          `ff-${tid}-${sid}-01`,
          `00-${'0'.repeat(32)}-${sid}-01`,
          `00-${tid}-${'0'.repeat(16)}-01`,
          `00-${tid.toUpperCase()}Z-${sid}-01`,
          `00-${tid}-${sid}-0`,
          `00-${tid}-${sid}-01-extra`,
          `00-${tid.slice(1)}g-${sid}-01`,
          `00-${tid}-${sid}-zz`,
        ][how] as string,
    ),
  fc.stringMatching(/^[\x21-\x7e]{16,64}$/),
);

t.test(
  'an invalid traceparent is served on a new root and never logged',
  async (t) => {
    const lines: string[] = [];
    configureLogging({
      level: 'debug',
      destination: { write: (s: string) => void lines.push(s) },
    });
    t.teardown(() => void configureLogging({ level: 'silent' }));
    const rx = await startOtlpReceiver(t);
    const up = await startUpstream(t);
    const { url } = await startChecked(
      t,
      gatewayYaml([deployment('test-model', up.url, 'dep-0')]),
      { OTEL_EXPORTER_OTLP_ENDPOINT: rx.endpoint },
    );
    const sent: Array<{ value: string; id: string }> = [];
    await fc.assert(
      fc.asyncProperty(kBadTraceparents, async (value) => {
        const reply = await post(`${url}${kChat}`, chatBody(), {
          traceparent: value,
        });
        t.equal(reply.status, 200, 'served');
        sent.push({ value, id: String(reply.headers['x-request-id']) });
      }),
      { numRuns: 20 },
    );
    // A valid one as the control: it must be honoured.
    const parent = `00-${'ab'.repeat(16)}-${'cd'.repeat(8)}-01`;
    const control = await post(`${url}${kChat}`, chatBody(), {
      traceparent: parent,
    });
    const ids = [...sent.map((s) => s.id), control.headers['x-request-id']];
    const server = (id: unknown) =>
      rx.spans.find(
        (s) => s.kind === 2 && s.attributes['routeiq.request_id'] === id,
      );
    await rx.waitFor(() => ids.every((id) => server(id) !== undefined));
    for (const { value, id } of sent) {
      const span = server(id);
      t.equal(span?.parentSpanId, '', `a root for ${value}`);
      t.notOk(value.includes(span?.traceId ?? '-'), 'a new trace id');
      const escaped = JSON.stringify(value).slice(1, -1);
      t.notOk(lines.join('').includes(escaped), 'the value is not logged');
    }
    const honoured = server(control.headers['x-request-id']);
    t.equal(honoured?.traceId, 'ab'.repeat(16), 'a valid parent is kept');
    t.equal(honoured?.parentSpanId, 'cd'.repeat(8));
  },
);

function rawChat(port: number, header: string): Promise<string> {
  const body = JSON.stringify(chatBody());
  return rawExchange(
    port,
    [
      `POST ${kChat} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n` +
        `${header}\r\nContent-Length: ${body.length}\r\n\r\n${body}`,
    ],
    1500,
  );
}

t.test('CR or LF inside a header value is refused unanswered', async (t) => {
  const up = await startUpstream(t);
  const { gw, url } = await startChecked(
    t,
    gatewayYaml([deployment('test-model', up.url, 'dep-0')]),
  );
  for (const header of ['X-A: a\nX-B: b', 'X-A: a\rX-B: b', 'X-A: a\0b']) {
    const answer = await rawChat(gw.port, header);
    t.equal(answer, '', `${JSON.stringify(header)}: closed, nothing said`);
  }
  t.equal(up.seen.length, 0, 'no upstream call');
  const after = await post(`${url}${kChat}`, chatBody());
  t.equal(after.status, 200, 'the gateway serves on');
});

t.test(
  "a client's x-request-id is replaced and its headers stay here",
  async (t) => {
    const up = await startUpstream(t);
    const { url } = await startChecked(
      t,
      gatewayYaml([deployment('test-model', up.url, 'dep-0')]),
    );
    const reply = await post(`${url}${kChat}`, chatBody(), {
      'x-request-id': 'spoofed-id',
      authorization: 'Bearer sk-client-own-key',
      cookie: 'session=secret',
      'x-api-key': 'sk-client-other-key',
      'x-forwarded-for': '203.0.113.9',
      'openai-organization': 'org-client',
    });
    t.equal(reply.status, 200);
    const id = reply.headers['x-request-id'];
    t.match(id, /^[0-9a-f-]{36}$/, 'a fresh request id');
    const seen = up.seen[0]?.headers ?? {};
    t.equal(seen['x-request-id'], id, 'the upstream gets the same id');
    t.equal(seen['authorization'], 'Bearer sk-test-provider-key');
    const allowed = new Set([
      'host',
      'connection',
      'content-length',
      'content-type',
      'accept',
      'authorization',
      'x-request-id',
      'traceparent',
      'tracestate',
      'baggage',
    ]);
    const extra = Object.keys(seen).filter((h) => !allowed.has(h));
    t.same(extra, [], 'only allow-listed headers go upstream');
  },
);
