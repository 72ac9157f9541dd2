/**
 * The Piscina pool of inference workers. Per RELIABILITY.md's Piscina
 * rules: a bounded queue, workers kept alive while idle (their loaded
 * models with them), a hard abort only for a worker that hangs, and an
 * 'error' listener so a dying worker is counted, never fatal.
 */
import { Piscina } from 'piscina';
import { InferenceFailedError, InferenceQueueFullError } from '../errors.js';
import { getLogger } from '../telemetry/logger.js';
import { workerFile } from '../worker-path.js';
import type { InferenceResult, InferenceTask } from './types.js';

const log = getLogger('inference-pool');

/** Pool options. */
export interface InferencePoolOptions {
  readonly threads: number;
  /** Batches that may wait for a free worker. */
  readonly maxQueue: number;
  /** A batch running longer than this means a hung worker: abort it. */
  readonly hangTimeoutMs: number;
  /** The worker entry point; the compiled inference worker by default. */
  readonly filename?: string;
}

/** Counters of worker trouble, for metrics and /health. */
export interface PoolCounters {
  workerErrors: number;
  aborted: number;
}

/** The main-thread side of the inference workers. */
export class InferencePool {
  readonly counters: PoolCounters = { workerErrors: 0, aborted: 0 };
  private readonly pool: Piscina<InferenceTask, InferenceResult>;
  private readonly hangMs: number;

  constructor(opts: InferencePoolOptions) {
    this.hangMs = opts.hangTimeoutMs;
    this.pool = new Piscina({
      filename: opts.filename ?? workerFile('inference'),
      minThreads: opts.threads,
      maxThreads: opts.threads,
      // Idle workers keep their ONNX sessions: never reap them.
      idleTimeout: 2 ** 31 - 1,
      maxQueue: opts.maxQueue,
      concurrentTasksPerWorker: 1,
      // A hung worker must not hold shutdown for Piscina's default 30 s.
      closeTimeout: 1000,
    });
    this.pool.on('error', (err: unknown) => {
      this.counters.workerErrors++;
      log.error({ err, count: this.counters.workerErrors }, 'worker error');
    });
  }

  /** Run one batch; rejects with InferenceQueueFull/Failed errors. */
  async run(task: InferenceTask): Promise<InferenceResult> {
    if (this.pool.queueSize >= this.pool.options.maxQueue) {
      throw new InferenceQueueFullError();
    }
    try {
      return await this.pool.run(task, {
        signal: AbortSignal.timeout(this.hangMs),
      });
    } catch (err) {
      if ((err as { name?: string }).name === 'AbortError') {
        this.counters.aborted++;
      }
      throw new InferenceFailedError({ cause: err });
    }
  }

  /** Share of time workers were busy, 0..1. */
  get utilisation(): number {
    return this.pool.utilization;
  }

  get queueSize(): number {
    return this.pool.queueSize;
  }

  get threads(): number {
    return this.pool.threads.length;
  }

  async close(): Promise<void> {
    await this.pool.close({ force: true });
  }
}
