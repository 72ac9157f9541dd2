/**
 * The gateway's Tracing with its spans kept in memory: the exporting
 * pipeline is replaced by a SimpleSpanProcessor into an
 * InMemorySpanExporter (no batching, nothing on the network), counted
 * like the real one.
 */
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import {
  InMemorySpanExporter,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { readTracingSettings } from '../../../src/config/tracing-settings.js';
import type { SpanCounters } from '../../../src/telemetry/counting-processor.js';
import { Tracing } from '../../../src/telemetry/tracing.js';

/** Hands every ended span to the exporter at once, and counts it. */
class MemoryPipeline extends SimpleSpanProcessor {
  readonly counters: SpanCounters = {
    ended: 0,
    exported: 0,
    dropped: 0,
    exportFailed: 0,
    queued: 0,
  };

  override onEnd(span: ReadableSpan): void {
    this.counters.ended++;
    this.counters.exported++;
    super.onEnd(span);
  }
}

/** Tracing whose finished spans can be read back by the test. */
export class MemoryTracing extends Tracing {
  readonly exporter: InMemorySpanExporter;

  constructor() {
    const exporter = new InMemorySpanExporter();
    super(
      readTracingSettings({ OTEL_TRACES_EXPORTER: 'console' }),
      new MemoryPipeline(exporter),
    );
    this.exporter = exporter;
  }

  /** Finished spans of one trace. */
  spansOf(traceId: string): ReadableSpan[] {
    return this.exporter
      .getFinishedSpans()
      .filter((s) => s.spanContext().traceId === traceId);
  }
}
