/**
 * Small, exact statistics for benchmark figures: percentiles by nearest
 * rank over every sample (no histogram rounding, so sub-millisecond
 * differences survive), medians across rounds, and guarded ratios.
 */
import type { LatencySummary } from './types.js';

/** The q-quantile (0..1) of ascending `sorted` by nearest rank; NaN if empty. */
export function percentile(sorted: ArrayLike<number>, q: number): number {
  const n = sorted.length;
  if (n === 0) return Number.NaN;
  const rank = Math.ceil(q * n);
  const i = Math.min(n - 1, Math.max(0, rank - 1));
  return sorted[i] as number;
}

/** Percentiles, mean and max of `samples` (milliseconds). */
export function summarize(samples: Float64Array): LatencySummary {
  const sorted = Float64Array.from(samples).sort();
  let sum = 0;
  for (const v of sorted) sum += v;
  const n = sorted.length;
  return {
    count: n,
    p50: percentile(sorted, 0.5),
    p90: percentile(sorted, 0.9),
    p99: percentile(sorted, 0.99),
    mean: n === 0 ? Number.NaN : sum / n,
    max: n === 0 ? Number.NaN : (sorted[n - 1] as number),
  };
}

/** Median of the finite values; null when there are none. */
export function median(values: ReadonlyArray<number | null>): number | null {
  const xs = values
    .filter((v): v is number => v !== null && Number.isFinite(v))
    .sort((a, b) => a - b);
  if (xs.length === 0) return null;
  const mid = xs.length >> 1;
  if (xs.length % 2 === 1) return xs[mid] as number;
  return ((xs[mid - 1] as number) + (xs[mid] as number)) / 2;
}

/** a / b, or null when either is missing or b is not positive. */
export function ratio(a: number | null, b: number | null): number | null {
  if (a === null || b === null || !Number.isFinite(a) || !(b > 0)) {
    return null;
  }
  return a / b;
}

/** a − b, or null when either is missing. */
export function difference(a: number | null, b: number | null): number | null {
  if (a === null || b === null || !Number.isFinite(a) || !Number.isFinite(b)) {
    return null;
  }
  return a - b;
}
