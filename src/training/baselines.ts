/**
 * Reference policies on a set of rows: every single model, the best and
 * the cheapest of them, uniform random choice and the per-prompt oracle
 * (the best-scoring model, the cheaper one on ties).
 */
import type { RoutingRow } from './dataset.js';
import type { CostQuality } from './metrics.js';
import { aiq } from './metrics.js';
import type { PolicyPoint } from './policy.js';
import { sweep } from './policy.js';
import type { CostModel } from './costs.js';

/** Mean quality and cost of always picking candidate c, for each c. */
export function singleModels(
  rows: readonly RoutingRow[],
  candidates: number,
): { quality: number; costUsd: number }[] {
  return Array.from({ length: candidates }, (_, c) => {
    let q = 0;
    let cost = 0;
    for (const r of rows) {
      q += r.scores[c]!;
      cost += r.costs[c]!;
    }
    return { quality: q / rows.length, costUsd: cost / rows.length };
  });
}

/** Index of the best single model (highest mean quality). */
export function bestSingle(singles: readonly { quality: number }[]): number {
  let best = 0;
  singles.forEach((s, i) => {
    if (s.quality > singles[best]!.quality) best = i;
  });
  return best;
}

/** Index of the cheapest single model. */
export function cheapestSingle(
  singles: readonly { costUsd: number }[],
): number {
  let best = 0;
  singles.forEach((s, i) => {
    if (s.costUsd < singles[best]!.costUsd) best = i;
  });
  return best;
}

/** Expected quality and cost of choosing uniformly at random. */
export function randomPolicy(
  singles: readonly { quality: number; costUsd: number }[],
): { quality: number; costUsd: number } {
  const n = singles.length;
  return {
    quality: singles.reduce((a, s) => a + s.quality, 0) / n,
    costUsd: singles.reduce((a, s) => a + s.costUsd, 0) / n,
  };
}

/** The per-prompt oracle: best score, cheapest among equal scores. */
export function oraclePolicy(rows: readonly RoutingRow[]): {
  quality: number;
  costUsd: number;
} {
  let q = 0;
  let cost = 0;
  for (const r of rows) {
    let best = 0;
    for (let c = 1; c < r.scores.length; c++) {
      const better = r.scores[c]! > r.scores[best]!;
      const tie =
        r.scores[c] === r.scores[best] && r.costs[c]! < r.costs[best]!;
      if (better || tie) best = c;
    }
    q += r.scores[best]!;
    cost += r.costs[best]!;
  }
  return { quality: q / rows.length, costUsd: cost / rows.length };
}

/** The cost range AIQ integrates over: cheapest to priciest single. */
export function costRange(
  singles: readonly { costUsd: number }[],
): [number, number] {
  const costs = singles.map((s) => s.costUsd);
  return [Math.min(...costs), Math.max(...costs)];
}

/** AIQ of a router's predictions on `rows`, with its curve. */
export function routerAiq(
  quality: Float32Array,
  rows: readonly RoutingRow[],
  costs: CostModel,
): { aiq: number; curve: PolicyPoint[] } {
  const singles = singleModels(rows, costs.relative.length);
  const curve = sweep(quality, rows, costs);
  const pts: CostQuality[] = curve.map((p) => ({
    cost: p.costUsd,
    quality: p.quality,
  }));
  const [lo, hi] = costRange(singles);
  return { aiq: aiq(pts, lo, hi), curve };
}
