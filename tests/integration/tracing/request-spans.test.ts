import t from 'tap';
import type { Test } from 'tap';
import { request } from 'undici';
import { startTestGateway, upstreamConfig } from '../../helpers/gateway.js';
import { startOtlpReceiver } from '../../helpers/otlp-receiver.js';
import { startUpstream } from '../../helpers/upstream.js';

const kParentTrace = '4bf92f3577b34da6a3ce929d0e0e4736';
const kParentSpan = '00f067aa0ba902b7';

async function tracedCall(t: Test, stream: boolean) {
  const rx = await startOtlpReceiver(t);
  const up = await startUpstream(t, { chunks: 3 });
  const { url } = await startTestGateway(t, upstreamConfig([up.url]), {
    OTEL_EXPORTER_OTLP_ENDPOINT: rx.endpoint,
  });
  const res = await request(`${url}/v1/chat/completions`, {
    method: 'POST',
    headers: { traceparent: `00-${kParentTrace}-${kParentSpan}-01` },
    body: JSON.stringify({
      model: 'test-model',
      stream,
      messages: [{ role: 'user', content: 'hi' }],
    }),
  });
  await res.body.text();
  await rx.waitFor((s) => s.some((x) => x.kind === 2));
  return { rx, up };
}

t.test(
  'the request continues the caller trace through to the upstream',
  async (t) => {
    const { rx, up } = await tracedCall(t, false);
    const server = rx.spans.find((s) => s.kind === 2);
    const client = rx.spans.find((s) => s.kind === 3);
    t.equal(server?.traceId, kParentTrace, 'server span joins the trace');
    t.equal(server?.parentSpanId, kParentSpan, 'parent is the caller span');
    t.equal(client?.traceId, kParentTrace);
    t.equal(client?.parentSpanId, server?.spanId, 'client span under server');
    const seen = String(up.seen[0]?.headers['traceparent']);
    t.equal(
      seen,
      `00-${kParentTrace}-${client?.spanId}-01`,
      'upstream parent is the CLIENT span',
    );
  },
);

t.test('the routing span explains the decision', async (t) => {
  const { rx } = await tracedCall(t, false);
  const routing = rx.spans.find((s) => s.name === 'router.route');
  t.ok(routing, 'routing span exported');
  t.equal(routing?.attributes['router.strategy'], 'simple-shuffle');
  t.equal(routing?.attributes['router.model_selected'], 'test-model');
  t.equal(routing?.attributes['router.candidates_evaluated'], 1);
  t.equal(
    routing?.attributes['router.score'],
    undefined,
    'no score for load balancing',
  );
  t.type(routing?.attributes['router.latency_ms'], 'number');
  t.equal(routing?.attributes['router.fallback_triggered'], false);
});

t.test('the upstream span carries GenAI attributes and usage', async (t) => {
  const { rx } = await tracedCall(t, true);
  const client = rx.spans.find((s) => s.kind === 3);
  t.equal(client?.name, 'chat upstream-0');
  t.equal(client?.attributes['gen_ai.operation.name'], 'chat');
  t.equal(client?.attributes['gen_ai.provider.name'], 'openai');
  t.equal(client?.attributes['gen_ai.request.model'], 'upstream-0');
  t.equal(client?.attributes['gen_ai.usage.input_tokens'], 5);
  t.equal(client?.attributes['gen_ai.usage.output_tokens'], 3);
  t.equal(client?.attributes['server.address'], '127.0.0.1');
  t.type(client?.attributes['server.port'], 'number');
  t.type(client?.attributes['routeiq.time_to_first_chunk_ms'], 'number');
});

t.test('an invalid traceparent starts a new root and is served', async (t) => {
  const rx = await startOtlpReceiver(t);
  const up = await startUpstream(t);
  const { url } = await startTestGateway(t, upstreamConfig([up.url]), {
    OTEL_EXPORTER_OTLP_ENDPOINT: rx.endpoint,
  });
  const res = await request(`${url}/v1/chat/completions`, {
    method: 'POST',
    headers: { traceparent: '00-zzzz-not-a-trace-01' },
    body: JSON.stringify({
      model: 'test-model',
      messages: [{ role: 'user', content: 'x' }],
    }),
  });
  t.equal(res.statusCode, 200);
  await res.body.text();
  await rx.waitFor((s) => s.some((x) => x.kind === 2));
  const server = rx.spans.find((s) => s.kind === 2);
  t.equal(server?.parentSpanId, '', 'a root span');
  t.match(server?.traceId, /^[0-9a-f]{32}$/);
});
