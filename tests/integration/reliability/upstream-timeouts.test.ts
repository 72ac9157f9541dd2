/**
 * RELIABILITY.md row 1: connect, first-byte and idle timers per
 * deployment (`connect_timeout_ms`, `timeout`, `stream_timeout`). Before
 * the first downstream byte a timeout falls back or answers 504
 * upstream_timeout; after it the stream ends with an error frame and
 * [DONE]; either way the upstream request is aborted.
 */
import t from 'tap';
import type { Test } from 'tap';
import {
  startFaultProxy,
  startUnacceptingPort,
} from '../../helpers/fault-proxy.js';
import { expectError, post, postStream } from '../../helpers/http.js';
import { startUpstream } from '../../helpers/upstream.js';
import type { UpstreamBehaviour } from '../../helpers/upstream.js';
import {
  chatBody,
  deployment,
  gatewayYaml,
  kChat,
  settledRows,
  startChecked,
  until,
  watchSuite,
} from './harness.js';

watchSuite(t);

/** A group on a port that never completes a TCP handshake. */
async function deadConnect(t: Test, extra = '') {
  const port = await startUnacceptingPort(t);
  const base = `http://127.0.0.1:${port}/v1`;
  // First byte may take 30 s: only the connect timer can end this early.
  const params = ['connect_timeout_ms: 200', 'timeout: 30'];
  return [deployment('test-model', base, 'dead', params), extra];
}

t.test(
  'a connect that never completes is answered 504 upstream_timeout',
  async (t) => {
    const [dead = ''] = await deadConnect(t);
    const { url } = await startChecked(
      t,
      gatewayYaml([dead], 'router_settings:\n  num_retries: 1\n'),
    );
    const reply = await post(`${url}${kChat}`, chatBody());
    expectError(t, reply, 504, 'upstream_timeout');
  },
);

t.test('a connect timeout falls back to the next model group', async (t) => {
  const up = await startUpstream(t);
  const [dead = ''] = await deadConnect(t);
  const backup = deployment('backup', up.url, 'backup');
  const fallbacks =
    'router_settings:\n  num_retries: 0\n  fallbacks:\n    - test-model: [backup]\n';
  const { url } = await startChecked(t, gatewayYaml([dead, backup], fallbacks));
  const reply = await post(`${url}${kChat}`, chatBody());
  t.equal(reply.status, 200, 'served');
  t.equal(reply.headers['x-routeiq-model'], 'backup', 'by the fallback');
  t.equal(up.seen.length, 1, 'one call to the fallback');
});

t.test(
  'a black-holed connection is dropped at the timeout and retried',
  async (t) => {
    const up = await startUpstream(t);
    const proxy = await startFaultProxy(t, Number(new URL(up.url).port), {
      blackhole: true,
    });
    const base = `http://127.0.0.1:${proxy.port}/v1`;
    const dep = deployment('test-model', base, 'dep-0', ['timeout: 0.3']);
    const { url } = await startChecked(
      t,
      gatewayYaml([dep], 'router_settings:\n  num_retries: 1\n'),
    );
    const reply = await post(`${url}${kChat}`, chatBody());
    expectError(t, reply, 504, 'upstream_timeout');
    t.equal(proxy.stats.connections, 2, 'a fresh connection for the retry');
    await until(() => proxy.open === 0, 'both connections closed');
    t.equal(up.seen.length, 0, 'nothing got through the black hole');
  },
);

t.test('network latency counts against the first-byte timer', async (t) => {
  const up = await startUpstream(t);
  // 1.2 s each way: the upstream answers at once, the network does not.
  const proxy = await startFaultProxy(t, Number(new URL(up.url).port), {
    latencyMs: 1200,
  });
  const base = `http://127.0.0.1:${proxy.port}/v1`;
  const dep = deployment('test-model', base, 'dep-0', ['timeout: 0.3']);
  const { url } = await startChecked(
    t,
    gatewayYaml([dep], 'router_settings:\n  num_retries: 0\n'),
  );
  expectError(
    t,
    await post(`${url}${kChat}`, chatBody()),
    504,
    'upstream_timeout',
  );
  t.equal(proxy.stats.connections, 1, 'one connection, no retry');
  await until(() => proxy.open === 0, 'and it was dropped');
});

