/**
 * RELIABILITY.md row 18: a burst far past capacity (autocannon, 48
 * connections against `max_in_flight: 4` and a slow upstream) is
 * answered only 200, 429 or 503; every 503 is `overloaded` with a
 * `retry-after`, given without waiting for a slot; refused requests
 * reach neither the upstream nor the request log; afterwards the
 * gauges are back at zero and the gateway serves as before.
 */
import autocannon from 'autocannon';
import type { Result } from 'autocannon';
import t from 'tap';
import { get, post } from '../../helpers/http.js';
import type { Reply } from '../../helpers/http.js';
import { startUpstream } from '../../helpers/upstream.js';
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

const kUpstreamDelayMs = 1000;

function burst(url: string): Promise<Result> {
  return new Promise((resolve, reject) => {
    autocannon(
      {
        url: `${url}${kChat}`,
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(chatBody()),
        connections: 48,
        duration: 3,
        timeout: 10,
      },
      (err, result) => (err === null ? resolve(result) : reject(err)),
    );
  });
}

/** One request during the burst, timed. */
async function probe(url: string): Promise<{ reply: Reply; ms: number }> {
  const t0 = performance.now();
  const reply = await post(`${url}${kChat}`, chatBody());
  return { reply, ms: performance.now() - t0 };
}

t.test(
  'a burst past capacity gets only 200, 429 or 503 and harms nothing',
  async (t) => {
    const up = await startUpstream(t, { headerDelayMs: kUpstreamDelayMs });
    const { url, gw } = await startChecked(
      t,
      gatewayYaml(
        [deployment('test-model', up.url, 'dep-0')],
        'router_settings:\n  num_retries: 0\nrouteiq_settings:\n  max_in_flight: 4\n',
      ),
    );
    const load = burst(url);
    await up.waitFor(4);
    const probes: Array<{ reply: Reply; ms: number }> = [];
    for (let i = 0; i < 10; i++) probes.push(await probe(url));
    const result = await load;

    const statuses = Object.keys(result.statusCodeStats ?? {});
    t.ok(
      statuses.every((s) => ['200', '429', '503'].includes(s)),
      `statuses: ${statuses.join(', ')}`,
    );
    t.equal(result.errors, 0, 'no transport errors');
    t.ok(result.non2xx > result['2xx'], 'most of the burst was refused');
    const refused = probes.filter((p) => p.reply.status === 503);
    t.ok(refused.length > 0, `${refused.length} of 10 probes refused`);
    for (const { reply, ms } of refused) {
      t.match(reply.text, /"code":"overloaded"/);
      t.match(reply.headers['retry-after'], /^[1-9]\d*$/, 'retry-after');
      // Causal, not a speed check: a queued request would wait a slot out.
      t.ok(ms < kUpstreamDelayMs, `refused after ${Math.round(ms)} ms`);
    }

    await until(() => gw.services.state.inFlight === 0, 'burst drained');
    const rows = await settledRows(gw, up.seen.length);
    t.equal(rows.length, up.seen.length, 'one row per upstream call');
    t.ok(
      rows.every((r) => r['error_code'] !== 'GW_ERR_OVERLOADED'),
      'no refused request in the log',
    );
    const served = result['2xx'] + probes.length - refused.length;
    t.ok(up.seen.length >= served, 'every 200 came from the upstream');
    // Those not served were cut when autocannon stopped mid-request.
    t.ok(up.seen.length <= served + 48, 'and nothing more reached it');
    t.equal((await get(`${url}/health/readiness`)).status, 200, 'ready');
    t.equal((await post(`${url}${kChat}`, chatBody())).status, 200);
  },
);
