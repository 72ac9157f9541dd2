/**
 * The routing module as the gateway wires it, without HTTP: a Router over
 * mock candidate groups, the learned routers of `routeiq_settings` started
 * by RouterRuntime (shipped artifacts, Piscina pool from dist/workers), and
 * a TraceObserver on in-memory tracing. `route` drives the observer hooks
 * around `Router.route` in the order forward.ts's `decide` does.
 */
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { loadConfig } from '../../../src/config/load.js';
import type { GatewayConfig } from '../../../src/config/types.js';
import type { Services } from '../../../src/http/services.js';
import { RouterRuntime } from '../../../src/inference/setup.js';
import {
  RequestContext,
  kNoRequestHeaders,
} from '../../../src/request-context.js';
import { Router } from '../../../src/routing/router.js';
import type { RoutingDecision } from '../../../src/routing/strategy.js';
import { configureLogging } from '../../../src/telemetry/logger.js';
import { GatewayMetrics } from '../../../src/telemetry/metrics.js';
import { CompositeObserver } from '../../../src/telemetry/observer.js';
import { TraceObserver } from '../../../src/telemetry/trace-observer.js';
import { MemoryTracing } from './memory-tracing.js';
import { readManifestFacts } from './reference-router.js';

// Quiet by default; ROUTEIQ_TEST_LOG=debug shows the routers' lines.
configureLogging({ level: process.env['ROUTEIQ_TEST_LOG'] ?? 'silent' });

/** The shipped candidates (knn-9 and mlp-9 share them), manifest order. */
export const kCandidates = readManifestFacts('models/knn-9').candidates;

/** What the `random` router draws from: a strict subset, on purpose. */
export const kRandomCandidates = kCandidates.slice(2, 5);
/** Where every router falls back to. */
export const kDefaultModel = 'gemma-2-9b-it';
/** The route the traced requests claim (names the request span). */
export const kRoute = '/v1/chat/completions';

// Router name, strategy and artifact folder ('' for none).
const kRouters: ReadonlyArray<readonly [string, string, string]> = [
  ['knn', 'knn', 'models/knn-9'],
  ['mlp', 'mlp', 'models/mlp-9'],
  ['random', 'random', ''],
  ['broken', 'knn', 'models/knn-9/no-such-artifact'],
];

function routerYaml([name, strategy, artifact]: (typeof kRouters)[number]) {
  const list = strategy === 'random' ? kRandomCandidates : kCandidates;
  const path = artifact === '' ? '' : `\n      artifact: ${artifact}`;
  return `    ${name}:
      strategy: ${strategy}${path}
      candidates: [${list.join(', ')}]
      default_model: ${kDefaultModel}
      task_timeout_ms: 30000
`;
}

function groupYaml(name: string, model: string): string {
  return `  - model_name: ${name}\n    litellm_params: { model: ${model} }\n`;
}

/** Mock candidate groups and a `router-<name>` group per router. */
export function harnessYaml(): string {
  const groups = [
    ...kCandidates.map((m) => groupYaml(m, `mock/${m}`)),
    ...kRouters.map(([r]) => groupYaml(`router-${r}`, `routeiq/${r}`)),
  ];
  return `model_list:
${groups.join('')}routeiq_settings:
  inference_threads: 1
  routers:
${kRouters.map(routerYaml).join('')}`;
}

/** One routed request: its decision, context and the spans of its trace. */
export interface TracedRoute {
  readonly decision: RoutingDecision;
  readonly ctx: RequestContext;
  readonly spans: readonly ReadableSpan[];
}

/** A started routing module with in-memory tracing. */
export interface RoutingHarness {
  readonly config: GatewayConfig;
  readonly router: Router;
  readonly tracing: MemoryTracing;
  /** Route `text` through group `group` as one traced request. */
  route(group: string, text: string, w: number | null): Promise<TracedRoute>;
  close(): Promise<void>;
}

// The Services that RouterRuntime reads: config, router and the lists.
function services(config: GatewayConfig, router: Router): Services {
  return {
    config,
    router,
    observer: new CompositeObserver(),
    state: { ready: true, draining: false, inFlight: 0, startedAt: 0 },
    auth: {
      required: false,
      authenticate: () => ({ keyId: 'anonymous', models: null }),
    },
    healthExtras: [],
    degraded: [],
    metricsText: null,
  };
}

// forward.ts's decide(), hook for hook, with the request span around it.
async function tracedRoute(
  svc: Services,
  tracing: MemoryTracing,
  ctx: RequestContext,
  req: { group: string; text: string; w: number | null },
): Promise<TracedRoute> {
  const group = svc.router.group(req.group);
  if (group === undefined) throw new Error(`no group ${req.group}`);
  svc.observer.onRequestStart(ctx);
  svc.observer.onRoutingStart(ctx);

  const t0 = performance.now();
  const decision = await svc.router.route(group, {
    text: req.text,
    costWeight: req.w,
    traceparent: ctx.routingTraceparent,
  });
  ctx.decision = decision;
  ctx.routingMs = performance.now() - t0;

  svc.observer.onRoutingEnd(ctx, null);
  svc.observer.onRequestEnd(ctx);
  return { decision, ctx, spans: tracing.spansOf(ctx.traceId ?? '') };
}

/** Start the routers of `harnessYaml()`; close() releases everything. */
export async function startRoutingHarness(): Promise<RoutingHarness> {
  const { config } = loadConfig({ path: null, text: harnessYaml(), env: {} });
  const router = new Router(config);
  const svc = services(config, router);
  const tracing = new MemoryTracing();
  svc.observer.add(new TraceObserver(tracing));

  // Worker spans are not under test: the runtime gets no tracing.
  const metrics = new GatewayMetrics({
    config,
    deployments: router.deployments,
    inFlight: () => 0,
  });
  const runtime = new RouterRuntime(svc, metrics, null);
  await runtime.start();

  let next = 0;
  const route = (group: string, text: string, w: number | null) => {
    const id = `req-${next++}`;
    const ctx = new RequestContext(id, 'post', kRoute, kNoRequestHeaders);
    return tracedRoute(svc, tracing, ctx, { group, text, w });
  };
  const close = async () => {
    await runtime.close();
    await router.close();
    await tracing.shutdown(1000);
  };
  return { config, router, tracing, route, close };
}
