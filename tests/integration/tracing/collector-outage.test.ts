import t from 'tap';
import { request } from 'undici';
import { startTestGateway, upstreamConfig } from '../../helpers/gateway.js';
import { startOtlpReceiver } from '../../helpers/otlp-receiver.js';
import { startUpstream } from '../../helpers/upstream.js';

const kBody = JSON.stringify({
  model: 'test-model',
  messages: [{ role: 'user', content: 'hi' }],
});

async function timedCalls(url: string, n: number) {
  const times: number[] = [];
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    const res = await request(`${url}/v1/chat/completions`, {
      method: 'POST',
      body: kBody,
    });
    await res.body.text();
    if (res.statusCode !== 200) throw new Error(`status ${res.statusCode}`);
    times.push(performance.now() - t0);
  }
  return times.sort((a, b) => a - b);
}

t.test('a black-holed collector never holds a request', async (t) => {
  const rx = await startOtlpReceiver(t);
  rx.blackhole = true;
  const up = await startUpstream(t);
  const { url, gw } = await startTestGateway(t, upstreamConfig([up.url]), {
    OTEL_EXPORTER_OTLP_ENDPOINT: rx.endpoint,
    OTEL_EXPORTER_OTLP_TIMEOUT: '2000',
  });
  // Span batches go out every second; run long enough to hit a stuck one.
  const times = await timedCalls(url, 150);
  // A request that waited on export would take the 2 s export timeout.
  t.ok((times.at(-1) ?? 0) < 1000, 'no request waited for the exporter');
  t.equal(gw.services.state.inFlight, 0);
});

t.test('export resumes when the collector comes back', async (t) => {
  const rx = await startOtlpReceiver(t);
  const up = await startUpstream(t);
  const { url, gw } = await startTestGateway(t, upstreamConfig([up.url]), {
    OTEL_EXPORTER_OTLP_ENDPOINT: rx.endpoint,
    OTEL_EXPORTER_OTLP_TIMEOUT: '1000',
  });
  await rx.stop();
  await timedCalls(url, 20);
  const counters = gw.tracing?.counters;
  await new Promise((r) => setTimeout(r, 2500));
  t.ok((counters?.exportFailed ?? 0) > 0, 'failed exports are counted');
  await rx.start();
  // The exporter's gRPC channel reconnects with backoff, and batches
  // sent before it is back are dropped (and counted): keep making new
  // spans until some arrive, bounded at 60 s.
  const until = Date.now() + 60_000;
  while (!rx.spans.some((x) => x.kind === 2) && Date.now() < until) {
    await timedCalls(url, 1);
    await new Promise((r) => setTimeout(r, 250));
  }
  t.ok(
    rx.spans.some((x) => x.kind === 2),
    'spans arrive after the collector restarts',
  );
});
