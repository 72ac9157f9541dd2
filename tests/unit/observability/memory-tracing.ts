/**
 * The gateway's Tracing with its spans kept in memory: TraceObserver
 * starts spans on `tracing.tracer`, so this subclass swaps that tracer for
 * one whose provider ends spans into an InMemorySpanExporter through a
 * SimpleSpanProcessor (no batching, nothing on the network). The base
 * pipeline is built with the console exporter and never receives a span.
 * TODO(#4): Tracing could take a span processor instead of this subclass.
 */
import type { Tracer } from '@opentelemetry/api';
import {
  InMemorySpanExporter,
  SimpleSpanProcessor,
  type ReadableSpan,
} from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { readTracingSettings } from '../../../src/config/tracing-settings.js';
import { Tracing } from '../../../src/telemetry/tracing.js';

/** Tracing whose finished spans can be read back by the test. */
export class MemoryTracing extends Tracing {
  readonly exporter = new InMemorySpanExporter();
  private readonly memory = new NodeTracerProvider({
    resource: this.resource,
    spanProcessors: [new SimpleSpanProcessor(this.exporter)],
  });
  override readonly tracer: Tracer = this.memory.getTracer('routeiq-test');

  constructor() {
    super(readTracingSettings({ OTEL_TRACES_EXPORTER: 'console' }));
  }

  /** Finished spans of one trace. */
  spansOf(traceId: string): ReadableSpan[] {
    return this.exporter
      .getFinishedSpans()
      .filter((s) => s.spanContext().traceId === traceId);
  }

  override async shutdown(timeoutMs: number): Promise<void> {
    await this.memory.shutdown();
    await super.shutdown(timeoutMs);
  }
}
