/**
 * Our OTLP encoder must write exactly what the SDK's serializer writes
 * for the same spans, byte for byte, whatever they carry.
 */
import t from 'tap';
import fc from 'fast-check';
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
import { OtlpTraceEncoder } from '../../../src/telemetry/otlp-encode.js';

function provider(name = 'encode-test') {
  const exporter = new InMemorySpanExporter();
  const p = new BasicTracerProvider({
    resource: resourceFromAttributes({
      'service.name': name,
      'service.instance.id': 'replica-1',
      'host.cpus': 2,
    }),
    spanProcessors: [new SimpleSpanProcessor(exporter)],
  });
  return { p, exporter };
}

function sdkBytes(spans: readonly ReadableSpan[]): Buffer {
  const b = ProtobufTraceSerializer.serializeRequest([...spans]);
  if (b === undefined) throw new Error('not serializable');
  return Buffer.from(b);
}

t.test('a varied batch encodes as the SDK encodes it', async (t) => {
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
      attributes: {
        'http.route': '/v1/chat/completions',
        n: 3,
        neg: -7,
        big: 2 ** 40,
        f: 0.25,
        'unicode.é': 'naïve – ☃',
        long: 'x'.repeat(300),
      },
    },
    parent,
  );
  server.addEvent('first-byte', { at: 12 });
  server.setStatus({ code: SpanStatusCode.ERROR, message: 'upstream 502' });
  server.end();
  // Same trace, after a span long enough to move in the buffer.
  a.startSpan('child', {}, trace.setSpan(ROOT_CONTEXT, server)).end();
  const linked = b.startSpan('router.inference.batch', {
    links: [
      { context: server.spanContext(), attributes: { why: 'batched' } },
      { context: server.spanContext() },
    ],
    attributes: { list: ['a', 'b'], ok: true, nums: [1, 2.5] },
  });
  linked.end();
  a.startSpan('plain', { attributes: { after: 'extras' } }).end();
  const other = provider('second-resource');
  other.p.getTracer('x').startSpan('elsewhere').end();
  const spans = [
    ...exporter.getFinishedSpans(),
    ...other.exporter.getFinishedSpans(),
  ];

  const ours = Buffer.from(new OtlpTraceEncoder().encode(spans));
  t.ok(ours.equals(sdkBytes(spans)), 'same protobuf bytes');
});

t.test('the encoder reuses its buffer but not its output', async (t) => {
  const { p, exporter } = provider();
  const tracer = p.getTracer('s');
  const enc = new OtlpTraceEncoder();
  tracer.startSpan('one', { attributes: { k: 'v'.repeat(100_000) } }).end();
  const first = enc.encode(exporter.getFinishedSpans());
  const kept = Buffer.from(first);
  exporter.reset();
  tracer.startSpan('two').end();
  const second = enc.encode(exporter.getFinishedSpans());
  t.ok(Buffer.from(first).equals(kept), 'an earlier batch is untouched');
  t.ok(Buffer.from(second).equals(sdkBytes(exporter.getFinishedSpans())));
  t.equal(first.byteLength, first.buffer.byteLength, 'owns its buffer');
});

t.test('an empty batch is an empty request', async (t) => {
  t.equal(new OtlpTraceEncoder().encode([]).byteLength, 0);
});

const kAttr = fc.oneof(
  fc.string(),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.integer(),
  fc.maxSafeInteger(),
  fc.double({ noNaN: true }),
  fc.boolean(),
  fc.array(fc.string(), { maxLength: 3 }),
);

t.test('any span encodes as the SDK encodes it (property)', async (t) => {
  const { p, exporter } = provider();
  const tracer = p.getTracer('prop', '0.0.1');
  const enc = new OtlpTraceEncoder();
  const ctx = {
    traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
    spanId: '00f067aa0ba902b7',
    traceFlags: 1,
  };
  fc.assert(
    fc.property(
      fc.dictionary(fc.string({ minLength: 1, maxLength: 8 }), kAttr, {
        maxKeys: 6,
      }),
      fc.constantFrom(
        SpanKind.INTERNAL,
        SpanKind.CLIENT,
        SpanKind.SERVER,
        SpanKind.PRODUCER,
        SpanKind.CONSUMER,
      ),
      fc.option(fc.string({ maxLength: 10 })),
      fc.boolean(),
      fc.tuple(
        fc.integer({ min: 0, max: 2 ** 34 }),
        fc.integer({ min: 0, max: 999_999_999 }),
      ),
      (attrs: Attributes, kind: SpanKind, message, withEvent, start) => {
        exporter.reset();
        const first = tracer.startSpan('p', {
          kind,
          attributes: attrs,
          startTime: start,
        });
        if (message !== null) {
          first.setStatus({ code: SpanStatusCode.ERROR, message });
        }
        if (withEvent) first.addEvent('e', attrs);
        first.end();
        tracer
          .startSpan('q', { attributes: attrs, links: [{ context: ctx }] })
          .end();
        const spans = exporter.getFinishedSpans();
        return Buffer.from(enc.encode(spans)).equals(sdkBytes(spans));
      },
    ),
    { numRuns: 300 },
  );
  t.pass('300 random span pairs encoded identically');
});
