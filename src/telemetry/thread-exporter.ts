/**
 * A SpanExporter that hands each batch to the export thread, which owns
 * the real OTLP/gRPC exporter. On the event loop a batch costs only its
 * encoding as plain data and one postMessage; protobuf and HTTP/2 work
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
import { encodeBatch } from './span-codec.js';

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
  #closed = false;

  constructor(opts: ExportThreadOptions, file = workerFile('span-export')) {
    // 'error' is always followed by 'exit', which fails what is pending.
    this.#calls = new ThreadCalls({ file, workerData: opts });
  }

  export(spans: ReadableSpan[], done: (r: ExportResult) => void): void {
    if (this.#closed) return done(failed('exporter shut down'));
    let batch;
    try {
      batch = encodeBatch(spans);
    } catch {
      return done(failed('span not encodable'));
    }
    this.#call({ op: 'export', batch }, (r) =>
      done(r.ok ? { code: ExportResultCode.SUCCESS } : failed(r.reason)),
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

  #call(req: ExportCommand, onReply: (r: ExportReply) => void): void {
    this.#calls.post(req, (msg) =>
      onReply(msg === null ? kLost : parseExportReply(msg)),
    );
  }
}
