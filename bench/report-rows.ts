/**
 * Turns run records into one row per (scenario, target). Figures are
 * medians over rounds. Ratios and added latency are paired by round (the
 * target against its reference in the same round) before the median, so
 * a noisy moment on a shared machine moves both sides of a ratio.
 */
import { difference, median, ratio } from './stats.js';
import type { RunRecord } from './types.js';

/** Targets every row is compared with, as throughput ratios. */
export const kReferences = [
  'direct',
  'node-proxy',
  'portkey',
  'simple-shuffle',
] as const;

/** One (scenario, target) row of the report. */
export interface ReportRow {
  readonly scenario: string;
  readonly target: string;
  readonly rounds: number;
  /** Why this row has no figures; null when every round passed. */
  readonly failure: string | null;
  readonly rps: number | null;
  readonly offeredRate: number | null;
  readonly p50: number | null;
  readonly p90: number | null;
  readonly p99: number | null;
  /** Latency added over the direct baseline, ms. */
  readonly addedP50: number | null;
  readonly addedP99: number | null;
  /** This row's req/s over each reference's, same scenario and round. */
  readonly ratios: Readonly<Record<string, number | null>>;
  readonly cpuUsPerReq: number | null;
  readonly upstreamCpuUsPerReq: number | null;
  readonly generatorCpuUsPerReq: number | null;
  /** Open loop: p99 of the generator's own send lag, ms. */
  readonly sendLagP99Ms: number | null;
  readonly peakRssMb: number | null;
  readonly routingP50Us: number | null;
  readonly routingP99Us: number | null;
  readonly batchMean: number | null;
  readonly spansPerReq: number | null;
  readonly spansDropped: number | null;
}

type Pick = (r: RunRecord) => number | null | undefined;

function med(runs: readonly RunRecord[], pick: Pick): number | null {
  return median(runs.map((r) => pick(r) ?? null));
}

function paired(
  runs: readonly RunRecord[],
  refs: readonly RunRecord[],
  combine: (a: RunRecord, b: RunRecord) => number | null,
): number | null {
  const byRound = new Map(refs.map((r) => [r.round, r]));
  const values = runs.map((r) => {
    const ref = byRound.get(r.round);
    return ref === undefined || ref.failure !== null ? null : combine(r, ref);
  });
  return median(values);
}

function rowOf(
  runs: readonly RunRecord[],
  peers: (target: string) => readonly RunRecord[],
): ReportRow {
  const first = runs[0] as RunRecord;
  const failed = runs.find((r) => r.failure !== null);
  const ok = failed === undefined ? runs : [];
  const direct = peers('direct');
  const ratios: Record<string, number | null> = {};
  for (const ref of kReferences) {
    ratios[ref] = paired(ok, peers(ref), (a, b) =>
      ratio(a.load?.rps ?? null, b.load?.rps ?? null),
    );
  }
  const us = (s: number | null | undefined) =>
    s === null || s === undefined ? null : s * 1e6;
  return {
    scenario: first.scenario,
    target: first.target,
    rounds: runs.length,
    failure: failed?.failure ?? null,
    rps: med(ok, (r) => r.load?.rps),
    offeredRate: first.load?.offeredRate ?? null,
    p50: med(ok, (r) => r.load?.latency.p50),
    p90: med(ok, (r) => r.load?.latency.p90),
    p99: med(ok, (r) => r.load?.latency.p99),
    addedP50: paired(ok, direct, (a, b) =>
      difference(a.load?.latency.p50 ?? null, b.load?.latency.p50 ?? null),
    ),
    addedP99: paired(ok, direct, (a, b) =>
      difference(a.load?.latency.p99 ?? null, b.load?.latency.p99 ?? null),
    ),
    ratios,
    cpuUsPerReq: med(ok, (r) => r.cpuUsPerReq),
    upstreamCpuUsPerReq: med(ok, (r) => r.upstreamCpuUsPerReq),
    generatorCpuUsPerReq: med(ok, (r) => r.load?.generatorCpuUsPerReq),
    sendLagP99Ms: med(ok, (r) => r.load?.sendLagP99Ms),
    peakRssMb:
      ok.length === 0 ? null : Math.max(...ok.map((r) => r.peakRssMb ?? 0)),
    routingP50Us: med(ok, (r) => us(r.routing?.p50)),
    routingP99Us: med(ok, (r) => us(r.routing?.p99)),
    batchMean: med(ok, (r) => r.batch?.mean),
    spansPerReq: med(ok, (r) => r.spansPerReq),
    spansDropped: med(ok, (r) => r.spansDropped),
  };
}

/** One row per (scenario, target), in first-run order. */
export function buildRows(runs: readonly RunRecord[]): ReportRow[] {
  const groups = new Map<string, RunRecord[]>();
  for (const r of runs) {
    const key = `${r.scenario}\u0000${r.target}`;
    const list = groups.get(key) ?? [];
    list.push(r);
    groups.set(key, list);
  }
  const peersOf = (scenario: string) => (target: string) =>
    groups.get(`${scenario}\u0000${target}`) ?? [];
  return [...groups.values()].map((g) =>
    rowOf(g, peersOf((g[0] as RunRecord).scenario)),
  );
}
