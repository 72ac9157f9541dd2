/**
 * Metric families whose series ("cells") are plain objects resolved once
 * (per configured model, per deployment, per strategy) and then updated
 * by a field write. prom-client's own `labels()` children hash and
 * validate the label set on every `inc`/`observe` (0.5–1.5 µs each);
 * a cell costs a few nanoseconds, which keeps per-request metric work far
 * inside the gateway's CPU budget.
 *
 * A family is registered in a prom-client Registry, which formats it in
 * the text exposition format together with Node's process metrics.
 * Invariants: each label combination has exactly one cell (`child` is
 * idempotent); cells are never removed, so label values must come from
 * closed sets.
 */
import type { Metric, Registry } from 'prom-client';

/** Label names to values of one series. */
export type Labels = Readonly<Record<string, string>>;

/** A gauge series: set, raised and lowered freely. */
export class GaugeCell {
  value = 0;
  constructor(readonly labels: Labels) {}

  inc(n = 1): void {
    this.value += n;
  }

  dec(n = 1): void {
    this.value -= n;
  }

  set(v: number): void {
    if (Number.isFinite(v)) this.value = v;
  }
}

/** A counter series: only finite, positive increments count. */
export class CounterCell {
  value = 0;
  constructor(readonly labels: Labels) {}

  inc(n = 1): void {
    if (n > 0 && n !== Infinity) this.value += n;
  }
}

/** A histogram series: per-bucket counts (not cumulative), sum, count. */
export class HistogramCell {
  /** counts[i] holds observations in (bounds[i-1], bounds[i]]; last +Inf. */
  readonly counts: Float64Array;
  sum = 0;
  count = 0;

  constructor(
    readonly labels: Labels,
    readonly bounds: readonly number[],
  ) {
    this.counts = new Float64Array(bounds.length + 1);
  }

  observe(v: number): void {
    // NaN and negative durations are measurement bugs, not data.
    if (!(v >= 0) || v === Infinity) return;
    const b = this.bounds;
    let i = 0;
    while (i < b.length && v > (b[i] as number)) i++;
    this.counts[i] = (this.counts[i] as number) + 1;
    this.sum += v;
    this.count++;
  }
}

type Cell = GaugeCell | CounterCell | HistogramCell;

/** One exported sample, in the shape prom-client's Registry formats. */
interface Sample {
  readonly labels: Record<string, string | number>;
  readonly value: number;
  readonly metricName?: string;
}

/** A named family of cells of one type. */
export class Family<C extends Cell> {
  readonly aggregator = 'sum';
  private readonly cells = new Map<string, C>();

  constructor(
    readonly name: string,
    readonly help: string,
    readonly type: 'counter' | 'gauge' | 'histogram',
    readonly labelNames: readonly string[],
    private readonly make: (labels: Labels) => C,
  ) {}

  /** The cell for these label values (in `labelNames` order). */
  child(...values: string[]): C {
    const key = values.join('\u0000');
    let cell = this.cells.get(key);
    if (cell !== undefined) return cell;
    if (values.length !== this.labelNames.length) {
      throw new Error(`${this.name}: wrong number of label values`);
    }
    const labels: Record<string, string> = {};
    this.labelNames.forEach((n, i) => (labels[n] = values[i] as string));
    cell = this.make(Object.freeze(labels));
    this.cells.set(key, cell);
    return cell;
  }

  /** What prom-client's Registry reads at scrape time. */
  async get() {
    const values: Sample[] = [];
    for (const cell of this.cells.values()) pushSamples(this, cell, values);
    return {
      name: this.name,
      help: this.help,
      type: this.type,
      aggregator: this.aggregator,
      values,
    };
  }

  /** Called by `Registry.resetMetrics()`: zero every cell. */
  reset(): void {
    for (const cell of this.cells.values()) {
      if (!(cell instanceof HistogramCell)) {
        cell.value = 0;
        continue;
      }
      cell.counts.fill(0);
      cell.sum = 0;
      cell.count = 0;
    }
  }
}

function pushSamples(f: Family<Cell>, cell: Cell, out: Sample[]): void {
  if (!(cell instanceof HistogramCell)) {
    out.push({ labels: { ...cell.labels }, value: cell.value });
    return;
  }
  // The exposition format wants cumulative buckets, then +Inf, sum, count.
  const bucket = `${f.name}_bucket`;
  let acc = 0;
  cell.bounds.forEach((le, i) => {
    acc += cell.counts[i] as number;
    out.push({
      labels: { ...cell.labels, le },
      value: acc,
      metricName: bucket,
    });
  });
  const labels = { ...cell.labels };
  out.push({
    labels: { ...labels, le: '+Inf' },
    value: cell.count,
    metricName: bucket,
  });
  out.push({ labels, value: cell.sum, metricName: `${f.name}_sum` });
  out.push({ labels, value: cell.count, metricName: `${f.name}_count` });
}

/** Register `family` so `registry.metrics()` includes it. */
export function registerFamily(registry: Registry, family: Family<Cell>) {
  // The Registry formats any object with name, help, type and get(); its
  // typings list only prom-client's own classes, hence the cast.
  registry.registerMetric(family as unknown as Metric);
}
