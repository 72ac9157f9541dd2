/**
 * Tracing settings from the standard OpenTelemetry variables
 * (https://opentelemetry.io/docs/specs/otel/configuration/sdk-environment-variables/).
 * Without an endpoint or an explicit OTEL_TRACES_EXPORTER, tracing is off:
 * a default start must not log export errors about a missing collector.
 */
import { randomUUID } from 'node:crypto';
import { refuse } from './reader.js';

/** Which exporter the spans go to. */
export type TracesExporter = 'otlp' | 'console' | 'none';

/** Resolved tracing settings. */
export interface TracingSettings {
  readonly exporter: TracesExporter;
  /** gRPC endpoint, e.g. http://127.0.0.1:4317. */
  readonly endpoint: string;
  readonly serviceName: string;
  readonly instanceId: string;
  /** Extra resource attributes from OTEL_RESOURCE_ATTRIBUTES. */
  readonly resource: Readonly<Record<string, string>>;
  readonly sampler: string;
  readonly samplerArg: number;
  readonly exportTimeoutMs: number;
  readonly maxQueueSize: number;
}

const kSamplers: ReadonlySet<string> = new Set([
  'always_on',
  'always_off',
  'traceidratio',
  'parentbased_always_on',
  'parentbased_always_off',
  'parentbased_traceidratio',
]);

function parseResource(raw: string | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  if (raw === undefined || raw.trim() === '') return out;
  for (const pair of raw.split(',')) {
    const eq = pair.indexOf('=');
    if (eq <= 0) continue;
    const key = decodeURIComponent(pair.slice(0, eq).trim());
    out[key] = decodeURIComponent(pair.slice(eq + 1).trim());
  }
  return out;
}

/** Read tracing settings from an environment snapshot. */
export function readTracingSettings(
  env: Readonly<Record<string, string | undefined>>,
): TracingSettings {
  const endpoint =
    env['OTEL_EXPORTER_OTLP_TRACES_ENDPOINT'] ??
    env['OTEL_EXPORTER_OTLP_ENDPOINT'] ??
    '';
  const declared = env['OTEL_TRACES_EXPORTER'];
  const exporter = (declared ?? (endpoint === '' ? 'none' : 'otlp')).trim();
  if (exporter !== 'otlp' && exporter !== 'console' && exporter !== 'none') {
    refuse('OTEL_TRACES_EXPORTER', 'must be otlp, console or none');
  }
  const sampler = env['OTEL_TRACES_SAMPLER'] ?? 'parentbased_always_on';
  if (!kSamplers.has(sampler)) refuse('OTEL_TRACES_SAMPLER', 'unknown');
  const arg = Number(env['OTEL_TRACES_SAMPLER_ARG'] ?? '1');
  if (!Number.isFinite(arg) || arg < 0 || arg > 1) {
    refuse('OTEL_TRACES_SAMPLER_ARG', 'must be in [0, 1]');
  }
  const resource = parseResource(env['OTEL_RESOURCE_ATTRIBUTES']);
  return {
    exporter,
    endpoint: endpoint === '' ? 'http://127.0.0.1:4317' : endpoint,
    serviceName:
      env['OTEL_SERVICE_NAME'] ?? resource['service.name'] ?? 'routeiq-gateway',
    instanceId: resource['service.instance.id'] ?? randomUUID(),
    resource,
    sampler,
    samplerArg: arg,
    exportTimeoutMs: Number(env['OTEL_EXPORTER_OTLP_TIMEOUT'] ?? '10000'),
    maxQueueSize: Number(env['OTEL_BSP_MAX_QUEUE_SIZE'] ?? '2048'),
  };
}
