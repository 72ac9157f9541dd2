/**
 * The hooks through which metrics, tracing and the request log watch a
 * request. The HTTP layer calls them; none may throw into a request
 * (STYLE.md #9), so the composite catches and reports.
 */
import type { RequestContext } from '../request-context.js';
import type { Deployment } from '../routing/deployment.js';
import { getLogger } from './logger.js';

/** What an upstream attempt ended with. */
export interface AttemptResult {
  readonly status: number;
  readonly errorCode: string | null;
  readonly ttftMs: number | null;
  readonly durationMs: number;
}

/** Observer of the request lifecycle; every method is optional. */
export interface GatewayObserver {
  onRequestStart?(ctx: RequestContext): void;
  onRoutingStart?(ctx: RequestContext): void;
  onRoutingEnd?(ctx: RequestContext, error: string | null): void;
  /** Returns extra upstream headers (trace context) for this attempt. */
  onUpstreamStart?(
    ctx: RequestContext,
    dep: Deployment,
    attempt: number,
  ): Record<string, string> | undefined;
  onUpstreamEnd?(
    ctx: RequestContext,
    dep: Deployment,
    result: AttemptResult,
  ): void;
  onStreamOpen?(ctx: RequestContext): void;
  onStreamClose?(ctx: RequestContext): void;
  onRequestEnd?(ctx: RequestContext): void;
}

const log = getLogger('observer');
let failures = 0;

function guard(fn: () => void): void {
  try {
    fn();
  } catch (err) {
    // Count every failure, log the first and then every 1000th.
    if (failures++ % 1000 === 0)
      log.error({ err, failures }, 'observer failed');
  }
}

/** Fans every hook out to several observers, isolating their failures. */
export class CompositeObserver implements Required<GatewayObserver> {
  private readonly list: GatewayObserver[] = [];

  add(o: GatewayObserver): void {
    this.list.push(o);
  }

  onRequestStart(ctx: RequestContext): void {
    for (const o of this.list)
      if (o.onRequestStart) guard(() => o.onRequestStart?.(ctx));
  }
  onRoutingStart(ctx: RequestContext): void {
    for (const o of this.list)
      if (o.onRoutingStart) guard(() => o.onRoutingStart?.(ctx));
  }
  onRoutingEnd(ctx: RequestContext, error: string | null): void {
    for (const o of this.list)
      if (o.onRoutingEnd) guard(() => o.onRoutingEnd?.(ctx, error));
  }
  onUpstreamStart(ctx: RequestContext, dep: Deployment, attempt: number) {
    let headers: Record<string, string> | undefined;
    for (const o of this.list) {
      if (!o.onUpstreamStart) continue;
      guard(() => {
        const h = o.onUpstreamStart?.(ctx, dep, attempt);
        if (h !== undefined) headers = { ...headers, ...h };
      });
    }
    return headers;
  }
  onUpstreamEnd(ctx: RequestContext, dep: Deployment, r: AttemptResult): void {
    for (const o of this.list)
      if (o.onUpstreamEnd) guard(() => o.onUpstreamEnd?.(ctx, dep, r));
  }
  onStreamOpen(ctx: RequestContext): void {
    for (const o of this.list)
      if (o.onStreamOpen) guard(() => o.onStreamOpen?.(ctx));
  }
  onStreamClose(ctx: RequestContext): void {
    for (const o of this.list)
      if (o.onStreamClose) guard(() => o.onStreamClose?.(ctx));
  }
  onRequestEnd(ctx: RequestContext): void {
    for (const o of this.list)
      if (o.onRequestEnd) guard(() => o.onRequestEnd?.(ctx));
  }
}
