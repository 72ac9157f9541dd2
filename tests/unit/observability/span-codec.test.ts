/**
 * Spans crossing to the export thread as plain data must reach the
 * collector exactly as if they had never left: the OTLP protobuf of the
 * decoded batch equals that of the original spans, byte for byte.
 */
import t from 'tap';
import fc from 'fast-check';
import { MessageChannel } from 'node:worker_threads';
import {
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  trace,
  type Attributes,
} from '@opentelemetry/api';
import { TraceState } from '@opentelemetry/core';
import { ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
  type ReadableSpan,
} from '@opentelemetry/sdk-trace-base';
import { encodeBatch } from '../../../src/telemetry/span-codec.js';
import {
  ResourceCache,
  decodeBatch,
} from '../../../src/telemetry/span-decode.js';
import type { EncodedBatch } from '../../../src/telemetry/span-codec.js';

function provider() {
  const exporter = new InMemorySpanExporter();
  const p = new BasicTracerProvider({
    resource: resourceFromAttributes({
      'service.name': 'codec-test',
      'service.instance.id': 'replica-1',
    }),
    spanProcessors: [new SimpleSpanProcessor(exporter)],
  });
  return { p, exporter };
}

/** A structured clone, as postMessage makes it. */
async function cloned(batch: EncodedBatch): Promise<EncodedBatch> {
  const { port1, port2 } = new MessageChannel();
  const got = new Promise<EncodedBatch>((resolve) =>
    port2.once('message', resolve),
  );
  port1.postMessage(batch);
  const out = await got;
  port1.close();
  return out;
}

function bytes(spans: ReadableSpan[]): Buffer {
  const b = ProtobufTraceSerializer.serializeRequest(spans);
  if (b === undefined) throw new Error('not serializable');
  return Buffer.from(b);
}

t.test('a varied batch encodes to the same OTLP protobuf', async (t) => {
  const { p, exporter } = provider();
  const a = p.getTracer('routeiq-gateway', '1.2.3');
  const b = p.getTracer('other-scope');
  const parent = trace.setSpanContext(ROOT_CONTEXT, {
    traceId: '0af7651916cd43dd8448eb211c80319c',
    spanId: 'b7ad6b7169203331',
    traceFlags: 1,
    isRemote: true,
    traceState: new TraceState('vendor=abc,other=1'),
  });
  const server = a.startSpan(
    'POST /v1/chat/completions',
    {
      kind: SpanKind.SERVER,
      attributes: { 'http.route': '/v1/chat/completions', n: 3, f: 0.25 },
    },
    parent,
  );
  server.addEvent('first-byte', { at: 12 });
  server.setStatus({ code: SpanStatusCode.ERROR, message: 'upstream 502' });
  server.end();
  const linked = b.startSpan('router.inference.batch', {
    links: [
      { context: server.spanContext(), attributes: { why: 'batched' } },
      { context: server.spanContext() },
    ],
    attributes: { list: ['a', 'b'], ok: true, nums: [1, 2] },
  });
  linked.end();
  a.startSpan('plain', { attributes: { after: 'extras' } }).end();
  const spans = exporter.getFinishedSpans();

  const batch = await cloned(encodeBatch(spans));
  const decoded = decodeBatch(batch, new ResourceCache());

  t.equal(batch.resources.length, 1, 'one resource listed once');
  t.equal(batch.scopes.length, 2, 'each scope listed once');
  t.ok(bytes(decoded).equals(bytes(spans)), 'same protobuf bytes');
});

t.test('decoded spans of one resource share one object', async (t) => {
  const { p, exporter } = provider();
  const tracer = p.getTracer('s');
  tracer.startSpan('one').end();
  tracer.startSpan('two').end();
  const cache = new ResourceCache();
  const batch = await cloned(encodeBatch(exporter.getFinishedSpans()));
  const first = decodeBatch(batch, cache);
  const again = decodeBatch(batch, cache);
  t.equal(first[0]?.resource, first[1]?.resource);
  t.equal(first[0]?.resource, again[0]?.resource, 'and across batches');
});

const kAttr = fc.oneof(
  fc.string(),
  fc.integer(),
  fc.double({ noNaN: true }),
  fc.boolean(),
  fc.array(fc.string(), { maxLength: 3 }),
);

t.test('any attributes survive the trip (property)', async (t) => {
  const { p, exporter } = provider();
  const tracer = p.getTracer('prop');
  const ctx = {
    traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
    spanId: '00f067aa0ba902b7',
    traceFlags: 1,
  };
  await fc.assert(
    fc.asyncProperty(
      fc.dictionary(fc.string({ minLength: 1, maxLength: 8 }), kAttr, {
        maxKeys: 6,
      }),
      fc.constantFrom(
        SpanKind.INTERNAL,
        SpanKind.CLIENT,
        SpanKind.SERVER,
        SpanKind.PRODUCER,
      ),
      fc.option(fc.string({ maxLength: 10 })),
      fc.boolean(),
      async (attrs: Attributes, kind: SpanKind, message, withEvent) => {
        exporter.reset();
        const first = tracer.startSpan('p', { kind, attributes: attrs });
        if (message !== null) {
          first.setStatus({ code: SpanStatusCode.ERROR, message });
        }
        if (withEvent) first.addEvent('e', attrs);
        first.end();
        tracer
          .startSpan('q', { attributes: attrs, links: [{ context: ctx }] })
          .end();
        const spans = exporter.getFinishedSpans();
        const batch = await cloned(encodeBatch(spans));
        const decoded = decodeBatch(batch, new ResourceCache());
        return bytes(decoded).equals(bytes(spans));
      },
    ),
    { numRuns: 150 },
  );
  t.pass('150 random span pairs encoded identically');
});
