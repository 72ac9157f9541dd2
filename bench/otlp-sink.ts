/**
 * A local OTLP/gRPC trace receiver for the tracing target, in its own
 * process so the collector's CPU is not charged to the load generator.
 * It accepts every export, counts spans without decoding them, and
 * answers the runner's `{type:'stats'}` IPC message with the totals.
 */
import * as grpc from '@grpc/grpc-js';
import { countSpans } from './otlp-count.js';

const totals = { exports: 0, spans: 0, bytes: 0, undecodable: 0 };

// Raw bytes in, an empty ExportTraceServiceResponse (zero bytes) out.
const kService: grpc.ServiceDefinition = {
  Export: {
    path: '/opentelemetry.proto.collector.trace.v1.TraceService/Export',
    requestStream: false,
    responseStream: false,
    requestSerialize: (b: Buffer) => b,
    requestDeserialize: (b: Buffer) => b,
    responseSerialize: () => Buffer.alloc(0),
    responseDeserialize: () => ({}),
  },
};

function onExport(
  call: grpc.ServerUnaryCall<Buffer, unknown>,
  cb: grpc.sendUnaryData<unknown>,
): void {
  totals.exports++;
  totals.bytes += call.request.length;
  try {
    totals.spans += countSpans(call.request);
  } catch {
    totals.undecodable++;
  }
  cb(null, {});
}

function main(): void {
  const server = new grpc.Server();
  server.addService(kService, { Export: onExport });
  server.bindAsync(
    '127.0.0.1:0',
    grpc.ServerCredentials.createInsecure(),
    (err, port) => {
      if (err !== null) throw err;
      process.send?.({ type: 'ready', port });
    },
  );
  process.on('message', (msg: unknown) => {
    if ((msg as { type?: unknown } | null)?.type === 'stats') {
      process.send?.({ type: 'stats', ...totals });
    }
  });
  process.on('disconnect', () => process.exit(0));
  process.on('SIGTERM', () => process.exit(0));
}

main();
