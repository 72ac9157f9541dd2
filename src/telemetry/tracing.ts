/**
 * The tracer provider of the process: NodeTracerProvider with a counting
 * BatchSpanProcessor and the OTLP/gRPC exporter on its own thread (or the
 * console exporter), a resource naming this replica, W3C trace-context
 * and baggage propagation, and an error handler that logs and counts
 * instead of throwing (STYLE.md #9).
 */
import {
  ROOT_CONTEXT,
  propagation,
  trace,
  type Context,
  type TextMapGetter,
  type Tracer,
} from '@opentelemetry/api';
import {
  CompositePropagator,
  W3CBaggagePropagator,
  W3CTraceContextPropagator,
  setGlobalErrorHandler,
} from '@opentelemetry/core';
import { resourceFromAttributes } from '@opentelemetry/resources';
import type { Resource } from '@opentelemetry/resources';
import {
  AlwaysOffSampler,
  AlwaysOnSampler,
  ConsoleSpanExporter,
  ParentBasedSampler,
  TraceIdRatioBasedSampler,
  type Sampler,
  type SpanExporter,
  type SpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import type { TracingSettings } from '../config/tracing-settings.js';
import { kVersion } from '../version.js';
import { CountingBatchProcessor } from './counting-processor.js';
import type { SpanCounters } from './counting-processor.js';
import type { WorkerSpanData } from '../inference/types.js';
import { getLogger } from './logger.js';
import { ThreadSpanExporter } from './thread-exporter.js';
import { toReadableSpan } from './worker-spans.js';

const log = getLogger('tracing');

/** Reads W3C headers from a plain record. */
const kGetter: TextMapGetter<Readonly<Record<string, string>>> = {
  keys: (carrier) => Object.keys(carrier),
  get: (carrier, key) => carrier[key] || undefined,
};

function sampler(s: TracingSettings): Sampler {
  const ratio = new TraceIdRatioBasedSampler(s.samplerArg);
  switch (s.sampler) {
    case 'always_on':
      return new AlwaysOnSampler();
    case 'always_off':
      return new AlwaysOffSampler();
    case 'traceidratio':
      return ratio;
    case 'parentbased_always_off':
      return new ParentBasedSampler({ root: new AlwaysOffSampler() });
    case 'parentbased_traceidratio':
      return new ParentBasedSampler({ root: ratio });
    default:
      return new ParentBasedSampler({ root: new AlwaysOnSampler() });
  }
}

function exporter(s: TracingSettings): SpanExporter {
  if (s.exporter === 'console') return new ConsoleSpanExporter();
  // The OTLP/gRPC exporter runs on its own thread (thread-exporter.ts).
  return new ThreadSpanExporter({
    url: s.endpoint,
    timeoutMillis: s.exportTimeoutMs,
  });
}

/** A span processor that counts what becomes of every span. */
export type SpanPipeline = SpanProcessor & { readonly counters: SpanCounters };

/** The process's tracing pipeline. */
export class Tracing {
  readonly tracer: Tracer;
  readonly settings: TracingSettings;
  readonly processor: SpanPipeline;
  readonly resource: Resource;
  private readonly provider: NodeTracerProvider;
  private readonly propagator = new CompositePropagator({
    propagators: [new W3CTraceContextPropagator(), new W3CBaggagePropagator()],
  });
  /** Errors reported by the SDK (export failures and the like). */
  sdkErrors = 0;

  /** `processor` replaces the exporting pipeline (tests keep spans). */
  constructor(settings: TracingSettings, processor?: SpanPipeline) {
    this.settings = settings;
    this.processor =
      processor ??
      new CountingBatchProcessor(
        exporter(settings),
        settings.maxQueueSize,
        settings.exportTimeoutMs,
      );
    this.resource = resourceFromAttributes({
      ...settings.resource,
      'service.name': settings.serviceName,
      'service.version': kVersion,
      'service.instance.id': settings.instanceId,
    });
    this.provider = new NodeTracerProvider({
      resource: this.resource,
      sampler: sampler(settings),
      spanProcessors: [this.processor],
    });
    this.tracer = this.provider.getTracer('routeiq-gateway', kVersion);
    setGlobalErrorHandler((err) => {
      // Count every SDK error; log the first and then every 100th.
      if (this.sdkErrors++ % 100 === 0) {
        log.warn({ err, count: this.sdkErrors }, 'telemetry export error');
      }
    });
    propagation.setGlobalPropagator(this.propagator);
  }

  get counters(): SpanCounters {
    return this.processor.counters;
  }

  /** Export spans recorded in worker threads (sampled ones only). */
  exportWorkerSpans(spans: readonly WorkerSpanData[]): void {
    for (const data of spans) {
      if ((data.traceFlags & 1) === 0) continue;
      this.processor.onEnd(toReadableSpan(data, this.resource));
    }
  }

  /** Parent context from W3C headers; invalid headers give a new root. */
  extract(headers: Readonly<Record<string, string>>): Context {
    return this.propagator.extract(ROOT_CONTEXT, headers, kGetter);
  }

  /** W3C headers carrying `ctx`'s span. */
  inject(ctx: Context): Record<string, string> {
    const out: Record<string, string> = {};
    this.propagator.inject(ctx, out, {
      set: (carrier, key, value) => {
        carrier[key] = value;
      },
    });
    return out;
  }

  /** Send what is queued, bounded by `timeoutMs`. */
  async flush(timeoutMs: number): Promise<void> {
    await Promise.race([
      this.provider.forceFlush().catch(() => undefined),
      new Promise((r) => setTimeout(r, timeoutMs).unref()),
    ]);
  }

  /** Flush and stop, bounded so a dead collector cannot hold shutdown. */
  async shutdown(timeoutMs: number): Promise<void> {
    await Promise.race([
      this.provider.shutdown().catch(() => undefined),
      new Promise((r) => setTimeout(r, timeoutMs).unref()),
    ]);
  }
}

/** The span context of `ctx`'s active span, as a traceparent string. */
export function traceparentOf(ctx: Context): string | null {
  const sc = trace.getSpanContext(ctx);
  if (sc === undefined) return null;
  const flags = sc.traceFlags.toString(16).padStart(2, '0');
  return `00-${sc.traceId}-${sc.spanId}-${flags}`;
}
