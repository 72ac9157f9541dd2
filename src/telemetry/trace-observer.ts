/**
 * Spans of one request: a SERVER span for the route (parent from the
 * caller's W3C headers), a routing span with the `router.*` attributes,
 * and a CLIENT span per upstream attempt with GenAI attributes whose own
 * context is what the upstream receives (DESIGN.md, trace context).
 */
import {
  SpanKind,
  SpanStatusCode,
  trace,
  type Context,
  type Span,
} from '@opentelemetry/api';
import type { RequestContext } from '../request-context.js';
import type { Deployment } from '../routing/deployment.js';
import type { AttemptResult, GatewayObserver } from './observer.js';
import { traceparentOf } from './tracing.js';
import type { Tracing } from './tracing.js';

/** Per-request tracing state kept in `ctx.trace`. */
interface RequestSpans {
  readonly server: Span;
  readonly serverCtx: Context;
  routing: Span | null;
  client: Span | null;
}

function operationOf(route: string): string {
  if (route.endsWith('chat/completions')) return 'chat';
  if (route.endsWith('embeddings')) return 'embeddings';
  return 'text_completion';
}

function spansOf(ctx: RequestContext): RequestSpans | null {
  return ctx.trace as RequestSpans | null;
}

/** The observer that turns request lifecycles into spans. */
export class TraceObserver implements GatewayObserver {
  private readonly tracing: Tracing;

  constructor(tracing: Tracing) {
    this.tracing = tracing;
  }

  onRequestStart(ctx: RequestContext): void {
    const h = ctx.headers;
    const carrier: Record<string, string> = {};
    if (h.traceparent !== '') carrier['traceparent'] = h.traceparent;
    if (h.tracestate !== '') carrier['tracestate'] = h.tracestate;
    if (h.baggage !== '') carrier['baggage'] = h.baggage;
    const parent = this.tracing.extract(carrier);
    const server = this.tracing.tracer.startSpan(
      `${ctx.method.toUpperCase()} ${ctx.route}`,
      {
        kind: SpanKind.SERVER,
        attributes: {
          'http.request.method': ctx.method.toUpperCase(),
          'http.route': ctx.route,
          'url.path': ctx.route,
          'routeiq.request_id': ctx.id,
        },
      },
      parent,
    );
    const sc = server.spanContext();
    ctx.traceId = sc.traceId;
    ctx.spanId = sc.spanId;
    ctx.traceFlags = sc.traceFlags;
    ctx.trace = {
      server,
      serverCtx: trace.setSpan(parent, server),
      routing: null,
      client: null,
    } satisfies RequestSpans;
  }

  onRoutingStart(ctx: RequestContext): void {
    const spans = spansOf(ctx);
    if (spans === null) return;
    spans.routing?.end();
    spans.routing = this.tracing.tracer.startSpan(
      'router.route',
      { kind: SpanKind.INTERNAL },
      spans.serverCtx,
    );
    const routingCtx = trace.setSpan(spans.serverCtx, spans.routing);
    ctx.routingTraceparent = traceparentOf(routingCtx);
  }

  onRoutingEnd(ctx: RequestContext, error: string | null): void {
    const spans = spansOf(ctx);
    const span = spans?.routing;
    if (spans === null || span === null || span === undefined) return;
    spans.routing = null;
    const d = ctx.decision;
    if (error !== null || d === null) {
      span.setStatus({ code: SpanStatusCode.ERROR, message: error ?? '' });
      span.end();
      return;
    }
    span.setAttribute('router.strategy', d.strategy);
    span.setAttribute('router.model_selected', d.modelGroup);
    span.setAttribute('router.candidates_evaluated', d.candidatesEvaluated);
    if (d.score !== null) span.setAttribute('router.score', d.score);
    if (d.strategyVersion !== null) {
      span.setAttribute('router.strategy_version', d.strategyVersion);
    }
    span.setAttribute('router.latency_ms', ctx.routingMs ?? 0);
    span.setAttribute('router.fallback_triggered', d.fallbackTriggered);
    span.setAttribute('router.decision_reason', d.decisionReason);
    span.setAttribute('routeiq.deployment.id', d.deployment.id);
    span.end();
  }

  onUpstreamStart(
    ctx: RequestContext,
    dep: Deployment,
    attempt: number,
  ): Record<string, string> | undefined {
    const spans = spansOf(ctx);
    if (spans === null) return undefined;
    const op = operationOf(ctx.route);
    const c = dep.config;
    const client = this.tracing.tracer.startSpan(
      `${op} ${c.upstreamModel}`,
      {
        kind: SpanKind.CLIENT,
        attributes: {
          'gen_ai.operation.name': op,
          'gen_ai.provider.name': c.provider,
          'gen_ai.request.model': c.upstreamModel,
          'routeiq.deployment.id': c.id,
          'routeiq.attempt': attempt,
        },
      },
      spans.serverCtx,
    );
    if (dep.provider?.address) {
      client.setAttribute('server.address', dep.provider.address);
    }
    if (dep.provider?.port)
      client.setAttribute('server.port', dep.provider.port);
    spans.client = client;
    return this.tracing.inject(trace.setSpan(spans.serverCtx, client));
  }

  onUpstreamEnd(
    ctx: RequestContext,
    dep: Deployment,
    result: AttemptResult,
  ): void {
    const spans = spansOf(ctx);
    const span = spans?.client;
    if (spans === null || span === null || span === undefined) return;
    spans.client = null;
    span.setAttribute('gen_ai.response.model', dep.config.upstreamModel);
    if (ctx.usage.inputTokens !== null) {
      span.setAttribute('gen_ai.usage.input_tokens', ctx.usage.inputTokens);
    }
    if (ctx.usage.outputTokens !== null) {
      span.setAttribute('gen_ai.usage.output_tokens', ctx.usage.outputTokens);
    }
    if (ctx.stream && result.ttftMs !== null) {
      span.setAttribute('routeiq.time_to_first_chunk_ms', result.ttftMs);
    }
    if (result.status > 0) {
      span.setAttribute('http.response.status_code', result.status);
    }
    if (result.errorCode !== null) {
      span.setAttribute('error.type', result.errorCode);
      span.setStatus({ code: SpanStatusCode.ERROR });
    }
    span.end();
  }

  onRequestEnd(ctx: RequestContext): void {
    const spans = spansOf(ctx);
    if (spans === null) return;
    spans.routing?.end();
    spans.client?.end();
    const s = spans.server;
    s.setAttribute('http.response.status_code', ctx.status);
    s.setAttribute('routeiq.outcome', ctx.outcome);
    if (ctx.modelGroup !== null)
      s.setAttribute('routeiq.model_group', ctx.modelGroup);
    if (ctx.keyId !== null) s.setAttribute('routeiq.key_id', ctx.keyId);
    if (ctx.errorCode !== null) s.setAttribute('error.type', ctx.errorCode);
    if (ctx.status >= 500 || ctx.outcome === 'mid_stream_error') {
      s.setStatus({ code: SpanStatusCode.ERROR });
    }
    s.end();
  }
}
