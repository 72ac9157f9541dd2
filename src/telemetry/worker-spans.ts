/**
 * Spans recorded inside worker threads travel back as plain data with
 * the task result; here they become ReadableSpans of this process's
 * resource and enter the same batch processor as the main thread's
 * spans, so one exporter pipeline carries both (DESIGN.md).
 */
import {
  SpanKind,
  SpanStatusCode,
  type HrTime,
  type SpanContext,
} from '@opentelemetry/api';
import type { Resource } from '@opentelemetry/resources';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import type { WorkerSpanData } from '../inference/types.js';
import { kVersion } from '../version.js';

// One object for every worker span: exporters group spans by scope
// identity, so one scope means one ScopeSpans per batch.
const kScope = { name: 'routeiq-gateway', version: kVersion } as const;

function hr(ms: number): HrTime {
  const secs = Math.floor(ms / 1000);
  return [secs, Math.round((ms - secs * 1000) * 1e6)];
}

function context(traceId: string, spanId: string, flags: number): SpanContext {
  return { traceId, spanId, traceFlags: flags, isRemote: false };
}

/** A finished ReadableSpan for one worker span. */
export function toReadableSpan(
  data: WorkerSpanData,
  resource: Resource,
): ReadableSpan {
  const own = context(data.traceId, data.spanId, data.traceFlags);
  return {
    name: data.name,
    kind: SpanKind.INTERNAL,
    spanContext: () => own,
    parentSpanContext:
      data.parentSpanId === null
        ? undefined
        : {
            ...context(data.traceId, data.parentSpanId, data.traceFlags),
            isRemote: true,
          },
    startTime: hr(data.startMs),
    endTime: hr(data.endMs),
    duration: hr(Math.max(0, data.endMs - data.startMs)),
    status: { code: SpanStatusCode.UNSET },
    attributes: data.attributes,
    links: data.links.map((l) => ({
      context: context(l.traceId, l.spanId, 1),
    })),
    events: [],
    ended: true,
    resource,
    instrumentationScope: kScope,
    droppedAttributesCount: 0,
    droppedEventsCount: 0,
    droppedLinksCount: 0,
  };
}
