import t from 'tap';
import type { Test } from 'tap';
import { loadConfig } from '../../../src/config/load.js';
import {
  RequestContext,
  kNoRequestHeaders,
} from '../../../src/request-context.js';
import { Router } from '../../../src/routing/router.js';
import type { RoutingDecision } from '../../../src/routing/strategy.js';
import { GatewayMetrics } from '../../../src/telemetry/metrics.js';
import { MetricsObserver } from '../../../src/telemetry/metrics-observer.js';
import { parse, total } from './exposition.js';

// Routing failures and learned-router fallbacks cannot be provoked over
// HTTP until the inference pool exists, so these drive the observer with
// real request contexts, as src/http does.
const kYaml = `model_list:
  - model_name: smart
    litellm_params: { model: routeiq/smart }
  - model_name: small
    litellm_params: { model: mock/small }
routeiq_settings:
  routers:
    smart: { strategy: knn, default_model: small, candidates: [small] }
`;

function setup(t: Test) {
  const { config } = loadConfig({
    path: null,
    text: kYaml,
    port: 0,
    host: '127.0.0.1',
    env: {},
  });
  const router = new Router(config);
  t.teardown(() => router.close());
  const metrics = new GatewayMetrics({
    config,
    deployments: router.deployments,
    inFlight: () => 0,
  });
  return { router, metrics, observer: new MetricsObserver(metrics) };
}

function context(model: string): RequestContext {
  const ctx = new RequestContext(
    'r1',
    'post',
    '/v1/chat/completions',
    kNoRequestHeaders,
  );
  ctx.requestedModel = model;
  return ctx;
}

t.test(
  'a failed routing decision counts as error under its group strategy',
  async (t) => {
    const { metrics, observer } = setup(t);
    const ctx = context('smart');
    observer.onRoutingStart(ctx);
    t.equal(metrics.queueDepth.value, 1, 'waiting for routing');
    ctx.routingMs = 0.02;
    observer.onRoutingEnd(ctx, 'GW_ERR_NO_HEALTHY_DEPLOYMENT');
    t.equal(metrics.queueDepth.value, 0, 'released by the failure');
    ctx.status = 503;
    ctx.outcome = 'rejected';
    observer.onRequestEnd(ctx);
    const s = parse(await metrics.text());
    const err = { strategy: 'knn', outcome: 'error' };
    t.equal(total(s, 'routeiq_routing_latency_histogram_count', err), 1);
    t.equal(
      total(s, 'routeiq_routing_latency_histogram_bucket', {
        ...err,
        le: '0.000025',
      }),
      1,
    );
  },
);

t.test(
  'a fallback decision is observed and counted with its reason',
  async (t) => {
    const { router, metrics, observer } = setup(t);
    const small = router.deployments.find(
      (d) => d.config.modelName === 'small',
    );
    if (small === undefined) throw new Error('no small deployment');
    const ctx = context('smart');
    observer.onRoutingStart(ctx);
    const d: RoutingDecision = {
      deployment: small,
      strategy: 'knn',
      score: null,
      candidatesEvaluated: 1,
      strategyVersion: null,
      fallbackTriggered: true,
      decisionReason: 'inference_timeout',
      candidates: null,
      modelGroup: 'small',
    };
    ctx.decision = d;
    ctx.routingMs = 3;
    observer.onRoutingEnd(ctx, null);
    t.equal(
      metrics.queueDepth.value,
      1,
      'still waiting for the upstream attempt',
    );
    observer.onUpstreamStart(ctx);
    t.equal(metrics.queueDepth.value, 0, 'released when the attempt starts');
    const s = parse(await metrics.text());
    t.equal(
      total(s, 'routeiq_routing_latency_histogram_count', {
        strategy: 'knn',
        outcome: 'fallback',
      }),
      1,
    );
    t.equal(
      total(s, 'routeiq_router_fallbacks_total', {
        strategy: 'knn',
        reason: 'inference_timeout',
      }),
      1,
    );
  },
);

t.test('a request that ends while queued leaves the queue', async (t) => {
  const { metrics, observer } = setup(t);
  const ctx = context('small');
  observer.onRoutingStart(ctx);
  observer.onRoutingStart(ctx);
  t.equal(metrics.queueDepth.value, 1, 'counted once however often it routes');
  ctx.aborted = true;
  ctx.outcome = 'client_aborted';
  observer.onRequestEnd(ctx);
  observer.onRequestEnd(ctx);
  t.equal(metrics.queueDepth.value, 0, 'released exactly once');
});
