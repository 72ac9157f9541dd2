/**
 * The export thread: owns the OTLP/gRPC trace exporter, so protobuf
 * encoding and HTTP/2 framing of span batches never run on the event
 * loop. The main thread's BatchSpanProcessor hands it encoded batches
 * (src/telemetry/span-codec.ts); each request gets one reply.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { ExportResultCode } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-grpc';
import { ResourceCache, decodeBatch } from '../src/telemetry/span-decode.js';
import type {
  ExportReply,
  ExportRequest,
  ExportThreadOptions,
} from '../src/telemetry/export-messages.js';

const opts = workerData as ExportThreadOptions;
const exporter = new OTLPTraceExporter({
  url: opts.url,
  timeoutMillis: opts.timeoutMillis,
});
const resources = new ResourceCache();

function reply(r: ExportReply): void {
  parentPort?.postMessage(r);
}

function reason(err: unknown): string {
  return err instanceof Error ? err.message : 'export failed';
}

/** Perform one request; the reply comes when the exporter is done. */
function handleExportRequest(req: ExportRequest): void {
  const { id } = req;
  if (req.op === 'export') {
    let spans;
    try {
      spans = decodeBatch(req.batch, resources);
    } catch (err) {
      return reply({ id, ok: false, reason: reason(err) });
    }
    exporter.export(spans, (result) => {
      const ok = result.code === ExportResultCode.SUCCESS;
      reply({ id, ok, reason: ok ? null : reason(result.error) });
    });
    return;
  }
  const done = req.op === 'flush' ? exporter.forceFlush() : exporter.shutdown();
  done.then(
    () => reply({ id, ok: true, reason: null }),
    (err: unknown) => reply({ id, ok: false, reason: reason(err) }),
  );
}

parentPort?.on('message', handleExportRequest);
