/**
 * The OTLP exporter's own thread: batches reach a real gRPC receiver
 * from it, a collector that is down fails the batch (so it is counted),
 * and a thread that dies fails only what it held.
 */
import t from 'tap';
import { fileURLToPath } from 'node:url';
import { ExportResultCode, type ExportResult } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-grpc';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
  type ReadableSpan,
} from '@opentelemetry/sdk-trace-base';
import { ThreadSpanExporter } from '../../../src/telemetry/thread-exporter.js';
import { startOtlpReceiver } from '../../helpers/otlp-receiver.js';

const kDying = fileURLToPath(
  new URL('../../helpers/dying-export-worker.mjs', import.meta.url),
);

function spans(...names: string[]): ReadableSpan[] {
  const mem = new InMemorySpanExporter();
  const p = new BasicTracerProvider({
    resource: resourceFromAttributes({ 'service.instance.id': 'r-7' }),
    spanProcessors: [new SimpleSpanProcessor(mem)],
  });
  const tracer = p.getTracer('export-thread-test');
  for (const n of names) {
    tracer
      .startSpan(n, { attributes: { 'routeiq.test': n, n: n.length } })
      .end();
  }
  return mem.getFinishedSpans();
}

function exportOnce(
  ex: ThreadSpanExporter,
  batch: ReadableSpan[],
): Promise<ExportResult> {
  return new Promise((resolve) => ex.export(batch, resolve));
}

t.test('batches reach a real collector from the thread', async (t) => {
  const rx = await startOtlpReceiver(t);
  const ex = new ThreadSpanExporter({
    url: rx.endpoint,
    timeoutMillis: 2000,
  });
  t.teardown(() => ex.shutdown());

  const r = await exportOnce(ex, spans('alpha', 'beta'));
  t.equal(r.code, ExportResultCode.SUCCESS);
  await rx.waitFor((s) => s.length >= 2);
  const alpha = rx.spans.find((s) => s.name === 'alpha');
  t.equal(alpha?.attributes['routeiq.test'], 'alpha');
  t.equal(alpha?.resource['service.instance.id'], 'r-7');
});

t.test('the collector receives what the SDK exporter would send', async (t) => {
  const rx = await startOtlpReceiver(t);
  const ours = new ThreadSpanExporter({
    url: rx.endpoint,
    timeoutMillis: 2000,
  });
  const sdk = new OTLPTraceExporter({ url: rx.endpoint, timeoutMillis: 2000 });
  t.teardown(() => Promise.all([ours.shutdown(), sdk.shutdown()]));
  const batch = spans('one', 'two', 'three');

  t.equal((await exportOnce(ours, batch)).code, ExportResultCode.SUCCESS);
  await rx.waitFor((s) => s.length >= 3);
  const fromOurs = rx.spans.splice(0);
  const viaSdk = await new Promise<ExportResult>((r) => sdk.export(batch, r));
  t.equal(viaSdk.code, ExportResultCode.SUCCESS);
  await rx.waitFor((s) => s.length >= 3);
  t.same(fromOurs, rx.spans, 'the same spans, decoded from the wire');
});

t.test('a collector that is down fails the batch', async (t) => {
  const rx = await startOtlpReceiver(t);
  await rx.stop();
  const ex = new ThreadSpanExporter({
    url: rx.endpoint,
    timeoutMillis: 500,
  });
  t.teardown(() => ex.shutdown());

  const r = await exportOnce(ex, spans('lost'));
  t.equal(r.code, ExportResultCode.FAILED);
  t.ok(r.error instanceof Error, 'with a reason for the error handler');
});

t.test(
  'a thread that dies fails its batch; the next gets a new one',
  async (t) => {
    const ex = new ThreadSpanExporter(
      { url: 'http://127.0.0.1:1', timeoutMillis: 500 },
      kDying,
    );
    t.teardown(() => ex.shutdown());

    const lost = await exportOnce(ex, spans('__exit__'));
    t.equal(lost.code, ExportResultCode.FAILED);
    t.match(lost.error?.message, /thread exited/);
    const next = await exportOnce(ex, spans('after'));
    t.equal(next.code, ExportResultCode.SUCCESS, 'served by a fresh thread');
  },
);

t.test('after shutdown a batch fails at once', async (t) => {
  const ex = new ThreadSpanExporter(
    { url: 'http://127.0.0.1:1', timeoutMillis: 500 },
    kDying,
  );
  t.equal((await exportOnce(ex, spans('warm'))).code, ExportResultCode.SUCCESS);
  await ex.shutdown();
  const r = await exportOnce(ex, spans('late'));
  t.equal(r.code, ExportResultCode.FAILED);
});
