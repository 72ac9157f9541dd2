/**
 * Turns each finished proxy request into one request-log row. Requests
 * refused by admission control (overloaded, draining) never reach the
 * database; everything else admitted does, whatever its outcome.
 */
import type { RequestContext } from '../request-context.js';
import type { RequestLogRow, Store } from '../store/types.js';
import type { GatewayObserver } from './observer.js';

const kAdmissionCodes: ReadonlySet<string> = new Set([
  'GW_ERR_OVERLOADED',
  'GW_ERR_DRAINING',
]);

function isProxyRoute(route: string): boolean {
  return route.endsWith('/completions') || route.endsWith('/embeddings');
}

function cost(ctx: RequestContext): number | null {
  const info = ctx.decision?.deployment.config.modelInfo;
  const { inputTokens, outputTokens } = ctx.usage;
  if (info === undefined || (inputTokens === null && outputTokens === null)) {
    return null;
  }
  return (
    (inputTokens ?? 0) * info.inputCostPerToken +
    (outputTokens ?? 0) * info.outputCostPerToken
  );
}

/** Build the row for a finished request. */
export function toRow(ctx: RequestContext, logText: boolean): RequestLogRow {
  const d = ctx.decision;
  return {
    requestId: ctx.id,
    traceId: ctx.traceId,
    parentSpanId: ctx.spanId,
    traceFlags: ctx.traceFlags,
    startedAt: ctx.startedAt,
    route: ctx.route,
    keyId: ctx.keyId,
    requestedModel: ctx.requestedModel,
    modelGroup: ctx.modelGroup,
    deployment: d?.deployment.id ?? null,
    strategy: d?.strategy ?? null,
    routingScore: d?.score ?? null,
    stream: ctx.stream,
    status: ctx.status,
    outcome: ctx.outcome,
    errorCode: ctx.errorCode,
    latencyMs: ctx.elapsedMs(),
    ttftMs: ctx.ttftMs,
    inputTokens: ctx.usage.inputTokens,
    outputTokens: ctx.usage.outputTokens,
    costUsd: cost(ctx),
    promptText: logText ? ctx.promptText : null,
  };
}

/** Enqueues a row per admitted proxy request. */
export class RequestLogObserver implements GatewayObserver {
  private readonly store: Store;
  private readonly logText: boolean;

  constructor(store: Store, logText: boolean) {
    this.store = store;
    this.logText = logText;
  }

  onRequestEnd(ctx: RequestContext): void {
    if (!isProxyRoute(ctx.route)) return;
    if (ctx.errorCode !== null && kAdmissionCodes.has(ctx.errorCode)) return;
    this.store.enqueue(toRow(ctx, this.logText));
  }
}
