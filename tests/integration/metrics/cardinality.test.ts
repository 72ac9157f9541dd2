import { randomUUID } from 'node:crypto';
import t from 'tap';
import { request } from 'undici';
import { startTestGateway, upstreamConfig } from '../../helpers/gateway.js';
import { startUpstream } from '../../helpers/upstream.js';
import { pick, scrape, total } from './exposition.js';

function ask(url: string, model: string) {
  return request(`${url}/v1/chat/completions`, {
    method: 'POST',
    reset: true,
    body: JSON.stringify({ model, messages: [{ role: 'user', content: 'x' }] }),
  }).then((r) => r.body.text());
}

// Series of our own metrics: Node's process metrics (heap spaces, GC
// kinds) may add series of their own as the process warms up.
function ownSeries(text: Awaited<ReturnType<typeof scrape>>) {
  return text.filter((s) => /^(routeiq|litellm)_/.test(s.name)).length;
}

t.test('random model names do not add series to /metrics', async (t) => {
  const up = await startUpstream(t);
  const { url } = await startTestGateway(t, upstreamConfig([up.url]));
  await ask(url, `warm-${randomUUID()}`);
  const before = ownSeries(await scrape(url));
  for (let i = 0; i < 25; i++) await ask(url, `m-${randomUUID()}`);
  const after = await scrape(url);
  t.equal(ownSeries(after), before, 'series count unchanged');
  const names = new Set(
    pick(after, 'litellm_proxy_total_requests_metric_total').map(
      (s) => s.labels['requested_model'],
    ),
  );
  t.same([...names], ['other'], 'unknown models share the label other');
  t.equal(
    total(after, 'litellm_proxy_total_requests_metric_total', {
      requested_model: 'other',
      status_code: '4xx',
    }),
    26,
    'every unknown-model request counted',
  );
});

t.test('a configured model keeps its own label', async (t) => {
  const up = await startUpstream(t);
  const { url } = await startTestGateway(t, upstreamConfig([up.url]));
  await ask(url, 'test-model');
  const s = await scrape(url);
  const labels = { requested_model: 'test-model', model: 'test-model' };
  t.equal(total(s, 'litellm_input_tokens_metric_total', labels), 5);
  t.equal(total(s, 'litellm_output_tokens_metric_total', labels), 1);
  t.equal(total(s, 'litellm_total_tokens_metric_total', labels), 6);
  t.equal(total(s, 'litellm_request_total_latency_metric_count', labels), 1);
});
