/**
 * The composition root: builds router, observers and the HTTP front end
 * from a resolved config, and owns the order of shutdown.
 */
import type { GatewayConfig } from './config/types.js';
import { MasterKeyAuth } from './auth/master-key.js';
import { buildApp, buildMetricsApp, listen } from './http/app.js';
import type { ExtraRoute, HttpServer } from './http/app.js';
import type { GatewayState, Services } from './http/services.js';
import { routerRoutes } from './http/routes/router-admin.js';
import { RouterRuntime } from './inference/setup.js';
import { Router } from './routing/router.js';
import { setupStore } from './store-setup.js';
import { getLogger } from './telemetry/logger.js';
import { GatewayMetrics } from './telemetry/metrics.js';
import { MetricsObserver } from './telemetry/metrics-observer.js';
import { CompositeObserver } from './telemetry/observer.js';
import { TraceObserver } from './telemetry/trace-observer.js';
import { Tracing } from './telemetry/tracing.js';

const log = getLogger('gateway');

/** A running gateway. */
export interface Gateway {
  readonly port: number;
  readonly metricsPort: number | null;
  readonly services: Services;
  /** Learned routers; `reload()` re-reads their artifacts. */
  readonly routers: RouterRuntime;
  /** The tracing pipeline, or null when tracing is off. */
  readonly tracing: Tracing | null;
  /** The metrics registry; components report their figures to it. */
  readonly metrics: GatewayMetrics;
  /** Drain in-flight requests (up to the deadline), then release all. */
  close(): Promise<void>;
}

/** Something started with the gateway and stopped, in reverse, with it. */
export interface Component {
  readonly name: string;
  close(): Promise<void>;
}

function isLoopback(host: string): boolean {
  return host === '127.0.0.1' || host === '::1' || host === 'localhost';
}

/** Start a gateway for `config`. */
export async function startGateway(config: GatewayConfig): Promise<Gateway> {
  const rq = config.routeiq;
  const auth = new MasterKeyAuth(config.generalSettings.masterKey);
  // Beyond loopback, an open gateway would spend anyone's provider keys.
  if (!auth.required && !isLoopback(rq.host)) {
    throw new Error('general_settings.master_key is required off loopback');
  }
  const state: GatewayState = {
    ready: false,
    draining: false,
    inFlight: 0,
    startedAt: Date.now(),
  };
  const router = new Router(config);
  const services: Services = {
    config,
    router,
    observer: new CompositeObserver(),
    state,
    auth,
    healthExtras: [],
    degraded: [],
    metricsText: null,
  };
  const components: Component[] = [];
  const extra: ExtraRoute[] = [];
  const tracing = setupTracing(services, components);
  const metrics = setupMetrics(services, tracing);
  const { store } = await setupStore({
    svc: services,
    auth,
    tracing,
    components,
    extra,
  });
  metrics.recordStoreCounters(() => store.counters());
  const routers = new RouterRuntime(services, metrics, tracing);
  await routers.start();
  components.push({ name: 'routers', close: () => routers.close() });
  extra.push(...routerRoutes(routers, auth));

  const server = await listen(buildApp(services, extra), rq.host, rq.port);
  let metricsServer: HttpServer | null = null;
  if (rq.metrics.port !== null) {
    const app = buildMetricsApp(services);
    metricsServer = await listen(app, '127.0.0.1', rq.metrics.port);
  }
  state.ready = true;
  log.info({ host: rq.host, port: server.port }, 'listening');

  let closing: Promise<void> | null = null;
  const close = () => {
    closing ??= shutdown(services, server, metricsServer, components);
    return closing;
  };
  return {
    port: server.port,
    metricsPort: metricsServer?.port ?? null,
    services,
    tracing,
    metrics,
    routers,
    close,
  };
}

/** Tracing is off unless an exporter is configured (OTEL_* variables). */
function setupTracing(svc: Services, components: Component[]) {
  if (svc.config.tracing.exporter === 'none') return null;
  const tracing = new Tracing(svc.config.tracing);
  svc.observer.add(new TraceObserver(tracing));
  components.push({ name: 'tracing', close: () => tracing.shutdown(5000) });
  return tracing;
}

/** Metrics: the observer, `/metrics` text, and scrape-time readers. */
function setupMetrics(svc: Services, tracing: Tracing | null) {
  const metrics = new GatewayMetrics({
    config: svc.config,
    deployments: svc.router.deployments,
    inFlight: () => svc.state.inFlight,
  });
  svc.observer.add(new MetricsObserver(metrics));
  svc.metricsText = () => metrics.text();
  if (tracing !== null) metrics.recordSpanCounters(() => tracing.counters);
  return metrics;
}

async function waitForIdle(state: GatewayState, deadlineMs: number) {
  const until = Date.now() + deadlineMs;
  while (state.inFlight > 0 && Date.now() < until) {
    await new Promise((r) => setTimeout(r, 20));
  }
}

async function shutdown(
  svc: Services,
  server: HttpServer,
  metricsServer: HttpServer | null,
  components: readonly Component[],
): Promise<void> {
  const state = svc.state;
  state.draining = true;
  server.stopListening();
  log.info({ in_flight: state.inFlight }, 'draining');
  await waitForIdle(state, svc.config.routeiq.drainTimeoutMs);
  if (state.inFlight > 0) {
    log.warn({ in_flight: state.inFlight }, 'drain deadline passed');
  }
  // Past the drain, nothing more is served: kept-alive connections and
  // streams still open are closed (their requests log client_aborted).
  server.closeConnections();
  // The requests just cut finish their bookkeeping (log row, spans) in a
  // few ticks; the store and exporter close only after that.
  await waitForIdle(state, 1000);
  await svc.router.close();
  for (const c of [...components].reverse()) {
    try {
      await c.close();
    } catch (err) {
      log.error({ err, component: c.name }, 'close failed');
    }
  }
  metricsServer?.stopListening();
  metricsServer?.closeConnections();
  log.info('stopped');
}
