/**
 * Starts the learned routers of `routeiq_settings.routers`: validates
 * each artifact on the main thread, shares one inference pool between
 * them, installs their strategies, and reloads them on demand. A router
 * whose artifact is missing or corrupt is degraded, not fatal: it serves
 * its default model and says so in /health (RELIABILITY.md row 7).
 */
import { isAbsolute, resolve } from 'node:path';
import type { LearnedRouterConfig } from '../config/types.js';
import { ConfigInvalidError, RouterModelInvalidError } from '../errors.js';
import type { Services } from '../http/services.js';
import { LearnedStrategy } from '../routing/learned-strategy.js';
import type { LearnedRouterState } from '../routing/learned-strategy.js';
import { getLogger } from '../telemetry/logger.js';
import type { GatewayMetrics } from '../telemetry/metrics.js';
import type { Tracing } from '../telemetry/tracing.js';
import { kProjectRoot } from '../worker-path.js';
import {
  removeSnapshot,
  snapshotArtifact,
  validateArtifact,
} from './artifact.js';
import { InferenceBatcher } from './batcher.js';
import { InferencePool } from './pool.js';

const log = getLogger('routers');
const kMaxBatch = 64;

/** The learned routers of a gateway. */
export class RouterRuntime {
  readonly states: LearnedRouterState[] = [];
  pool: InferencePool | null = null;
  private readonly snapshots = new Set<string>();
  private readonly svc: Services;
  private readonly metrics: GatewayMetrics;
  private readonly tracing: Tracing | null;

  constructor(svc: Services, metrics: GatewayMetrics, tracing: Tracing | null) {
    this.svc = svc;
    this.metrics = metrics;
    this.tracing = tracing;
  }

  /** Validate config, load artifacts and register every strategy. */
  async start(): Promise<void> {
    const rq = this.svc.config.routeiq;
    for (const cfg of rq.routers) {
      checkNames(this.svc, cfg);
      const state: LearnedRouterState = {
        config: cfg,
        model: null,
        batcher: null,
        degradedReason: null,
      };
      this.states.push(state);
      if (cfg.strategy !== 'random') await this.load(state);
      const strategy = new LearnedStrategy(this.svc.router, state);
      this.svc.router.registerLearned(cfg.name, strategy);
    }
    this.svc.healthExtras.push(() => ({ routers: this.health() }));
    this.svc.degraded.push(() => this.degraded);
  }

  /** Load (or reload) one router's artifact; the old one stays on error. */
  private async load(state: LearnedRouterState): Promise<boolean> {
    const dir = artifactDir(state.config);
    let snapshot: string | null = null;
    try {
      // Workers load what was validated: a private copy that later edits
      // of models/ cannot change under them (they load lazily, restart).
      snapshot = await snapshotArtifact(dir);
      const view = validateArtifact(
        snapshot,
        (n) => this.svc.router.group(n) !== undefined,
      );
      const ref = { dir: snapshot, version: view.version };
      // Workers load the new version before any request is sent to it,
      // so neither start-up nor a reload makes requests wait or fall back.
      await this.warm(ref);
      state.model = view;
      state.degradedReason = null;
      const old = state.batcher?.artifact.dir ?? null;
      if (state.batcher === null) state.batcher = this.newBatcher(ref);
      else state.batcher.artifact = ref;
      this.snapshots.add(snapshot);
      // Tasks queued before the swap may still read the old copy.
      if (old !== null) this.retire(old);
      log.info(
        { router: state.config.name, version: view.version },
        'router loaded',
      );
      return true;
    } catch (err) {
      // One line per load attempt; a router never enters a retry loop.
      log.error(
        { err, router: state.config.name, dir },
        'router model invalid',
      );
      if (state.model === null) state.degradedReason = 'model_invalid';
      if (snapshot !== null) void removeSnapshot(snapshot);
      return false;
    }
  }

