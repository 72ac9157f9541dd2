import t from 'tap';
import type { Test } from 'tap';
import { request } from 'undici';
import { startTestGateway, upstreamConfig } from '../../helpers/gateway.js';
import { startUpstream } from '../../helpers/upstream.js';
import type { UpstreamBehaviour } from '../../helpers/upstream.js';
import { scrape, total, until } from './exposition.js';

const kNoRetries = 'router_settings:\n  num_retries: 0\n';

const kBody = JSON.stringify({
  model: 'test-model',
  stream: true,
  messages: [{ role: 'user', content: 'hi' }],
});

async function setup(t: Test, b: UpstreamBehaviour) {
  const up = await startUpstream(t, b);
  const { url } = await startTestGateway(
    t,
    upstreamConfig([up.url], kNoRetries),
  );
  return url;
}

function post(url: string, signal?: AbortSignal) {
  return request(`${url}/v1/chat/completions`, {
    method: 'POST',
    reset: true,
    body: kBody,
    ...(signal === undefined ? {} : { signal }),
  });
}

/** Both autoscaling gauges read zero (polled: aborts land asynchronously). */
async function gaugesAtZero(url: string): Promise<boolean> {
  return until(async () => {
    const s = await scrape(url);
    return (
      total(s, 'routeiq_active_streams') === 0 &&
      total(s, 'routeiq_request_queue_depth') === 0 &&
      total(s, 'litellm_in_flight_requests') === 0
    );
  });
}

t.test(
  'an open stream counts in active streams while it is open',
  async (t) => {
    const url = await setup(t, { chunks: 20, chunkIntervalMs: 50 });
    const res = await post(url);
    const it = res.body[Symbol.asyncIterator]();
    await it.next();
    const during = await scrape(url);
    t.equal(total(during, 'routeiq_active_streams'), 1, 'one stream open');
    t.equal(total(during, 'routeiq_request_queue_depth'), 0, 'nothing waits');
    t.equal(total(during, 'litellm_in_flight_requests'), 1, 'one in flight');
    for (let n = await it.next(); n.done !== true; n = await it.next());
    t.ok(await gaugesAtZero(url), 'gauges back to zero after completion');
  },
);

t.test('gauges return to zero after a client aborts mid-stream', async (t) => {
  const url = await setup(t, { chunks: 50, chunkIntervalMs: 50 });
  const ac = new AbortController();
  const res = await post(url, ac.signal);
  const it = res.body[Symbol.asyncIterator]();
  await it.next();
  ac.abort();
  await it.next().catch(() => undefined);
  t.ok(await gaugesAtZero(url), 'gauges back to zero after the abort');
  const s = await scrape(url);
  const failed = total(s, 'litellm_proxy_failed_requests_metric_total', {
    exception_class: 'client_aborted',
  });
  t.equal(failed, 1, 'the abort is counted as a failed request');
});

t.test(
  'gauges return to zero after an upstream reset mid-stream',
  async (t) => {
    const url = await setup(t, {
      chunks: 10,
      chunkIntervalMs: 20,
      resetAfterChunks: 2,
    });
    const text = await (await post(url)).body.text();
    t.match(text, /"error"/, 'the client got an error frame');
    t.ok(await gaugesAtZero(url), 'gauges back to zero');
    const s = await scrape(url);
    const failed = total(s, 'litellm_proxy_failed_requests_metric_total', {
      exception_status: '2xx',
      exception_class: 'GW_ERR_UPSTREAM_STREAM_INTERRUPTED',
    });
    t.equal(failed, 1, 'counted as a failure under the status already sent');
  },
);

t.test(
  'gauges return to zero after an upstream fails before the first byte',
  async (t) => {
    const url = await setup(t, { status: 500 });
    const res = await post(url);
    await res.body.text();
    t.equal(res.statusCode, 502);
    t.ok(await gaugesAtZero(url), 'gauges back to zero');
    const s = await scrape(url);
    t.equal(
      total(s, 'litellm_proxy_total_requests_metric_total', {
        requested_model: 'test-model',
        status_code: '5xx',
      }),
      1,
      'counted under its status class',
    );
  },
);
