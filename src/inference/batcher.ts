/**
 * Micro-batching on the main thread: a request arriving while every
 * worker is busy waits, and everything waiting goes to the next free
 * worker as one task, so one `session.run` serves all of them. With a
 * worker free, a request is sent at once (batch of one, no added wait).
 * Invariants: `waiting` holds unsettled and timed-out entries in arrival
 * order; `inFlight` <= `maxInFlight`; each entry settles exactly once.
 */
import {
  InferenceQueueFullError,
  InferenceTimeoutError,
  toGatewayError,
} from '../errors.js';
import type { InferencePool } from './pool.js';
import type { InferenceResult, InferenceTimings } from './types.js';

/** One request's answer. */
export interface RowResult {
  /** Predicted quality per candidate, in manifest order (a copy). */
  readonly qualities: Float32Array;
  readonly batchSize: number;
  readonly timings: InferenceTimings;
  readonly threadId: number;
}

interface Entry {
  readonly text: string;
  readonly traceparent: string | null;
  readonly resolve: (r: RowResult) => void;
  readonly reject: (e: unknown) => void;
  timer: NodeJS.Timeout | null;
  settled: boolean;
}

/** Artifact identity shared by every entry of a batch. */
export interface ArtifactRef {
  readonly dir: string;
  readonly version: string;
}

/** Batch observer: sizes and worker spans for metrics and tracing. */
export type BatchListener = (result: InferenceResult, size: number) => void;

/** Batches requests for one router artifact. */
export class InferenceBatcher {
  private readonly pool: InferencePool;
  private readonly maxWaiting: number;
  private readonly maxBatch: number;
  private readonly maxInFlight: number;
  private waiting: Entry[] = [];
  private inFlight = 0;
  private scheduled = false;
  artifact: ArtifactRef;
  onBatch: BatchListener | null = null;

  constructor(
    pool: InferencePool,
    artifact: ArtifactRef,
    opts: { maxWaiting: number; maxBatch: number; maxInFlight: number },
  ) {
    this.pool = pool;
    this.artifact = artifact;
    this.maxWaiting = opts.maxWaiting;
    this.maxBatch = opts.maxBatch;
    this.maxInFlight = opts.maxInFlight;
  }

  /** Requests queued or being inferred right now. */
  get depth(): number {
    return this.waiting.length;
  }

  /** Predict qualities for `text`; rejects on queue full or timeout. */
  submit(
    text: string,
    traceparent: string | null,
    timeoutMs: number,
  ): Promise<RowResult> {
    if (this.waiting.length >= this.maxWaiting) {
      return Promise.reject(new InferenceQueueFullError());
    }
    return new Promise((resolve, reject) => {
      const e: Entry = {
        text,
        traceparent,
        resolve,
        reject,
        timer: null,
        settled: false,
      };
      e.timer = setTimeout(() => {
        e.settled = true;
        reject(new InferenceTimeoutError());
      }, timeoutMs);
      this.waiting.push(e);
      this.schedule();
    });
  }

  // Coalesce the arrivals of one tick before sending.
  private schedule(): void {
    if (this.scheduled || this.inFlight >= this.maxInFlight) return;
    this.scheduled = true;
    queueMicrotask(() => {
      this.scheduled = false;
      this.dispatch();
    });
  }

  private dispatch(): void {
    while (this.inFlight < this.maxInFlight && this.waiting.length > 0) {
      const batch = this.take();
      if (batch.length === 0) return;
      this.inFlight++;
      void this.send(batch).finally(() => {
        this.inFlight--;
        this.dispatch();
      });
    }
  }

  private take(): Entry[] {
    const live = this.waiting.filter((e) => !e.settled);
    const batch = live.slice(0, this.maxBatch);
    this.waiting = live.slice(batch.length);
    return batch;
  }

  private async send(batch: Entry[]): Promise<void> {
    let result: InferenceResult;
    try {
      result = await this.pool.run({
        artifactDir: this.artifact.dir,
        version: this.artifact.version,
        texts: batch.map((e) => e.text),
        traceparents: batch.map((e) => e.traceparent),
        sentAt: Date.now(),
      });
    } catch (err) {
      for (const e of batch) settle(e, null, toGatewayError(err));
      return;
    }
    this.onBatch?.(result, batch.length);
    if (!result.ok) {
      const err = { code: result.errorCode ?? 'GW_ERR_INFERENCE_FAILED' };
      for (const e of batch) settle(e, null, err);
      return;
    }
    const c = result.candidates;
    batch.forEach((e, i) => {
      settle(
        e,
        {
          qualities: result.qualities.slice(i * c, (i + 1) * c),
          batchSize: batch.length,
          timings: result.timings,
          threadId: result.threadId,
        },
        null,
      );
    });
  }
}

function settle(e: Entry, value: RowResult | null, err: unknown): void {
  if (e.timer !== null) clearTimeout(e.timer);
  if (e.settled) return;
  e.settled = true;
  if (value !== null) e.resolve(value);
  else e.reject(err);
}
