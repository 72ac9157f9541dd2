/**
 * The canary (RELIABILITY.md, Security) on the paths
 * store-gateway/canary-suite.ts does not walk: upstream failures that
 * quote the provider key, timeouts, resets, client aborts, 413s, bodies
 * that are not JSON, keys in query strings, trace and request-id
 * headers, unknown paths. A planted master key, virtual key and
 * provider key must not appear, whole or as any 8-character window, in
 * a response, a log line (debug), an exported span, a database row,
 * `/metrics`, `/health`, or (for the client's keys) the upstream call.
 */
import { randomBytes } from 'node:crypto';
import t from 'tap';
import { request } from 'undici';
import { get, json, post } from '../../helpers/http.js';
import type { Reply } from '../../helpers/http.js';
import { startOtlpReceiver } from '../../helpers/otlp-receiver.js';
import { startUpstream } from '../../helpers/upstream.js';
import { configureLogging } from '../../../src/telemetry/logger.js';
import { kSqliteHarness } from '../store/sqlite-harness.js';
import {
  chatBody,
  gatewayYaml,
  kChat,
  settledRows,
  startChecked,
  until,
  watchSuite,
} from './harness.js';

watchSuite(t);

function canary(): string {
  return `sk-${randomBytes(24).toString('base64url')}`;
}

function windows(secret: string): string[] {
  const out: string[] = [];
  for (let i = 0; i + 8 <= secret.length; i++) out.push(secret.slice(i, i + 8));
  return out;
}

const master = canary();
const provider = canary();
const as = (key: string) => ({ authorization: `Bearer ${key}` });

/** An upstream error body quoting the provider key, as OpenAI's 401 does. */
function quoting(status: number) {
  const body = `{"error":{"message":"Incorrect API key provided: ${provider}","type":"invalid_request_error","param":null,"code":"invalid_api_key"}}`;
  return { status, errorBody: body };
}

/** A streamed chat as `key`, left after its first chunk. */
async function leaveMidStream(url: string, key: string): Promise<void> {
  const ac = new AbortController();
  const res = await request(`${url}${kChat}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...as(key) },
    body: JSON.stringify(chatBody({ stream: true })),
    signal: ac.signal,
  });
  await res.body[Symbol.asyncIterator]().next();
  ac.abort();
}

t.test('planted keys reach no sink on any failure path', async (t) => {
  const lines: string[] = [];
  configureLogging({
    level: 'debug',
    destination: { write: (s: string) => void lines.push(s) },
  });
  t.teardown(() => void configureLogging({ level: 'silent' }));
  const rx = await startOtlpReceiver(t);
  const up = await startUpstream(t, { chunks: 6, chunkIntervalMs: 30 });
  const dep = [
    '  - model_name: test-model',
    '    litellm_params:',
    '      model: openai/up',
    `      api_base: ${up.url}`,
    `      api_key: ${provider}`,
    '      timeout: 0.5',
  ].join('\n');
  const { url, gw } = await startChecked(
    t,
    gatewayYaml(
      [dep],
      'general_settings:\n  master_key: os.environ/CANARY_MASTER\n' +
        'routeiq_settings:\n  max_body_bytes: 4096\n',
    ),
    { CANARY_MASTER: master, OTEL_EXPORTER_OTLP_ENDPOINT: rx.endpoint },
  );
  const made = await post(`${url}/key/generate`, {}, as(master));
  const vk = String((json(made) as { key?: unknown }).key);

  const replies: Reply[] = [];
  const chat = async (key: string, extra = {}, headers = {}) => {
    replies.push(
      await post(`${url}${kChat}`, chatBody(extra), { ...as(key), ...headers }),
    );
  };
  await chat(vk);
  await chat(master, { stream: true });
  for (const status of [401, 403, 500]) {
    up.script.push(quoting(status), quoting(status));
    await chat(vk);
  }
  up.script.push({ chunks: 4, resetAfterChunks: 2 });
  await chat(vk, { stream: true });
  up.script.push({ silent: true }, { silent: true });
  await chat(vk);
  await leaveMidStream(url, vk);
  await chat(`${master}x`);
  await chat(vk.slice(0, -1));
  await chat(vk, {}, { traceparent: `00-${vk}-01`, 'x-request-id': master });
  replies.push(
    await post(`${url}${kChat}?api_key=${vk}`, chatBody(), as(vk)),
    await post(`${url}${kChat}`, `{"model":"${master}`, as(vk)),
    await post(`${url}${kChat}`, { pad: vk.repeat(200) }, as(vk)),
    await get(`${url}/v1/models?key=${master}`, as(vk)),
    await get(`${url}/v1/${vk}`, as(master)),
    await get(`${url}/health?key=${vk}`),
  );
  t.equal(replies[0]?.status, 200, 'the virtual key was served');

  const proxied = replies.length - 3;
  await until(() => gw.services.state.inFlight === 0, 'all finished');
  const dbUrl = `sqlite:${gw.services.config.generalSettings.databaseUrl}`;
  await settledRows(gw, proxied);
  await rx.waitFor((s) => s.filter((x) => x.kind === 2).length >= proxied);
  const sinks: Record<string, string> = {
    responses: replies.map((r) => JSON.stringify(r.headers) + r.text).join(),
    logs: lines.join(''),
    spans: JSON.stringify(rx.spans),
    rows: JSON.stringify(await kSqliteHarness.dump(dbUrl)),
    metrics: await gw.metrics.text(),
    upstream: JSON.stringify(up.seen),
  };
  t.match(sinks['logs'], /"msg":"request"/, 'the logs were captured');
  const secrets: Array<[string, string, string[]]> = [
    ['master key', master, Object.keys(sinks)],
    ['virtual key', vk, Object.keys(sinks)],
    // The upstream is where the provider key belongs.
    [
      'provider key',
      provider,
      Object.keys(sinks).filter((s) => s !== 'upstream'),
    ],
  ];
  for (const [name, secret, where] of secrets) {
    for (const sink of where) {
      const leaked = windows(secret).filter((w) => sinks[sink]?.includes(w));
      t.same(leaked, [], `${sink}: nothing of the ${name}`);
    }
  }
});

t.test(
  'an upstream error passed through does not carry the provider key on',
  async (t) => {
    const up = await startUpstream(t, quoting(400));
    const dep = [
      '  - model_name: test-model',
      '    litellm_params:',
      '      model: openai/up',
      `      api_base: ${up.url}`,
      `      api_key: ${provider}`,
    ].join('\n');
    const { url } = await startChecked(t, gatewayYaml([dep]));
    const plain = await post(`${url}${kChat}`, chatBody());
    t.equal(plain.status, 400, 'the 4xx is passed through');
    const leaked = windows(provider).filter((w) => plain.text.includes(w));
    t.same(leaked, [], 'nothing of the provider key in a passed-through 4xx');
  },
);
