/**
 * Routing policies over a set of evaluation rows: what the router picks
 * at a cost weight, what that earns and costs, and the sweep over cost
 * weights that traces a router's quality/cost curve.
 */
import type { RoutingRow } from './dataset.js';
import type { CostModel } from './costs.js';
import { requestCosts } from './costs.js';
import { chooseCandidate } from './decision.js';

/** One point of a quality/cost curve. */
export interface PolicyPoint {
  readonly costWeight: number;
  /** Mean score of the chosen models. */
  readonly quality: number;
  /** Mean `costs_est` (USD per prompt) of the chosen models. */
  readonly costUsd: number;
}

/** Large enough that every prompt goes to its cheapest candidate. */
export const kCheapestWeight = 1e6;

/** Cost weights swept for curves: 0, a log grid, then "cheapest". */
export const kCostWeightGrid: readonly number[] = Object.freeze([
  0,
  ...Array.from({ length: 61 }, (_, i) => 1e-3 * Math.pow(10, i / 15)),
  kCheapestWeight,
]);

/** The candidate chosen for each row; `quality` is [rows, C]. */
export function choices(
  quality: Float32Array,
  rows: readonly RoutingRow[],
  costs: CostModel,
  costWeight: number,
): Int32Array {
  const nc = costs.relative.length;
  const out = new Int32Array(rows.length);
  const rel = new Float64Array(nc);
  rows.forEach((row, i) => {
    requestCosts(costs, row.prompt.length, rel);
    const q = quality.subarray(i * nc, (i + 1) * nc);
    out[i] = chooseCandidate(q, rel, costWeight);
  });
  return out;
}

/** Mean score and cost of picking `picks[i]` for row i. */
export function outcome(
  rows: readonly RoutingRow[],
  picks: ArrayLike<number>,
): { quality: number; costUsd: number } {
  let q = 0;
  let c = 0;
  rows.forEach((row, i) => {
    q += row.scores[picks[i]!]!;
    c += row.costs[picks[i]!]!;
  });
  return { quality: q / rows.length, costUsd: c / rows.length };
}

/** The router's curve over `weights`. */
export function sweep(
  quality: Float32Array,
  rows: readonly RoutingRow[],
  costs: CostModel,
  weights: readonly number[] = kCostWeightGrid,
): PolicyPoint[] {
  return weights.map((costWeight) => ({
    costWeight,
    ...outcome(rows, choices(quality, rows, costs, costWeight)),
  }));
}

/**
 * The default cost weight: the best quality whose cost stays within
 * `budgetShare` of the best single model's cost on the same rows; the
 * smallest such weight on ties. With no point in budget, the cheapest.
 */
export function pickDefaultWeight(
  points: readonly PolicyPoint[],
  budgetUsd: number,
): number {
  let best: PolicyPoint | null = null;
  for (const p of points) {
    if (p.costUsd > budgetUsd) continue;
    if (best === null || p.quality > best.quality) best = p;
  }
  return best?.costWeight ?? kCheapestWeight;
}
