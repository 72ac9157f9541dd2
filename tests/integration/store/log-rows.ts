/**
 * Request-log rows for store tests: every field set to a distinct,
 * checkable value, request ids unique per process.
 */
import { randomUUID } from 'node:crypto';
import type { RequestLogRow } from '../../../src/store/types.js';

let seq = 0;

/** A complete row; `over` replaces any field. */
export function makeRow(over: Partial<RequestLogRow> = {}): RequestLogRow {
  seq += 1;
  return {
    requestId: `req-${randomUUID()}`,
    traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
    parentSpanId: '00f067aa0ba902b7',
    traceFlags: 1,
    startedAt: 1_700_000_000_000 + seq,
    route: '/v1/chat/completions',
    keyId: 'vk_000000000001',
    requestedModel: 'gpt-4o-mini',
    modelGroup: 'gpt-4o-mini',
    deployment: 'openai/gpt-4o-mini',
    strategy: 'knn',
    routingScore: 0.8125,
    stream: true,
    status: 200,
    outcome: 'ok',
    errorCode: null,
    latencyMs: 123.5,
    ttftMs: 45.25,
    inputTokens: 12,
    outputTokens: 34,
    costUsd: 0.00125,
    ...over,
  };
}
