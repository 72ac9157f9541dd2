/**
 * Reads what the benchmark needs from Prometheus text exposition: one
 * histogram summed over its label sets, or one counter's total. Two
 * scrapes around a run give the run's own observations; quantiles are
 * interpolated inside buckets as Prometheus's histogram_quantile does.
 * https://prometheus.io/docs/instrumenting/exposition_formats/
 */
import type { HistogramDelta } from './types.js';

/** A histogram summed over all its label sets. */
export interface Histogram {
  /** Cumulative counts by upper bound (`le`), ascending; +Inf last. */
  readonly buckets: ReadonlyArray<readonly [le: number, count: number]>;
  readonly sum: number;
  readonly count: number;
}

const kLine = /^([a-zA-Z_:][\w:]*)(\{[^}]*\})?\s+(\S+)/;
const kLe = /le="([^"]+)"/;

function samples(text: string, name: string) {
  const out: Array<{ metric: string; labels: string; value: number }> = [];
  for (const line of text.split('\n')) {
    if (!line.startsWith(name)) continue;
    const m = kLine.exec(line);
    if (m === null) continue;
    out.push({
      metric: m[1] as string,
      labels: m[2] ?? '',
      value: Number(m[3]),
    });
  }
  return out;
}

/** `name`'s histogram from exposition `text`; null when it is absent. */
export function parseHistogram(text: string, name: string): Histogram | null {
  const byLe = new Map<number, number>();
  let sum = 0;
  let count = 0;
  let seen = false;
  for (const s of samples(text, name)) {
    if (s.metric === `${name}_bucket`) {
      const le = kLe.exec(s.labels)?.[1];
      if (le === undefined) continue;
      const bound = le === '+Inf' ? Infinity : Number(le);
      byLe.set(bound, (byLe.get(bound) ?? 0) + s.value);
      seen = true;
    } else if (s.metric === `${name}_sum`) sum += s.value;
    else if (s.metric === `${name}_count`) count += s.value;
  }
  if (!seen) return null;
  const buckets = [...byLe.entries()].sort((a, b) => a[0] - b[0]);
  return { buckets, sum, count };
}

/** Sum of a counter's (or gauge's) samples; null when it is absent. */
export function parseCounter(text: string, name: string): number | null {
  const list = samples(text, name).filter((s) => s.metric === name);
  return list.length === 0 ? null : list.reduce((a, s) => a + s.value, 0);
}

/** Observations made between scrapes `before` and `after`. */
export function histogramDiff(before: Histogram | null, after: Histogram) {
  const prev = new Map(before?.buckets ?? []);
  const buckets = after.buckets.map(
    ([le, c]) => [le, c - (prev.get(le) ?? 0)] as const,
  );
  return {
    buckets,
    sum: after.sum - (before?.sum ?? 0),
    count: after.count - (before?.count ?? 0),
  };
}

/** The q-quantile of a histogram, linear inside its bucket. */
export function histogramQuantile(h: Histogram, q: number): number {
  const total = h.buckets[h.buckets.length - 1]?.[1] ?? 0;
  if (total <= 0) return Number.NaN;
  const rank = q * total;
  let lower = 0;
  let below = 0;
  for (const [le, count] of h.buckets) {
    if (count >= rank) {
      // Past the last finite bound the best answer is that bound.
      if (le === Infinity) return lower;
      const inBucket = count - below;
      const frac = inBucket > 0 ? (rank - below) / inBucket : 0;
      return lower + (le - lower) * frac;
    }
    lower = le;
    below = count;
  }
  return lower;
}

/** Count, mean and p50/p99 of a run's observations; null if none. */
export function summarizeDiff(
  before: Histogram | null,
  after: Histogram | null,
): HistogramDelta | null {
  if (after === null) return null;
  const d = histogramDiff(before, after);
  if (d.count <= 0) return null;
  return {
    count: d.count,
    mean: d.sum / d.count,
    p50: histogramQuantile(d, 0.5),
    p99: histogramQuantile(d, 0.99),
  };
}
