/**
 * A SpanExporter that hands each batch to the export thread, which owns
 * the OTLP/gRPC transport. On the event loop a batch costs its protobuf
 * encoding (otlp-encode.ts, about 1.3 µs a span) and one postMessage
 * that transfers the bytes without copying them; HTTP/2 and gRPC work
 * happen on the other thread. A thread that dies fails its pending
 * batches (the processor counts them) and is replaced on the next one
 * (src/thread-calls.ts).
 */
import { ExportResultCode } from '@opentelemetry/core';
import type { ExportResult } from '@opentelemetry/core';
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace-base';
import { ThreadCalls } from '../thread-calls.js';
import { workerFile } from '../worker-path.js';
import { parseExportReply } from './export-messages.js';
import type {
  ExportCommand,
  ExportReply,
  ExportThreadOptions,
} from './export-messages.js';
import { OtlpTraceEncoder } from './otlp-encode.js';

const kLost: ExportReply = { id: -1, ok: false, reason: 'thread exited' };

function failed(reason: string | null): ExportResult {
  return {
    code: ExportResultCode.FAILED,
    error: new Error(reason ?? 'export failed'),
  };
}

/** Exports spans through a dedicated worker thread. */
export class ThreadSpanExporter implements SpanExporter {
  readonly #calls: ThreadCalls;
  readonly #encoder = new OtlpTraceEncoder();
  #closed = false;

  constructor(opts: ExportThreadOptions, file = workerFile('span-export')) {
    // 'error' is always followed by 'exit', which fails what is pending.
    this.#calls = new ThreadCalls({ file, workerData: opts });
  }

  export(spans: ReadableSpan[], done: (r: ExportResult) => void): void {
    if (this.#closed) return done(failed('exporter shut down'));
    let bytes;
    try {
      bytes = this.#encoder.encode(spans);
    } catch {
      return done(failed('span not encodable'));
    }
    this.#call(
      { op: 'export', bytes, spans: spans.length },
      (r) => done(r.ok ? { code: ExportResultCode.SUCCESS } : failed(r.reason)),
      [bytes.buffer as ArrayBuffer],
    );
  }

  forceFlush(): Promise<void> {
    if (!this.#calls.started) return Promise.resolve();
    return new Promise((resolve) =>
      this.#call({ op: 'flush' }, () => resolve()),
    );
  }

  async shutdown(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    if (!this.#calls.started) return;
    await new Promise<void>((resolve) =>
      this.#call({ op: 'shutdown' }, () => resolve()),
    );
    await this.#calls.terminate();
  }

  #call(
    req: ExportCommand,
    onReply: (r: ExportReply) => void,
    transfer?: readonly ArrayBuffer[],
  ): void {
    this.#calls.post(
      req,
      (msg) => onReply(msg === null ? kLost : parseExportReply(msg)),
      transfer,
    );
  }
}
