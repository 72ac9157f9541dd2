import t from 'tap';
import { request } from 'undici';
import { startTestGateway, upstreamConfig } from '../../helpers/gateway.js';
import { startUpstream } from '../../helpers/upstream.js';
import { pick, scrape, total } from './exposition.js';
import type { Sample } from './exposition.js';

function chat(url: string, stream: boolean) {
  return request(`${url}/v1/chat/completions`, {
    method: 'POST',
    reset: true,
    body: JSON.stringify({
      model: 'test-model',
      stream,
      messages: [{ role: 'user', content: 'hi' }],
    }),
  }).then((r) => r.body.text());
}

/** Buckets of one histogram series are cumulative and end at its count. */
function wellFormed(s: readonly Sample[], name: string, match = {}) {
  const buckets = pick(s, `${name}_bucket`, match).map((b) => b.value);
  const sorted = buckets.every((v, i) => i === 0 || v >= (buckets[i - 1] ?? 0));
  return sorted && buckets.at(-1) === total(s, `${name}_count`, match);
}

t.test('routing latency is recorded by strategy and outcome', async (t) => {
  const up = await startUpstream(t);
  const { url } = await startTestGateway(t, upstreamConfig([up.url]));
  await chat(url, false);
  const s = await scrape(url);
  const ok = { strategy: 'simple-shuffle', outcome: 'ok' };
  const name = 'routeiq_routing_latency_histogram';
  t.equal(total(s, `${name}_count`, ok), 1, 'one decision');
  t.ok(wellFormed(s, name, ok), 'cumulative buckets ending at the count');
  const below1ms = pick(s, `${name}_bucket`, ok).filter(
    (b) => Number(b.labels['le']) < 0.001,
  );
  t.ok(below1ms.length >= 6, 'at least six buckets below one millisecond');
});

t.test('a streamed request records upstream latency and TTFT', async (t) => {
  const up = await startUpstream(t, { chunks: 3, chunkIntervalMs: 20 });
  const { url } = await startTestGateway(t, upstreamConfig([up.url]));
  await chat(url, true);
  const s = await scrape(url);
  const pair = { requested_model: 'test-model', model: 'test-model' };
  for (const name of [
    'litellm_llm_api_latency_metric',
    'litellm_llm_api_time_to_first_token_metric',
    'litellm_request_total_latency_metric',
  ]) {
    t.equal(total(s, `${name}_count`, pair), 1, `${name} observed once`);
    t.ok(wellFormed(s, name, pair), `${name} well formed`);
  }
  t.equal(total(s, 'litellm_output_tokens_metric_total', pair), 3);
});

t.test('a cooled-down deployment shows in its state and counter', async (t) => {
  const bad = await startUpstream(t, { status: 500 });
  const good = await startUpstream(t);
  const extra =
    'router_settings:\n  num_retries: 1\n  allowed_fails: 0\n  cooldown_time: 60\n';
  const { url } = await startTestGateway(
    t,
    upstreamConfig([bad.url, good.url], extra),
  );
  // The shuffle picks either; stop once the failing one was tried.
  for (let i = 0; i < 30 && bad.seen.length === 0; i++) await chat(url, false);
  t.equal(bad.seen.length, 1, 'the failing deployment was tried once');
  const s = await scrape(url);
  const dep0 = { model_id: 'dep-0', litellm_model_name: 'test-model' };
  t.equal(total(s, 'litellm_deployment_state', dep0), 2, 'cooling down');
  t.equal(total(s, 'litellm_deployment_state', { model_id: 'dep-1' }), 0);
  t.equal(
    total(s, 'litellm_deployment_cooled_down_total', {
      ...dep0,
      exception_status: '5xx',
    }),
    1,
    'one cooldown, caused by a 5xx',
  );
});
