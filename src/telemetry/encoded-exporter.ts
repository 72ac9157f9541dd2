/**
 * The OTLP/gRPC trace exporter of the SDK, fed requests already encoded
 * (otlp-encode.ts) instead of spans. Everything past serialization is
 * the SDK's own: the gRPC transport with its retries, timeout, headers
 * and compression, the bounded queue of concurrent exports, and the
 * handling of partial-success responses. Runs on the export thread.
 */
import {
  OTLPExporterBase,
  type OTLPExporterConfigBase,
} from '@opentelemetry/otlp-exporter-base';
import {
  convertLegacyOtlpGrpcOptions,
  createOtlpGrpcExportDelegate,
} from '@opentelemetry/otlp-grpc-exporter-base';
import {
  ProtobufTraceSerializer,
  type IExportTraceServiceResponse,
  type ISerializer,
} from '@opentelemetry/otlp-transformer';

/** One ExportTraceServiceRequest and how many spans it holds. */
export interface EncodedSpans {
  readonly bytes: Uint8Array;
  readonly spans: number;
}

const kSerializer: ISerializer<EncodedSpans, IExportTraceServiceResponse> = {
  serializeRequest: (r) => r.bytes,
  deserializeResponse: (b) => ProtobufTraceSerializer.deserializeResponse(b),
};

/** Exports encoded span batches over OTLP/gRPC. */
export class EncodedTraceExporter extends OTLPExporterBase<EncodedSpans> {
  constructor(config: OTLPExporterConfigBase) {
    super(
      createOtlpGrpcExportDelegate(
        convertLegacyOtlpGrpcOptions(config, 'TRACES'),
        kSerializer,
        'otlp_grpc_span_exporter',
        { name: 'span', countItems: (r) => r.spans },
        undefined,
        'TraceExportService',
        '/opentelemetry.proto.collector.trace.v1.TraceService/Export',
      ),
    );
  }
}
