/**
 * Collects per-request latencies without allocating per sample: a
 * Float64Array that doubles when full. Invariant: samples [0, size) are
 * the recorded values in arrival order.
 */
import { summarize } from './stats.js';
import type { LatencySummary } from './types.js';

/** Growable buffer of latencies in milliseconds. */
export class LatencyRecorder {
  private buf = new Float64Array(1 << 14);
  private size = 0;

  /** Record one latency. */
  add(ms: number): void {
    if (this.size === this.buf.length) {
      const next = new Float64Array(this.buf.length * 2);
      next.set(this.buf);
      this.buf = next;
    }
    this.buf[this.size++] = ms;
  }

  get count(): number {
    return this.size;
  }

  /** Percentiles over everything recorded so far. */
  summary(): LatencySummary {
    return summarize(this.buf.subarray(0, this.size));
  }
}
