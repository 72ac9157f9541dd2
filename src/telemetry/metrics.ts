/**
 * The gateway's metrics: one prom-client Registry per gateway with our
 * families and Node's process metrics, the pre-resolved cells the
 * request path writes, and the small API other components report
 * through (store counters, inference pool, span drops). Everything here
 * runs on the main thread; worker threads report through their task
 * results (metrics-worker.ts). docs/metrics.md lists every metric.
 */
import { Registry, collectDefaultMetrics } from 'prom-client';
import type { GatewayConfig } from '../config/types.js';
import type { PoolCounters } from '../inference/pool.js';
import type { Deployment } from '../routing/deployment.js';
import type { StoreCounters } from '../store/types.js';
import { getLogger } from './logger.js';
import { defineFamilies } from './metrics-definitions.js';
import type { Families } from './metrics-definitions.js';
import { DeploymentCells } from './metrics-deployments.js';
import { registerFamily } from './metrics-family.js';
import type { CounterCell, GaugeCell } from './metrics-family.js';
import { RequestCells } from './metrics-requests.js';
import { RoutingCells } from './metrics-routing.js';
import type { WorkerTaskReport } from './metrics-worker.js';

/** What the metrics read from the rest of the gateway. */
export interface MetricsSources {
  readonly config: GatewayConfig;
  readonly deployments: readonly Deployment[];
  /** Admitted inference requests now being served. */
  readonly inFlight: () => number;
}

/** Spans lost on the way to the collector (the tracer's counters). */
export interface SpanLosses {
  /** Dropped before the batch queue would overflow. */
  readonly dropped: number;
  /** Handed to an export that failed. */
  readonly exportFailed: number;
}

// prom-client's defaults include three gauges named *_total, which
// promtool's lint rejects (the suffix promises a counter). Each is the
// sum() of its per-type sibling, which stays.
const kLintFailingDefaults = [
  'nodejs_active_handles_total',
  'nodejs_active_requests_total',
  'nodejs_active_resources_total',
];

const log = getLogger('metrics');

/** Metrics of one gateway instance. */
export class GatewayMetrics {
  readonly registry = new Registry();
  readonly families: Families = defineFamilies();
  readonly requests: RequestCells;
  readonly routing: RoutingCells;
  readonly deployments: DeploymentCells;
  /** routeiq_active_streams: inc on stream open, dec on close. */
  readonly activeStreams: GaugeCell;
  /** routeiq_request_queue_depth (see docs/metrics.md for the window). */
  readonly queueDepth: GaugeCell;
  private readonly collectErrors: CounterCell;
  /** Scrape-time readers by source; all run before any family is read. */
  private readonly readers = new Map<string, () => void>();

  constructor(src: MetricsSources) {
    const f = this.families;
    const names = src.config.modelList.map((d) => d.modelName);
    this.requests = new RequestCells(f, names);
    this.routing = new RoutingCells(f, src.config);
    this.deployments = new DeploymentCells(f, src.deployments);
    this.activeStreams = f.activeStreams.child();
    this.queueDepth = f.queueDepth.child();
    this.collectErrors = f.collectErrors.child();

    const inFlight = f.inFlight.child();
    this.readers.set('in-flight', () => inFlight.set(src.inFlight()));
    this.readers.set('deployments', () => this.deployments.collect());
    for (const family of Object.values(f))
      registerFamily(this.registry, family);
    collectDefaultMetrics({ register: this.registry });
    for (const n of kLintFailingDefaults) this.registry.removeSingleMetric(n);
  }

  /** Prometheus text exposition of every metric. */
  text(): Promise<string> {
    for (const read of this.readers.values()) this.read(read);
    return this.registry.metrics();
  }

  /** Export the request log's counters, read at every scrape. */
  recordStoreCounters(getter: () => StoreCounters): void {
    const f = this.families;
    const written = f.logWritten.child();
    const dropped = f.logDropped.child();
    const queued = f.logQueued.child();
    this.readers.set('store', () => {
      const c = getter();
      written.value = c.written;
      dropped.value = c.dropped;
      queued.set(c.queued);
    });
  }

  /** Export the span pipeline's losses, read at every scrape. */
  recordSpanCounters(getter: () => SpanLosses): void {
    const f = this.families;
    const full = f.spansDropped.child('queue_full');
    const failed = f.spansDropped.child('export_failed');
    this.readers.set('spans', () => {
      const c = getter();
      full.value = c.dropped;
      failed.value = c.exportFailed;
    });
  }

  /** Export the inference pool's utilisation (0..1), read at scrape. */
  setPoolUtilisation(fn: () => number): void {
    const cell = this.families.poolUtilisation.child();
    this.readers.set('pool', () => cell.set(fn()));
  }

  /**
   * Export the inference pool's failure counters, read at every scrape
   * (null while no pool runs); one series per reason, so three in all.
   */
  recordWorkerFailures(getter: () => Readonly<PoolCounters> | null): void {
    const family = this.families.workerFailures;
    const error = family.child('error');
    const exit = family.child('exit');
    const hang = family.child('hang');
    this.readers.set('pool-failures', () => {
      const c = getter();
      if (c === null) return;
      error.value = c.workerErrors;
      exit.value = c.workerExits;
      hang.value = c.aborted;
    });
  }

  /** One batched `session.run` of `size` tasks (and its milliseconds). */
  recordInferenceBatch(size: number, runMs?: number): void {
    this.families.inferenceBatchSize.child().observe(size);
    if (runMs !== undefined) {
      this.families.inferenceSeconds.child('run').observe(runMs / 1000);
    }
  }

  /** Fold one worker task's figures in (called by the pool). */
  recordWorkerTask(report: WorkerTaskReport): void {
    const phase = this.families.inferenceSeconds;
    phase.child('featurize').observe(report.featurizeMs / 1000);
    if (report.batch !== null) {
      this.recordInferenceBatch(report.batch.size, report.batch.runMs);
    }
  }

  // A scrape-time reader that throws must not fail the scrape: the
  // metric keeps its last value, the failure is counted and logged.
  private read(fn: () => void): void {
    try {
      fn();
    } catch (err) {
      this.collectErrors.inc();
      if (this.collectErrors.value % 100 === 1) {
        log.warn({ err, errors: this.collectErrors.value }, 'collect failed');
      }
    }
  }
}
