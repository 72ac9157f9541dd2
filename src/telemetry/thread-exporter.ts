/**
 * A SpanExporter that hands each batch to the export thread, which owns
 * the real OTLP/gRPC exporter. On the event loop a batch costs only its
 * encoding as plain data and one postMessage; protobuf and HTTP/2 work
 * happen on the other thread. A thread that dies fails its pending
 * batches (the processor counts them) and is replaced on the next one.
 * The thread holds the process open only while a batch is pending.
 */
import { Worker } from 'node:worker_threads';
import { ExportResultCode } from '@opentelemetry/core';
import type { ExportResult } from '@opentelemetry/core';
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace-base';
import { workerExecArgv, workerFile } from '../worker-path.js';
import { parseExportReply } from './export-messages.js';
import type {
  ExportReply,
  ExportRequest,
  ExportThreadOptions,
} from './export-messages.js';
import { encodeBatch } from './span-codec.js';

type Pending = (reply: ExportReply) => void;

const kLost: ExportReply = { id: -1, ok: false, reason: 'thread exited' };

function failed(reason: string | null): ExportResult {
  return {
    code: ExportResultCode.FAILED,
    error: new Error(reason ?? 'export failed'),
  };
}

/** Exports spans through a dedicated worker thread. */
export class ThreadSpanExporter implements SpanExporter {
  readonly #opts: ExportThreadOptions;
  readonly #file: string;
  readonly #pending = new Map<number, Pending>();
  #worker: Worker | null = null;
  #nextId = 1;
  #closed = false;

  constructor(opts: ExportThreadOptions, file = workerFile('span-export')) {
    this.#opts = opts;
    this.#file = file;
  }

  export(spans: ReadableSpan[], done: (r: ExportResult) => void): void {
    if (this.#closed) return done(failed('exporter shut down'));
    let batch;
    try {
      batch = encodeBatch(spans);
    } catch {
      return done(failed('span not encodable'));
    }
    this.#call({ id: 0, op: 'export', batch }, (r) =>
      done(r.ok ? { code: ExportResultCode.SUCCESS } : failed(r.reason)),
    );
  }

  forceFlush(): Promise<void> {
    if (this.#worker === null) return Promise.resolve();
    return new Promise((resolve) =>
      this.#call({ id: 0, op: 'flush' }, () => resolve()),
    );
  }

  async shutdown(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    const worker = this.#worker;
    if (worker === null) return;
    await new Promise<void>((resolve) =>
      this.#call({ id: 0, op: 'shutdown' }, () => resolve()),
    );
    this.#worker = null;
    await worker.terminate();
  }

  #call(req: ExportRequest, onReply: Pending): void {
    const worker = this.#worker ?? this.#spawn();
    const id = this.#nextId++;
    if (this.#pending.size === 0) worker.ref();
    this.#pending.set(id, onReply);
    worker.postMessage({ ...req, id });
  }

  #spawn(): Worker {
    const worker = new Worker(this.#file, {
      workerData: this.#opts,
      execArgv: workerExecArgv(process.execArgv),
    });
    worker.unref();
    worker.on('message', (msg: unknown) => this.#onReply(msg));
    // 'error' is always followed by 'exit', which fails what is pending.
    worker.on('error', () => undefined);
    worker.on('exit', () => this.#onExit(worker));
    this.#worker = worker;
    return worker;
  }

  #onReply(msg: unknown): void {
    const reply = parseExportReply(msg);
    const pending = this.#pending.get(reply.id);
    if (pending === undefined) return;
    this.#pending.delete(reply.id);
    if (this.#pending.size === 0) this.#worker?.unref();
    pending(reply);
  }

  #onExit(worker: Worker): void {
    if (this.#worker === worker) this.#worker = null;
    const pending = [...this.#pending.values()];
    this.#pending.clear();
    for (const p of pending) p(kLost);
  }
}
