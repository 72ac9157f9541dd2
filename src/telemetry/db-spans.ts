/**
 * One span per request-log row written, in that request's trace: a
 * batch insert serves many requests, and each of them should show the
 * database write it caused (DESIGN.md, trace context: DB).
 */
import {
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  trace,
} from '@opentelemetry/api';
import type { BatchWriteReport } from '../store/types.js';
import type { Tracing } from './tracing.js';

/** The store hook that turns batch reports into DB spans. */
export function dbSpanHook(tracing: Tracing) {
  return (report: BatchWriteReport): void => {
    const name = `${report.operation} ${report.table}`;
    for (const row of report.rows) {
      if (row.traceId === null || row.parentSpanId === null) continue;
      if ((row.traceFlags & 1) === 0) continue;
      const parent = trace.setSpanContext(ROOT_CONTEXT, {
        traceId: row.traceId,
        spanId: row.parentSpanId,
        traceFlags: row.traceFlags,
        isRemote: true,
      });
      const span = tracing.tracer.startSpan(
        name,
        {
          kind: SpanKind.CLIENT,
          startTime: report.startedAt,
          attributes: {
            'db.system.name': report.system,
            'db.system': report.system,
            'db.operation.name': report.operation,
            'db.collection.name': report.table,
            'db.operation.batch.size': report.rows.length,
            'routeiq.request_id': row.requestId,
          },
        },
        parent,
      );
      if (report.error !== undefined) {
        span.setStatus({ code: SpanStatusCode.ERROR, message: report.error });
      }
      span.end(report.endedAt);
    }
  };
}
