/**
 * The targets of issue #8, checked against a report's rows. A goal whose
 * inputs are missing (a target skipped or failed) is `n/a` with the
 * reason, never `met`.
 */
import type { ReportRow } from './report-rows.js';

/** One goal for one target. */
export interface GoalResult {
  readonly goal: string;
  readonly target: string;
  readonly value: number | null;
  readonly limit: number;
  /** `>=` goals are floors, `<=` goals are ceilings. */
  readonly op: '>=' | '<=';
  readonly unit: string;
  readonly status: 'met' | 'missed' | 'n/a';
  readonly note: string | null;
}

interface GoalSpec {
  readonly goal: string;
  readonly scenario: string;
  readonly targets: readonly string[];
  readonly op: '>=' | '<=';
  readonly limit: number;
  readonly unit: string;
  readonly value: (row: ReportRow) => number | null;
}

const kGateways = ['simple-shuffle', 'knn', 'mlp'];
const kRouters = ['knn', 'mlp'];

const kGoals: readonly GoalSpec[] = [
  {
    goal: 'saturation req/s vs direct',
    scenario: 'sat-json',
    targets: kGateways,
    op: '>=',
    limit: 0.5,
    unit: '×',
    value: (r) => r.ratios['direct'] ?? null,
  },
  {
    goal: 'saturation req/s vs node:http proxy',
    scenario: 'sat-json',
    targets: kGateways,
    op: '>=',
    limit: 2,
    unit: '×',
    value: (r) => r.ratios['node-proxy'] ?? null,
  },
  {
    goal: 'saturation req/s vs Portkey',
    scenario: 'sat-json',
    targets: kGateways,
    op: '>=',
    limit: 10,
    unit: '×',
    value: (r) => r.ratios['portkey'] ?? null,
  },
  {
    goal: 'streaming req/s vs direct',
    scenario: 'sat-stream',
    targets: kGateways,
    op: '>=',
    limit: 0.7,
    unit: '×',
    value: (r) => r.ratios['direct'] ?? null,
  },
  {
    goal: 'unloaded added p50',
    scenario: 'probe-json',
    targets: ['simple-shuffle'],
    op: '<=',
    limit: 0.3,
    unit: 'ms',
    value: (r) => r.addedP50,
  },
  {
    goal: 'unloaded added p50',
    scenario: 'probe-json',
    targets: kRouters,
    op: '<=',
    limit: 0.4,
    unit: 'ms',
    value: (r) => r.addedP50,
  },
  {
    goal: 'unloaded added p99',
    scenario: 'probe-json',
    targets: kGateways,
    op: '<=',
    limit: 1,
    unit: 'ms',
    value: (r) => r.addedP99,
  },
  {
    goal: 'CPU per non-streaming request',
    scenario: 'sat-json',
    targets: kGateways,
    op: '<=',
    limit: 60,
    unit: 'µs',
    value: (r) => r.cpuUsPerReq,
  },
  {
    goal: 'tracing on: req/s vs tracing off',
    scenario: 'sat-json',
    targets: ['tracing'],
    op: '>=',
    limit: 0.9,
    unit: '×',
    value: (r) => r.ratios['simple-shuffle'] ?? null,
  },
  {
    goal: 'peak RSS under saturation, routers loaded',
    scenario: 'sat-json',
    targets: kRouters,
    op: '<=',
    limit: 200,
    unit: 'MB',
    value: (r) => r.peakRssMb,
  },
];

function judge(
  spec: GoalSpec,
  target: string,
  row: ReportRow | undefined,
  omitted: string | undefined,
): GoalResult {
  const base = {
    goal: spec.goal,
    target,
    limit: spec.limit,
    op: spec.op,
    unit: spec.unit,
  };
  if (row === undefined) {
    const note = omitted ?? 'not measured in this run';
    return { ...base, value: null, status: 'n/a', note };
  }
  if (row.failure !== null) {
    return {
      ...base,
      value: null,
      status: 'n/a',
      note: `run failed: ${row.failure}`,
    };
  }
  const value = spec.value(row);
  if (value === null) {
    return {
      ...base,
      value,
      status: 'n/a',
      note: 'a figure it needs is missing',
    };
  }
  const met = spec.op === '>=' ? value >= spec.limit : value <= spec.limit;
  return { ...base, value, status: met ? 'met' : 'missed', note: null };
}

/** Every goal for every target it applies to; `omitted` says why not. */
export function evaluateGoals(
  rows: readonly ReportRow[],
  omitted: ReadonlyArray<{ target: string; reason: string }> = [],
): GoalResult[] {
  const why = new Map(omitted.map((o) => [o.target, o.reason]));
  const find = (scenario: string, target: string) =>
    rows.find((r) => r.scenario === scenario && r.target === target);
  const out: GoalResult[] = [];
  for (const spec of kGoals) {
    for (const target of spec.targets) {
      out.push(
        judge(spec, target, find(spec.scenario, target), why.get(target)),
      );
    }
  }
  return out;
}
