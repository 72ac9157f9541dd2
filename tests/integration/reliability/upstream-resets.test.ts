/**
 * RELIABILITY.md row 3: a connection reset (RST, from the fault proxy)
 * before the first downstream byte is retried; after it the stream ends
 * with one `upstream_stream_interrupted` frame and [DONE], and the log
 * row keeps the usage relayed so far. A stream that merely ends without
 * [DONE] counts as cut; one framed with CRLF pairs does not.
 */
import t from 'tap';
import type { Test } from 'tap';
import { startFaultProxy } from '../../helpers/fault-proxy.js';
import type { Faults } from '../../helpers/fault-proxy.js';
import { postStream } from '../../helpers/http.js';
import { startUpstream } from '../../helpers/upstream.js';
import type { UpstreamBehaviour } from '../../helpers/upstream.js';
import {
  chatBody,
  deployment,
  gatewayYaml,
  kChat,
  settledRows,
  startChecked,
  watchSuite,
} from './harness.js';

watchSuite(t);

/** Upstream behind the fault proxy behind the gateway. */
async function behindProxy(t: Test, b: UpstreamBehaviour, faults: Faults) {
  const up = await startUpstream(t, b);
  const proxy = await startFaultProxy(t, Number(new URL(up.url).port), faults);
  const base = `http://127.0.0.1:${proxy.port}/v1`;
  const started = await startChecked(
    t,
    gatewayYaml(
      [deployment('test-model', base, 'dep-0')],
      'router_settings:\n  num_retries: 1\n',
    ),
  );
  return { up, proxy, ...started };
}

t.test('a reset before the first byte is retried and served', async (t) => {
  const { up, proxy, url } = await behindProxy(
    t,
    { chunks: 3 },
    { resetAfterBytes: 0, times: 1 },
  );
  const res = await postStream(`${url}${kChat}`, chatBody({ stream: true }));
  t.equal(res.status, 200);
  t.equal(res.data.length, 4, 'three chunks and [DONE]');
  t.notOk(
    res.data.some((d) => d.includes('"error"')),
    'no error frame',
  );
  t.equal(proxy.stats.resets, 1, 'the first answer was reset');
  t.equal(up.seen.length, 2, 'and the request sent again');
});

t.test(
  'a reset mid-stream ends with an interrupted frame, [DONE] and a row',
  async (t) => {
    // Chunks of ~2 KB apart in time; the cut lands inside the third.
    const { up, proxy, url, gw } = await behindProxy(
      t,
      { chunks: 8, chunkBytes: 2000, chunkIntervalMs: 20 },
      { resetAfterBytes: 5000 },
    );
    const res = await postStream(`${url}${kChat}`, chatBody({ stream: true }));
    t.equal(res.status, 200, 'the status was already sent');
    t.equal(res.data.length, 4, 'two whole chunks, the frame, [DONE]');
    for (const d of res.data.slice(0, 2)) {
      t.doesNotThrow(() => JSON.parse(d), 'a whole event, never a torn one');
    }
    t.match(res.data[2], /"code":"upstream_stream_interrupted"/);
    t.equal(res.data[3], '[DONE]');
    t.equal(proxy.stats.resets, 1);
    t.equal(up.seen.length, 1, 'not retried after the first byte');
    const [row] = await settledRows(gw, 1);
    t.match(row, {
      outcome: 'mid_stream_error',
      error_code: 'GW_ERR_UPSTREAM_STREAM_INTERRUPTED',
      output_tokens: 2,
    });
  },
);

t.test(
  'an upstream that closes cleanly without [DONE] is reported as cut',
  async (t) => {
    const up = await startUpstream(t, { chunks: 3, omitDone: true });
    const { url, gw } = await startChecked(
      t,
      gatewayYaml([deployment('test-model', up.url, 'dep-0')]),
    );
    const res = await postStream(`${url}${kChat}`, chatBody({ stream: true }));
    t.equal(res.status, 200);
    t.match(res.data.at(-2), /"code":"upstream_stream_interrupted"/);
    t.equal(res.data.at(-1), '[DONE]');
    const [row] = await settledRows(gw, 1);
    t.equal(row?.['outcome'], 'mid_stream_error');
  },
);

t.test('a CRLF-framed stream is relayed as it comes, not as cut', async (t) => {
  const up = await startUpstream(t, {
    chunks: 3,
    chunkIntervalMs: 50,
    crlf: true,
  });
  const { url, gw } = await startChecked(
    t,
    gatewayYaml([deployment('test-model', up.url, 'dep-0')]),
  );
  const res = await postStream(`${url}${kChat}`, chatBody({ stream: true }));
  t.equal(res.status, 200);
  t.equal(res.data.length, 4, 'three chunks and [DONE]');
  t.notOk(
    res.data.some((d) => d.includes('"error"')),
    'no error frame',
  );
  const [row] = await settledRows(gw, 1);
  t.match(row, { outcome: 'ok', output_tokens: 3 }, 'usage was read');
});
