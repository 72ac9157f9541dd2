/**
 * `GET /v1/models` and the health routes. Health paths follow LiteLLM:
 * `/health/liveliness` (and `/health/liveness`), `/health/readiness`
 * (503 until ready and while draining), `/health` with a summary.
 */
import { DrainingError, NoHealthyDeploymentError } from '../../errors.js';
import type { RequestContext } from '../../request-context.js';
import { kVersion } from '../../version.js';
import { sendError, sendJson } from '../respond.js';
import type { Services } from '../services.js';
import type { HttpResponse } from '../uws.js';

/** OpenAI ListModelsResponse of the configured model names. */
export async function listModels(
  svc: Services,
  res: HttpResponse,
  ctx: RequestContext,
): Promise<void> {
  await svc.auth.authenticate(ctx.headers.authorization);
  const created = Math.floor(svc.state.startedAt / 1000);
  const data = [...svc.router.groups.keys()].map((id) => ({
    id,
    object: 'model',
    created,
    owned_by: 'routeiq',
  }));
  sendJson(res, ctx, 200, JSON.stringify({ object: 'list', data }));
}

/** Liveness: the event loop answers. */
export function liveliness(
  _svc: Services,
  res: HttpResponse,
  ctx: RequestContext,
) {
  sendJson(res, ctx, 200, '{"status":"healthy"}');
}

/** Readiness: started and not draining. */
export function readiness(
  svc: Services,
  res: HttpResponse,
  ctx: RequestContext,
) {
  const { ready, draining } = svc.state;
  if (!ready || draining)
    return sendError(
      res,
      ctx,
      draining ? new DrainingError() : new NoHealthyDeploymentError(),
    );
  // Degraded still serves (learned routers fall back), so still ready.
  const degraded = svc.degraded.some((check) => check());
  const status = degraded ? 'degraded' : 'ready';
  sendJson(res, ctx, 200, JSON.stringify({ status, version: kVersion }));
}

/** Summary: version, uptime, deployments and their state. */
export function health(svc: Services, res: HttpResponse, ctx: RequestContext) {
  const now = Date.now();
  const deployments = svc.router.deployments.map((d) => ({
    id: d.id,
    model_name: d.config.modelName,
    provider: d.config.provider,
    state: d.isHealthy(now) ? 'healthy' : 'cooldown',
    in_flight: d.inFlight,
  }));
  const extras: Record<string, unknown> = {};
  for (const fn of svc.healthExtras) Object.assign(extras, fn());
  const body = {
    status: svc.state.draining
      ? 'draining'
      : svc.state.ready
        ? 'healthy'
        : 'starting',
    version: kVersion,
    uptime_s: Math.round((now - svc.state.startedAt) / 1000),
    in_flight: svc.state.inFlight,
    deployments,
    ...extras,
  };
  sendJson(res, ctx, 200, JSON.stringify(body));
}
