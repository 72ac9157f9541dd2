/**
 * Wraps the BatchSpanProcessor so that no span is dropped silently: it
 * mirrors the processor's queue length (spans ended minus spans handed to
 * the exporter) and drops, counting, before the queue would overflow.
 * Export failures are counted too (RELIABILITY.md, OpenTelemetry rules).
 */
import type { Context } from '@opentelemetry/api';
import { ExportResultCode } from '@opentelemetry/core';
import type { ExportResult } from '@opentelemetry/core';
import {
  BatchSpanProcessor,
  type ReadableSpan,
  type Span,
  type SpanExporter,
  type SpanProcessor,
} from '@opentelemetry/sdk-trace-base';

/** Span pipeline counters. */
export interface SpanCounters {
  ended: number;
  exported: number;
  dropped: number;
  exportFailed: number;
  queued: number;
}

/** Counts spans on their way through the exporter. */
class CountingExporter implements SpanExporter {
  private readonly inner: SpanExporter;
  private readonly counters: SpanCounters;

  constructor(inner: SpanExporter, counters: SpanCounters) {
    this.inner = inner;
    this.counters = counters;
  }

  export(spans: ReadableSpan[], done: (r: ExportResult) => void): void {
    // The batch processor hands its queue over synchronously here.
    this.counters.queued -= spans.length;
    this.inner.export(spans, (result) => {
      if (result.code === ExportResultCode.SUCCESS) {
        this.counters.exported += spans.length;
      } else {
        this.counters.exportFailed += spans.length;
      }
      done(result);
    });
  }

  shutdown(): Promise<void> {
    return this.inner.shutdown();
  }

  forceFlush(): Promise<void> {
    return this.inner.forceFlush?.() ?? Promise.resolve();
  }
}

/** A batch processor with exact drop counting. */
export class CountingBatchProcessor implements SpanProcessor {
  readonly counters: SpanCounters = {
    ended: 0,
    exported: 0,
    dropped: 0,
    exportFailed: 0,
    queued: 0,
  };
  private readonly inner: BatchSpanProcessor;
  private readonly maxQueue: number;

  constructor(exporter: SpanExporter, maxQueue: number, timeoutMs: number) {
    this.maxQueue = maxQueue;
    this.inner = new BatchSpanProcessor(
      new CountingExporter(exporter, this.counters),
      {
        maxQueueSize: maxQueue,
        maxExportBatchSize: Math.min(512, maxQueue),
        scheduledDelayMillis: 1000,
        exportTimeoutMillis: timeoutMs,
      },
    );
  }

  onStart(span: Span, parent: Context): void {
    this.inner.onStart(span, parent);
  }

  onEnd(span: ReadableSpan): void {
    this.counters.ended++;
    if (this.counters.queued >= this.maxQueue) {
      this.counters.dropped++;
      return;
    }
    this.counters.queued++;
    this.inner.onEnd(span);
  }

  forceFlush(): Promise<void> {
    return this.inner.forceFlush();
  }

  shutdown(): Promise<void> {
    return this.inner.shutdown();
  }
}
