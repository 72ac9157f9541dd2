/**
 * The request_log table's columns and the mapping between them and
 * `RequestLogRow`, shared by both databases so they cannot drift apart.
 */
import type { RequestLogRow, RequestOutcome } from './types.js';
import {
  asRecord,
  bool,
  finiteOrNull,
  intOrNull,
  num,
  numOrNull,
  str,
  strOrNull,
  text,
  textOrNull,
} from './narrow.js';

/** Column order used by every INSERT and by `logRowParams`. */
export const kLogColumns: readonly string[] = Object.freeze([
  'request_id',
  'trace_id',
  'parent_span_id',
  'trace_flags',
  'started_at',
  'route',
  'key_id',
  'requested_model',
  'model_group',
  'deployment',
  'strategy',
  'routing_score',
  'stream',
  'status',
  'outcome',
  'error_code',
  'latency_ms',
  'ttft_ms',
  'input_tokens',
  'output_tokens',
  'cost_usd',
  'prompt_text',
  'completion_text',
]);

/** Index of `key_id` and `cost_usd` in the params, for spend totals. */
export const kKeyIdParam = kLogColumns.indexOf('key_id');
export const kCostParam = kLogColumns.indexOf('cost_usd');

const kOutcomes: ReadonlySet<string> = new Set<RequestOutcome>([
  'ok',
  'client_aborted',
  'invalid_request',
  'auth_failed',
  'rejected',
  'upstream_error',
  'upstream_timeout',
  'mid_stream_error',
  'internal_error',
]);

/** A bindable value; SQLite callers turn booleans into 0/1 themselves. */
export type SqlValue = string | number | boolean | null;

/** One row's values in `kLogColumns` order, sanitized for binding. */
export function logRowParams(row: RequestLogRow): SqlValue[] {
  return [
    text(row.requestId),
    textOrNull(row.traceId),
    textOrNull(row.parentSpanId),
    intOrNull(row.traceFlags) ?? 0,
    intOrNull(row.startedAt) ?? 0,
    text(row.route),
    textOrNull(row.keyId),
    text(row.requestedModel),
    textOrNull(row.modelGroup),
    textOrNull(row.deployment),
    textOrNull(row.strategy),
    finiteOrNull(row.routingScore),
    row.stream === true,
    intOrNull(row.status) ?? 0,
    text(row.outcome),
    textOrNull(row.errorCode),
    finiteOrNull(row.latencyMs) ?? 0,
    finiteOrNull(row.ttftMs),
    intOrNull(row.inputTokens),
    intOrNull(row.outputTokens),
    finiteOrNull(row.costUsd),
    textOrNull(row.promptText),
    textOrNull(row.completionText),
  ];
}

function outcome(v: unknown): RequestOutcome {
  const s = str(v, 'outcome');
  // A value written by a newer version reads as a failure, never as 'ok'.
  return kOutcomes.has(s) ? (s as RequestOutcome) : 'internal_error';
}

/** A request_log row as read from either database. */
export function logRowFromDb(raw: unknown): RequestLogRow {
  const r = asRecord(raw, 'request_log row');
  const promptText = strOrNull(r.prompt_text, 'prompt_text');
  const completionText = strOrNull(r.completion_text, 'completion_text');
  const row: RequestLogRow = {
    requestId: str(r.request_id, 'request_id'),
    traceId: strOrNull(r.trace_id, 'trace_id'),
    parentSpanId: strOrNull(r.parent_span_id, 'parent_span_id'),
    traceFlags: num(r.trace_flags, 'trace_flags'),
    startedAt: num(r.started_at, 'started_at'),
    route: str(r.route, 'route'),
    keyId: strOrNull(r.key_id, 'key_id'),
    requestedModel: str(r.requested_model, 'requested_model'),
    modelGroup: strOrNull(r.model_group, 'model_group'),
    deployment: strOrNull(r.deployment, 'deployment'),
    strategy: strOrNull(r.strategy, 'strategy'),
    routingScore: numOrNull(r.routing_score, 'routing_score'),
    stream: bool(r.stream, 'stream'),
    status: num(r.status, 'status'),
    outcome: outcome(r.outcome),
    errorCode: strOrNull(r.error_code, 'error_code'),
    latencyMs: num(r.latency_ms, 'latency_ms'),
    ttftMs: numOrNull(r.ttft_ms, 'ttft_ms'),
    inputTokens: numOrNull(r.input_tokens, 'input_tokens'),
    outputTokens: numOrNull(r.output_tokens, 'output_tokens'),
    costUsd: numOrNull(r.cost_usd, 'cost_usd'),
  };

  // Text fields appear only where they were stored, keeping rows small.
  if (promptText === null && completionText === null) return row;
  return { ...row, promptText, completionText };
}