  private newBatcher(ref: { dir: string; version: string }): InferenceBatcher {
    const rq = this.svc.config.routeiq;
    this.pool ??= this.startPool();
    const batcher = new InferenceBatcher(this.pool, ref, {
      maxWaiting: rq.inferenceMaxQueue,
      maxBatch: kMaxBatch,
      maxInFlight: rq.inferenceThreads,
    });
    batcher.onBatch = (result, size) => {
      const t = result.timings;
      this.metrics.recordWorkerTask({
        featurizeMs: t.featurizeMs,
        batch: result.ok ? { size, runMs: t.inferMs } : null,
      });
      this.tracing?.exportWorkerSpans(result.spans);
    };
    return batcher;
  }

  private startPool(): InferencePool {
    const rq = this.svc.config.routeiq;
    const pool = new InferencePool({
      threads: rq.inferenceThreads,
      maxQueue: Math.max(4, rq.inferenceThreads * 4),
      hangTimeoutMs: 5_000,
    });
    this.metrics.setPoolUtilisation(() => pool.utilisation);
    // Read through the runtime: the pool that serves the routers counts.
    this.metrics.recordWorkerFailures(() => this.pool?.counters ?? null);
    return pool;
  }

  /** Reload every learned router; answers which succeeded. */
  async reload(): Promise<
    Array<{ router: string; ok: boolean; version: string | null }>
  > {
    const out = [];
    for (const s of this.states) {
      if (s.config.strategy === 'random') continue;
      const ok = await this.load(s);
      out.push({
        router: s.config.name,
        ok,
        version: s.model?.version ?? null,
      });
    }
    return out;
  }

  /** Router states for /health. */
  health(): unknown[] {
    return this.states.map((s) => ({
      name: s.config.name,
      strategy: s.config.strategy,
      version: s.model?.version ?? null,
      state: s.degradedReason === null ? 'ready' : 'degraded',
      reason: s.degradedReason,
      queue_depth: s.batcher?.depth ?? 0,
    }));
  }

  /** True when any learned router serves only its fallback. */
  get degraded(): boolean {
    return this.states.some((s) => s.degradedReason !== null);
  }

  private async warm(ref: { dir: string; version: string }): Promise<void> {
    this.pool ??= this.startPool();
    const pool = this.pool;
    const task = () =>
      pool.run({
        artifactDir: ref.dir,
        version: ref.version,
        texts: [''],
        traceparents: [null],
        sentAt: Date.now(),
      });
    const results = await Promise.all(
      Array.from({ length: this.svc.config.routeiq.inferenceThreads }, task),
    );
    // The graph must load, run, and give one quality per candidate.
    const failed = results.find(
      (r) => !r.ok || r.qualities.length !== r.candidates,
    );
    if (failed !== undefined) {
      const reason = failed.ok ? 'output width' : failed.errorCode;
      throw new RouterModelInvalidError({
        details: { dir: ref.dir, reason: reason ?? 'warm-up' },
      });
    }
  }

  private retire(dir: string): void {
    const timer = setTimeout(() => {
      this.snapshots.delete(dir);
      void removeSnapshot(dir);
    }, 60_000);
    timer.unref();
  }

  async close(): Promise<void> {
    await this.pool?.close();
    await Promise.all([...this.snapshots].map((d) => removeSnapshot(d)));
  }
}

function artifactDir(cfg: LearnedRouterConfig): string {
  return isAbsolute(cfg.artifact)
    ? cfg.artifact
    : resolve(kProjectRoot, cfg.artifact);
}

// A router naming a model the config does not have is a start-up error.
function checkNames(svc: Services, cfg: LearnedRouterConfig): void {
  const path = `routeiq_settings.routers.${cfg.name}`;
  const missing = [cfg.defaultModel, ...cfg.candidates].find(
    (n) => svc.router.group(n) === undefined,
  );
  if (missing !== undefined) {
    throw new ConfigInvalidError({
      details: { path, reason: `model "${missing}" is not in model_list` },
    });
  }
  if (!['knn', 'mlp', 'random'].includes(cfg.strategy)) {
    throw new ConfigInvalidError({
      details: {
        path: `${path}.strategy`,
        reason: 'must be knn, mlp or random',
      },
    });
  }
}
