/**
 * The proxy path after the body is parsed: find the model group, route,
 * run attempts with retries inside a group, then its fallback groups, and
 * answer with the last failure when everything failed.
 */
import type { GatewayError } from '../errors.js';
import {
  ModelNotFoundError,
  NoHealthyDeploymentError,
  UpstreamRateLimitedError,
  toGatewayError,
} from '../errors.js';
import type { Operation } from '../providers/types.js';
import { isRetriable } from '../providers/upstream-errors.js';
import type { RequestContext } from '../request-context.js';
import type { Deployment, ModelGroup } from '../routing/deployment.js';
import type { RoutingDecision } from '../routing/strategy.js';
import { runAttempt } from './attempt.js';
import { promptText } from './request-schema.js';
import type { ParsedRequest } from './request-schema.js';
import { sendError } from './respond.js';
import type { HeaderList } from './respond.js';
import { RetryBudget, backoffMs } from './retry-policy.js';
import type { Services } from './services.js';
import type { HttpResponse } from './uws.js';

// One budget per gateway: two gateways in a process (tests, a library
// user) must not spend each other's retries.
const budgets = new WeakMap<Services, RetryBudget>();

function budgetOf(svc: Services): RetryBudget {
  let b = budgets.get(svc);
  if (b === undefined) {
    b = new RetryBudget();
    budgets.set(svc, b);
  }
  return b;
}

function decisionHeaders(d: RoutingDecision): HeaderList {
  const h: Array<[string, string]> = [
    ['x-routeiq-model', d.modelGroup],
    ['x-routeiq-strategy', d.strategy],
  ];
  if (d.score !== null) h.push(['x-routeiq-score', d.score.toFixed(6)]);
  if (d.strategyVersion !== null) {
    h.push(['x-routeiq-strategy-version', d.strategyVersion]);
  }
  if (d.fallbackTriggered) h.push(['x-routeiq-fallback', d.decisionReason]);
  return h;
}

function costWeight(raw: string): number | null {
  if (raw === '') return null;
  const n = Number(raw);
  return Number.isFinite(n) && n >= 0 ? n : null;
}

async function decide(
  svc: Services,
  ctx: RequestContext,
  group: ModelGroup,
  req: ParsedRequest,
  tried: ReadonlySet<Deployment>,
): Promise<RoutingDecision> {
  svc.observer.onRoutingStart(ctx);
  const t0 = performance.now();
  try {
    const text = group.routerName === null ? '' : promptText(req.body);
    const d = await svc.router.route(
      group,
      {
        text,
        costWeight: costWeight(ctx.headers.costWeight),
        traceparent: ctx.routingTraceparent,
      },
      tried,
    );
    ctx.decision = d;
    ctx.routingMs = performance.now() - t0;
    svc.observer.onRoutingEnd(ctx, null);
    return d;
  } catch (err) {
    ctx.routingMs = performance.now() - t0;
    svc.observer.onRoutingEnd(ctx, toGatewayError(err).code);
    throw err;
  }
}

/** Sleep before a retry; a client that leaves cuts the wait short. */
function wait(ctx: RequestContext, ms: number): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      if (ctx.onAbort === done) ctx.onAbort = null;
      resolve();
    };
    const timer = setTimeout(done, ms);
    ctx.onAbort = done;
  });
}

/** Route and forward `req`; always answers the client exactly once. */
export async function forward(
  svc: Services,
  res: HttpResponse,
  ctx: RequestContext,
  op: Operation,
  req: ParsedRequest,
): Promise<void> {
  const first = svc.router.group(req.model);
  if (first === undefined) throw new ModelNotFoundError({ param: 'model' });
  const budget = budgetOf(svc);
  budget.earn();
  const fallbacks = svc.router.fallbacksFor(first.name);
  const groups =
    fallbacks.length === 0 ? [first.name] : [first.name, ...fallbacks];
  const retries = svc.config.routerSettings.numRetries;
  const capMs = svc.config.routerSettings.retryAfterCapMs;
  // Built only on failure: an error's stack trace is not free.
  let last: GatewayError | null = null;
  let attempt = 0;

  for (const name of groups) {
    const group = svc.router.group(name);
    if (group === undefined) continue;
    const tried = new Set<Deployment>();
    for (let i = 0; i <= retries; i++) {
      if (ctx.aborted) return;
      // Retries past the first attempt of the request spend the budget.
      if (attempt > 0 && !budget.spend()) break;
      const d = await decide(svc, ctx, group, req, tried);
      // A learned router may have awaited its worker meanwhile.
      if (ctx.aborted) return;
      ctx.modelGroup = d.modelGroup;
      tried.add(d.deployment);
      ctx.attempts = ++attempt;
      const out = await runAttempt({
        svc,
        res,
        ctx,
        op,
        req,
        dep: d.deployment,
        attempt,
        headers: decisionHeaders(d),
      });
      if (out.kind === 'done') {
        if (ctx.outcome === 'ok')
          svc.router.recordSuccess(d.deployment, ctx.upstreamMs ?? 0);
        return;
      }
      last = out.error;
      svc.router.recordFailure(d.deployment);
      // An auth failure or a malformed answer repeats on the same node:
      // try the group's other deployments, never the same one again.
      if (!isRetriable(out.error) && tried.size >= group.deployments.length)
        break;
      const after = out.retryAfterMs;
      // A retry-after longer than the cap is not worth waiting for here.
      if (after !== null && after > capMs) {
        if (out.error instanceof UpstreamRateLimitedError) {
          last = new UpstreamRateLimitedError({
            retryAfter: Math.ceil(after / 1000),
          });
        }
        break;
      }
      await wait(ctx, after ?? backoffMs(i));
    }
  }
  last ??= new NoHealthyDeploymentError();
  ctx.outcome = last.statusCode === 504 ? 'upstream_timeout' : 'upstream_error';
  sendError(res, ctx, last);
}
