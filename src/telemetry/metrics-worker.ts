/**
 * The figures an inference worker hands back with each task result.
 * Worker threads have no registry of their own (prom-client's aggregator
 * covers cluster processes, not threads), so workers measure and return
 * plain numbers; the pool, on the main thread, passes them to
 * `GatewayMetrics.recordWorkerTask`. Type-only for workers: importing it
 * pulls in no runtime code.
 */

/** One batched `session.run`, reported by the task that ran it. */
export interface WorkerBatchReport {
  /** Tasks served by the run (1 when nothing else was waiting). */
  readonly size: number;
  /** Milliseconds inside `session.run`. */
  readonly runMs: number;
}

/** Metrics part of a worker's task result. */
export interface WorkerTaskReport {
  /** Milliseconds spent featurizing this task's text. */
  readonly featurizeMs: number;
  /**
   * Set on exactly one task per `session.run` (the one whose call ran
   * it), null on the others, so each batch is counted once.
   */
  readonly batch: WorkerBatchReport | null;
}

function finiteNonNegative(v: unknown): v is number {
  return typeof v === 'number' && Number.isFinite(v) && v >= 0;
}

/** Narrow a report that crossed a thread boundary; null if malformed. */
export function readWorkerReport(raw: unknown): WorkerTaskReport | null {
  if (typeof raw !== 'object' || raw === null) return null;
  const r = raw as Record<string, unknown>;
  if (!finiteNonNegative(r['featurizeMs'])) return null;
  const b = r['batch'];
  if (b === null || b === undefined) {
    return { featurizeMs: r['featurizeMs'], batch: null };
  }
  if (typeof b !== 'object') return null;
  const size = (b as Record<string, unknown>)['size'];
  const runMs = (b as Record<string, unknown>)['runMs'];
  if (!finiteNonNegative(size) || !finiteNonNegative(runMs)) return null;
  if (!Number.isInteger(size) || size < 1) return null;
  return { featurizeMs: r['featurizeMs'], batch: { size, runMs } };
}
