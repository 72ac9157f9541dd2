/**
 * Shapes shared by the benchmark runner, its load generators and its
 * report. A scenario says what load to offer; a target says where to
 * send it; a run record is one (round, scenario, target) measurement.
 */

/** One load shape that every target is measured under. */
export interface Scenario {
  /** Stable key, e.g. `sat-json`; used in filters and in the report. */
  readonly name: string;
  readonly title: string;
  /** Closed loop (N connections, back to back) or a fixed offered rate. */
  readonly load: 'closed' | 'rate';
  readonly connections: number;
  /** Offered requests per second for `rate` scenarios, else null. */
  readonly rate: number | null;
  readonly durationS: number;
  /** Unmeasured load before the measured window (JIT, pools, caches). */
  readonly warmupS: number;
  readonly stream: boolean;
  /** Approximate bytes of message text in each request. */
  readonly promptBytes: number;
  /** How many alternating rounds measure this scenario. */
  readonly rounds: number;
}

/** Who a target is in the comparison. */
export type TargetRole = 'baseline' | 'subject' | 'peer';

/** A target as planned, before it is started. */
export interface TargetSpec {
  /** Stable key: direct, simple-shuffle, knn, mlp, tracing, ... */
  readonly name: string;
  readonly title: string;
  readonly role: TargetRole;
  /** Scenario names this target runs in; null means all of them. */
  readonly scenarios: readonly string[] | null;
}

/** A started target: where to send requests and whose CPU to count. */
export interface RunningTarget {
  readonly spec: TargetSpec;
  /** Origin, e.g. http://127.0.0.1:40123. */
  readonly origin: string;
  readonly path: string;
  readonly headers: Readonly<Record<string, string>>;
  /** The `model` field clients send. */
  readonly model: string;
  /** Process whose CPU and RSS are the target's cost. */
  readonly pid: number;
  /** Prometheus endpoint (RouteIQ targets only). */
  readonly metricsUrl: string | null;
  /** Spans the tracing receiver has counted so far (tracing only). */
  readonly spanCount: (() => Promise<number>) | null;
  /** Whether each client response must match an upstream request. */
  readonly forwards: boolean;
  stop(): Promise<void>;
}

/** Latency percentiles in milliseconds. */
export interface LatencySummary {
  readonly count: number;
  readonly p50: number;
  readonly p90: number;
  readonly p99: number;
  readonly mean: number;
  readonly max: number;
}

/** What one load generator run measured. */
export interface LoadResult {
  /** Responses that passed every check. */
  readonly ok: number;
  /** Non-2xx, transport errors, timeouts and failed body checks. */
  readonly failures: number;
  /** The first failure seen, in words; null when there was none. */
  readonly failureDetail: string | null;
  readonly elapsedS: number;
  /** Checked responses per second. */
  readonly rps: number;
  readonly offeredRate: number | null;
  readonly latency: LatencySummary;
  /** CPU the load generator spent, microseconds per checked response. */
  readonly generatorCpuUsPerReq: number | null;
  /**
   * Open loop only: p99 of how late requests left the generator. Large
   * values mean the generator, not the target, fell behind.
   */
  readonly sendLagP99Ms?: number | null;
}

/** A Prometheus histogram's change over one run. */
export interface HistogramDelta {
  readonly count: number;
  readonly mean: number;
  /** Estimated from buckets, as Prometheus's histogram_quantile does. */
  readonly p50: number;
  readonly p99: number;
}

/** One measurement of one target under one scenario. */
export interface RunRecord {
  readonly round: number;
  readonly scenario: string;
  readonly target: string;
  /** Why the run does not count; null when every check passed. */
  readonly failure: string | null;
  readonly load: LoadResult | null;
  readonly cpuUsPerReq: number | null;
  /** The mock upstream's CPU per request, for context. */
  readonly upstreamCpuUsPerReq: number | null;
  readonly peakRssMb: number | null;
  /** Seconds per routing decision, from `/metrics`. */
  readonly routing: HistogramDelta | null;
  /** Routing tasks per batched `session.run`, from `/metrics`. */
  readonly batch: HistogramDelta | null;
  readonly spansPerReq: number | null;
  readonly spansDropped: number | null;
}
