/**
 * Turns the request lifecycle (GatewayObserver hooks) into metrics. Every
 * hook writes pre-resolved cells: a Map lookup per model name at most,
 * never a label hash. The queue-depth window per request is tracked in a
 * WeakSet so every path out (routing error, abort, provider missing)
 * releases it exactly once.
 */
import type { RequestContext } from '../request-context.js';
import type { Deployment } from '../routing/deployment.js';
import type { GatewayMetrics } from './metrics.js';
import { isLlmRoute, statusClassIndex } from './metrics-labels.js';
import {
  kOutcomeError,
  kOutcomeFallback,
  kOutcomeOk,
} from './metrics-routing.js';
import type { AttemptResult, GatewayObserver } from './observer.js';

/** The metrics observer of one gateway. */
export class MetricsObserver implements GatewayObserver {
  /** Requests now inside the queue-depth window. */
  private readonly queued = new WeakSet<RequestContext>();

  constructor(private readonly m: GatewayMetrics) {}

  onRoutingStart(ctx: RequestContext): void {
    // A retry starts routing again: its last attempt may have cooled
    // the deployment down.
    this.m.deployments.noteCooldown(ctx.decision?.deployment);
    if (this.queued.has(ctx)) return;
    this.queued.add(ctx);
    this.m.queueDepth.inc();
  }

  onRoutingEnd(ctx: RequestContext, error: string | null): void {
    const routing = this.m.routing;
    const seconds = (ctx.routingMs ?? 0) / 1000;
    const d = error === null ? ctx.decision : null;
    if (d === null) {
      // No decision: the strategy is the one that serves the group.
      const s = routing.groupStrategyIndex(ctx.requestedModel);
      routing.observe(s, kOutcomeError, seconds);
      this.dequeue(ctx);
      return;
    }
    const s = routing.strategyIndex(d.strategy);
    routing.observe(
      s,
      d.fallbackTriggered ? kOutcomeFallback : kOutcomeOk,
      seconds,
    );
    if (d.fallbackTriggered) routing.countFallback(s, d.decisionReason);
  }

  onUpstreamStart(ctx: RequestContext): undefined {
    this.dequeue(ctx);
    return undefined;
  }

  onUpstreamEnd(ctx: RequestContext, dep: Deployment, r: AttemptResult) {
    if (r.status < 200 || r.status >= 300 || r.errorCode !== null) {
      this.m.deployments.noteFailure(dep, r.status);
      return;
    }
    const pair = this.m.requests.pair(ctx.requestedModel, dep.config.modelName);
    pair.apiLatency.observe(r.durationMs / 1000);
    if (!ctx.stream || r.ttftMs === null) return;
    // ttftMs counts from arrival; the attempt began durationMs ago.
    const startedMs = ctx.elapsedMs() - r.durationMs;
    pair.ttft.observe(Math.max(0, r.ttftMs - startedMs) / 1000);
  }

  onStreamOpen(): void {
    this.m.activeStreams.inc();
  }

  onStreamClose(): void {
    this.m.activeStreams.dec();
  }

  onRequestEnd(ctx: RequestContext): void {
    this.dequeue(ctx);
    this.m.deployments.noteCooldown(ctx.decision?.deployment);
    if (!isLlmRoute(ctx.route)) return;

    const requests = this.m.requests;
    const cls = statusClassIndex(ctx.status);
    requests.countRequest(ctx.requestedModel, cls);
    if (ctx.outcome !== 'ok') {
      requests.countFailure(
        ctx.requestedModel,
        cls,
        ctx.errorCode ?? ctx.outcome,
      );
    }
    if (ctx.modelGroup === null) return;

    const pair = requests.pair(ctx.requestedModel, ctx.modelGroup);
    if (ctx.outcome === 'ok')
      pair.requestLatency.observe(ctx.elapsedMs() / 1000);
    const input = ctx.usage.inputTokens ?? 0;
    const output = ctx.usage.outputTokens ?? 0;
    pair.inputTokens.inc(input);
    pair.outputTokens.inc(output);
    pair.totalTokens.inc(input + output);
  }

  private dequeue(ctx: RequestContext): void {
    if (this.queued.delete(ctx)) this.m.queueDepth.dec();
  }
}