/**
 * One deployment with timeout 0.3 s and stream_timeout 5 s. undici runs
 * these timers on a ~0.5 s tick that stretches with event-loop lag, so
 * the delays here stay well clear of both.
 */
async function splitTimers(t: Test, behaviour: UpstreamBehaviour) {
  const up = await startUpstream(t, behaviour);
  const dep = deployment('test-model', up.url, 'dep-0', [
    'timeout: 0.3',
    'stream_timeout: 5',
  ]);
  const started = await startChecked(
    t,
    gatewayYaml([dep], 'router_settings:\n  num_retries: 0\n'),
  );
  return { up, ...started };
}

t.test(
  'a first byte later than timeout is a 504 and the call is aborted',
  async (t) => {
    const { up, url } = await splitTimers(t, { headerDelayMs: 2500 });
    const reply = await post(`${url}${kChat}`, chatBody());
    expectError(t, reply, 504, 'upstream_timeout');
    await until(() => up.seen[0]?.closedEarly === true, 'upstream aborted');
    t.pass('the upstream request was aborted');
  },
);

t.test('a stream waits for its first byte up to stream_timeout', async (t) => {
  const { url } = await splitTimers(t, { headerDelayMs: 2500 });
  const res = await postStream(`${url}${kChat}`, chatBody({ stream: true }));
  t.equal(res.status, 200, 'the same delay is within stream_timeout');
  t.equal(res.data.at(-1), '[DONE]');
  t.notOk(
    res.data.some((d) => d.includes('"error"')),
    'no error frame',
  );
});

t.test(
  'a stream idle past stream_timeout ends with an error frame and [DONE]',
  async (t) => {
    const up = await startUpstream(t, { chunks: 5, stallAfterChunks: 2 });
    const dep = deployment('test-model', up.url, 'dep-0', [
      'stream_timeout: 0.3',
    ]);
    const { url, gw } = await startChecked(t, gatewayYaml([dep]));
    const res = await postStream(`${url}${kChat}`, chatBody({ stream: true }));
    t.equal(res.status, 200, 'the status was already sent');
    t.equal(res.data.length, 4, 'two chunks, the error frame, [DONE]');
    t.match(res.data[2], /"code":"upstream_timeout"/);
    t.equal(res.data[3], '[DONE]');
    t.equal(up.seen.length, 1, 'not retried after the first byte');
    await until(() => up.seen[0]?.closedEarly === true, 'upstream aborted');
    const [row] = await settledRows(gw, 1);
    t.match(row, {
      outcome: 'mid_stream_error',
      error_code: 'GW_ERR_UPSTREAM_TIMEOUT',
      output_tokens: 2,
    });
  },
);

t.test(
  'a slow upstream that keeps sending is never cut by the idle timer',
  async (t) => {
    const up = await startUpstream(t, { chunks: 6, chunkBytes: 4000 });
    // 24 KB at 16 KB/s: 1.5 s in all, each gap far under 0.3 s.
    const proxy = await startFaultProxy(t, Number(new URL(up.url).port), {
      bytesPerSecond: 16_000,
    });
    const base = `http://127.0.0.1:${proxy.port}/v1`;
    const dep = deployment('test-model', base, 'dep-0', [
      'stream_timeout: 0.3',
    ]);
    const { url } = await startChecked(t, gatewayYaml([dep]));
    const res = await postStream(`${url}${kChat}`, chatBody({ stream: true }));
    t.equal(res.status, 200);
    t.equal(res.data.at(-1), '[DONE]', 'the whole stream arrived');
    t.notOk(
      res.data.some((d) => d.includes('"error"')),
      'no error frame',
    );
    t.ok(proxy.stats.bytesDown > 24_000, 'all of it through the cap');
  },
);
