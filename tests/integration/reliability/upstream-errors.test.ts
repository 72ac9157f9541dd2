/**
 * RELIABILITY.md row 2: upstream 429 and 5xx are retried only before
 * the first downstream byte, with jittered backoff inside a retry
 * budget; `retry-after` is honoured up to the cap; a failing deployment
 * cools down but never the last usable one; 401/403 become 502
 * upstream_auth_failed without the upstream's text; other 4xx pass
 * through without counting against the deployment.
 */
import fc from 'fast-check';
import t from 'tap';
import { json, post, postStream } from '../../helpers/http.js';
import { kSchemas } from '../../helpers/openai-schema.js';
import { startUpstream } from '../../helpers/upstream.js';
import { backoffMs, parseRetryAfter } from '../../../src/http/retry-policy.js';
import {
  chatBody,
  deployment,
  gatewayYaml,
  kChat,
  startChecked,
  watchSuite,
} from './harness.js';

watchSuite(t);

const kQuiet = 'router_settings:\n  num_retries: 1\n';
const kSecret = 'upstream-private-detail-7c1e';

/** What the table says an upstream status becomes. */
function expected(status: number) {
  if (status === 401 || status === 403) {
    return { status: 502, code: 'upstream_auth_failed', calls: 1 };
  }
  if (status === 408 || status === 504) {
    return { status: 504, code: 'upstream_timeout', calls: 2 };
  }
  if (status === 429) {
    return { status: 429, code: 'upstream_rate_limited', calls: 2 };
  }
  if (status >= 500) return { status: 502, code: 'upstream_error', calls: 2 };
  return { status, code: 'passed_through', calls: 1 };
}

t.test(
  'every upstream error status gets the answer of the table',
  async (t) => {
    const up = await startUpstream(t);
    const { url, gw } = await startChecked(
      t,
      gatewayYaml([deployment('test-model', up.url, 'dep-0')], kQuiet),
    );
    const dep = gw.services.router.deployments[0];
    // The statuses the table names, and any other.
    const statuses = fc.oneof(
      fc.constantFrom(400, 401, 403, 404, 408, 422, 429, 500, 503, 504),
      fc.integer({ min: 400, max: 599 }),
    );
    // Few runs: each retried one spends from the shared retry budget.
    await fc.assert(
      fc.asyncProperty(statuses, async (status) => {
        const errorBody = `{"error":{"message":"${kSecret}","type":"x","param":null,"code":"passed_through"}}`;
        up.behaviour = { status, errorBody };
        const calls = up.seen.length;
        const failures = dep?.failures ?? 0;
        const want = expected(status);
        const reply = await post(`${url}${kChat}`, chatBody());
        const body = json(reply) as { error?: { code?: unknown } };
        t.equal(reply.status, want.status, `${status}: status`);
        t.ok(kSchemas.error(body), `${status}: error envelope`);
        t.equal(body.error?.code, want.code, `${status}: code`);
        t.equal(up.seen.length - calls, want.calls, `${status}: calls`);
        if (want.code === 'passed_through') {
          t.equal(dep?.failures, failures, `${status}: not held against it`);
        } else {
          t.notMatch(reply.text, kSecret, `${status}: upstream text withheld`);
        }
      }),
      { numRuns: 16 },
    );
  },
);

t.test('retry backoff is full jitter under a doubling cap', (t) => {
  fc.assert(
    fc.property(fc.integer({ min: 0, max: 12 }), (attempt) => {
      const bound = Math.min(1000, 25 * 2 ** attempt);
      const waits = Array.from({ length: 64 }, () => backoffMs(attempt));
      const inside = waits.every((w) => w >= 0 && w < bound);
      // Jittered: 64 draws spread over most of [0, bound).
      const spread = Math.max(...waits) - Math.min(...waits);
      return inside && spread > bound / 2;
    }),
  );
  t.equal(parseRetryAfter('2'), 2000, 'seconds');
  t.equal(parseRetryAfter(new Date(60_000).toUTCString(), 0), 60_000, 'a date');
  t.end();
});

