/**
 * `POST /v1/route`: the full routing decision for a chat request, as
 * JSON, without calling any upstream (a dry run). `POST /router/reload`:
 * reload learned-router artifacts (master key only); a bad artifact is
 * refused and the old one kept.
 */
import { bearerToken } from '../../auth/master-key.js';
import type { MasterKeyAuth } from '../../auth/master-key.js';
import { InvalidApiKeyError, ModelNotFoundError } from '../../errors.js';
import type { RequestContext } from '../../request-context.js';
import type { RouterRuntime } from '../../inference/setup.js';
import { readBody } from '../body.js';
import type { ExtraRoute } from '../app.js';
import { parseRequest, promptText } from '../request-schema.js';
import { sendJson } from '../respond.js';
import type { Services } from '../services.js';
import type { HttpResponse } from '../uws.js';

function costWeight(raw: string): number | null {
  const n = raw === '' ? NaN : Number(raw);
  return Number.isFinite(n) && n >= 0 ? n : null;
}

async function dryRun(svc: Services, res: HttpResponse, ctx: RequestContext) {
  // Read before auth may wait: uWS drops chunks with no onData handler.
  const body = readBody(res, ctx, svc.config.routeiq.maxBodyBytes);
  body.catch(() => undefined);
  await svc.auth.authenticate(ctx.headers.authorization);
  const raw = await body;
  const req = parseRequest(raw, 'chat');
  const group = svc.router.group(req.model);
  if (group === undefined) throw new ModelNotFoundError({ param: 'model' });
  svc.observer.onRoutingStart(ctx);
  const t0 = performance.now();
  const d = await svc.router.route(group, {
    text: group.routerName === null ? '' : promptText(req.body),
    costWeight: costWeight(ctx.headers.costWeight),
    traceparent: ctx.routingTraceparent,
  });
  ctx.routingMs = performance.now() - t0;
  ctx.decision = d;
  ctx.modelGroup = d.modelGroup;
  svc.observer.onRoutingEnd(ctx, null);
  sendJson(
    res,
    ctx,
    200,
    JSON.stringify({
      model: req.model,
      strategy: d.strategy,
      model_selected: d.modelGroup,
      deployment: d.deployment.id,
      score: d.score,
      candidates_evaluated: d.candidatesEvaluated,
      strategy_version: d.strategyVersion,
      fallback_triggered: d.fallbackTriggered,
      decision_reason: d.decisionReason,
      latency_ms: ctx.routingMs,
      candidates: d.candidates,
    }),
  );
}

/** The dry-run and reload routes. */
export function routerRoutes(
  runtime: RouterRuntime,
  auth: MasterKeyAuth,
): ExtraRoute[] {
  const reload = async (
    _svc: Services,
    res: HttpResponse,
    ctx: RequestContext,
  ) => {
    // Reload is an operator action: the master key, nothing less.
    if (!auth.isMaster(bearerToken(ctx.headers.authorization))) {
      throw new InvalidApiKeyError();
    }
    const routers = await runtime.reload();
    const ok = routers.every((r) => r.ok);
    sendJson(res, ctx, ok ? 200 : 422, JSON.stringify({ ok, routers }));
  };
  return [
    { method: 'post', path: '/v1/route', body: dryRun },
    { method: 'post', path: '/router/reload', body: reload },
  ];
}
