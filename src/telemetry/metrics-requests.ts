/**
 * Per-model cells of the request-level metrics, resolved once per
 * configured model name (plus `other`) and kept in dense arrays, so the
 * request path does one Map lookup per model name and then index reads.
 * Invariant: every array is indexed by `models` indices; a cell is made
 * the first time its combination occurs and reused ever after.
 */
import type { Families } from './metrics-definitions.js';
import type { CounterCell, HistogramCell } from './metrics-family.js';
import {
  CappedLabels,
  ClosedLabels,
  kStatusClasses,
} from './metrics-labels.js';

/** Cells of one (requested model, served model) pair. */
export interface PairCells {
  readonly requestLatency: HistogramCell;
  readonly apiLatency: HistogramCell;
  readonly ttft: HistogramCell;
  readonly inputTokens: CounterCell;
  readonly outputTokens: CounterCell;
  readonly totalTokens: CounterCell;
}

/** Cells keyed by one requested model. */
interface RequestedCells {
  readonly name: string;
  /** litellm_proxy_total_requests_metric_total by status class index. */
  readonly total: Array<CounterCell | undefined>;
  /** Failures by "<class index>|<code label>", made on first failure. */
  readonly failed: Map<string, CounterCell>;
  /** Pair cells by served-model index. */
  readonly pairs: Array<PairCells | undefined>;
}

// Error codes are ours, but no single list names them all (the registry
// plus codes set in place, such as stream stalls); 64 is several times
// what exists today.
const kMaxErrorCodes = 64;

/** The request-level cells of one gateway. */
export class RequestCells {
  readonly models: ClosedLabels;
  private readonly codes = new CappedLabels(kMaxErrorCodes);
  private readonly rows: RequestedCells[];

  constructor(
    private readonly f: Families,
    modelNames: Iterable<string>,
  ) {
    this.models = new ClosedLabels(modelNames);
    this.rows = this.models.names.map((name) => ({
      name,
      total: [],
      failed: new Map(),
      pairs: [],
    }));
  }

  /** Count one finished inference request. */
  countRequest(requested: string, statusClass: number): void {
    const row = this.row(requested);
    let cell = row.total[statusClass];
    if (cell === undefined) {
      const cls = kStatusClasses[statusClass] as string;
      cell = row.total[statusClass] = this.f.totalRequests.child(row.name, cls);
    }
    cell.inc();
  }

  /** Count one failed inference request with its error code. */
  countFailure(requested: string, statusClass: number, code: string): void {
    const row = this.row(requested);
    const value = this.codes.valueOf(code);
    const key = `${statusClass}|${value}`;
    let cell = row.failed.get(key);
    if (cell === undefined) {
      const cls = kStatusClasses[statusClass] as string;
      cell = this.f.failedRequests.child(row.name, cls, value);
      row.failed.set(key, cell);
    }
    cell.inc();
  }

  /** The cells of a (requested, served) model pair. */
  pair(requested: string, served: string): PairCells {
    const row = this.row(requested);
    const s = this.models.indexOf(served);
    return (row.pairs[s] ??= this.makePair(row.name, this.models.names[s]));
  }

  private row(requested: string): RequestedCells {
    return this.rows[this.models.indexOf(requested)] as RequestedCells;
  }

  private makePair(requested: string, served: string | undefined) {
    const l = [requested, served ?? 'other'];
    const f = this.f;
    return {
      requestLatency: f.requestLatency.child(...l),
      apiLatency: f.apiLatency.child(...l),
      ttft: f.ttft.child(...l),
      inputTokens: f.inputTokens.child(...l),
      outputTokens: f.outputTokens.child(...l),
      totalTokens: f.totalTokens.child(...l),
    };
  }
}