t.test(
  'a retry-after within the cap is waited out, then retried',
  async (t) => {
    const up = await startUpstream(t);
    up.script.push({ status: 429, retryAfter: '1' });
    const { url } = await startChecked(
      t,
      gatewayYaml([deployment('test-model', up.url, 'dep-0')], kQuiet),
    );
    const reply = await post(`${url}${kChat}`, chatBody());
    t.equal(reply.status, 200, 'the retry was served');
    t.equal(up.seen.length, 2);
    const gap = (up.seen[1]?.receivedAt ?? 0) - (up.seen[0]?.receivedAt ?? 0);
    // Timers fire no earlier than asked; 10 ms covers clock rounding.
    t.ok(gap >= 990, `the retry came ${Math.round(gap)} ms after the 429`);
  },
);

t.test('retries stop once the retry budget is spent', async (t) => {
  const up = await startUpstream(t, { status: 500 });
  const { url } = await startChecked(
    t,
    gatewayYaml(
      [deployment('test-model', up.url, 'dep-0')],
      'router_settings:\n  num_retries: 3\n',
    ),
  );
  const requests = 40;
  for (let i = 0; i < requests; i++) {
    const reply = await post(`${url}${kChat}`, chatBody());
    t.equal(reply.status, 502, `request ${i}`);
  }
  const retries = up.seen.length - requests;
  // The budget: 20 saved retries plus 0.2 earned per request.
  t.ok(retries > 0, `${retries} retries happened`);
  t.ok(retries <= 20 + 0.2 * requests, `${retries} within the budget`);
  t.ok(retries < 3 * requests, 'fewer than num_retries would allow');
});

t.test('a failing deployment cools down while its peer serves', async (t) => {
  const bad = await startUpstream(t, { status: 503 });
  const good = await startUpstream(t);
  const { url, gw } = await startChecked(
    t,
    gatewayYaml(
      [
        deployment('test-model', bad.url, 'bad'),
        deployment('test-model', good.url, 'good'),
      ],
      'router_settings:\n  num_retries: 2\n  allowed_fails: 1\n  cooldown_time: 60\n',
    ),
  );
  for (let i = 0; i < 12; i++) {
    const reply = await post(`${url}${kChat}`, chatBody());
    t.equal(reply.status, 200, `request ${i} served`);
  }
  const [badDep] = gw.services.router.deployments;
  t.ok((badDep?.cooldownUntil ?? 0) > Date.now(), 'the bad one cools down');
  t.ok(bad.seen.length <= 2, `bad was tried ${bad.seen.length} times`);
});

t.test(
  'when every deployment fails, one always stays in service',
  async (t) => {
    const a = await startUpstream(t, { status: 500 });
    const b = await startUpstream(t, { status: 500 });
    const { url, gw } = await startChecked(
      t,
      gatewayYaml(
        [
          deployment('test-model', a.url, 'a'),
          deployment('test-model', b.url, 'b'),
        ],
        'router_settings:\n  num_retries: 1\n  allowed_fails: 0\n  cooldown_time: 60\n',
      ),
    );
    for (let i = 0; i < 10; i++) {
      const reply = await post(`${url}${kChat}`, chatBody());
      // 502 from an upstream, never 503 no_healthy_deployment.
      t.equal(reply.status, 502, `request ${i}: the upstream's failure`);
      const now = Date.now();
      const usable = gw.services.router.deployments.filter((d) =>
        d.isHealthy(now),
      );
      t.ok(usable.length >= 1, `request ${i}: a deployment is in service`);
    }
  },
);

t.test('a stream that fails after its first byte is not retried', async (t) => {
  const up = await startUpstream(t, { chunks: 4, resetAfterChunks: 1 });
  const { url } = await startChecked(
    t,
    gatewayYaml(
      [deployment('test-model', up.url, 'dep-0')],
      'router_settings:\n  num_retries: 3\n',
    ),
  );
  const res = await postStream(`${url}${kChat}`, chatBody({ stream: true }));
  t.equal(res.status, 200);
  t.match(res.data.at(-2), /upstream_stream_interrupted/);
  t.equal(res.data.at(-1), '[DONE]');
  t.equal(up.seen.length, 1, 'one upstream call');
});
