/**
 * The export thread: owns the OTLP/gRPC transport, so HTTP/2 framing,
 * retries and the collector's replies never run on the event loop. The
 * main thread's BatchSpanProcessor hands it each batch as an encoded
 * ExportTraceServiceRequest (src/telemetry/otlp-encode.ts); each
 * request gets one reply.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { ExportResultCode } from '@opentelemetry/core';
import { EncodedTraceExporter } from '../src/telemetry/encoded-exporter.js';
import type {
  ExportReply,
  ExportRequest,
  ExportThreadOptions,
} from '../src/telemetry/export-messages.js';

const opts = workerData as ExportThreadOptions;
const exporter = new EncodedTraceExporter({
  url: opts.url,
  timeoutMillis: opts.timeoutMillis,
});

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
    exporter.export(req, (result) => {
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
