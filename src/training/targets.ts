/**
 * Training targets: each row's per-candidate scores shrunk toward its
 * task's mean scores. Scores are mostly single 0/1 outcomes, so a row's
 * own score is a noisy estimate of how well a model does on prompts like
 * it; the task mean is a steadier one. `keep` = 1 uses raw scores, 0 the
 * task means only. A task is the benchmark, refined by the row's
 * category (an MMLU subject) where the data has one.
 */
import type { RoutingRow } from './dataset.js';

/** The task a row belongs to: `benchmark` or `benchmark/category`. */
export function taskKey(row: RoutingRow): string {
  return row.category === null
    ? row.benchmark
    : `${row.benchmark}/${row.category}`;
}

/** Row-major [rows, C] targets, shrunk by `keep` toward group means. */
export function shrunkTargets(
  rows: readonly RoutingRow[],
  candidates: number,
  keep: number,
): Float32Array {
  const sums = new Map<string, { n: number; sum: Float64Array }>();
  for (const row of rows) {
    const key = taskKey(row);
    let g = sums.get(key);
    if (g === undefined) {
      g = { n: 0, sum: new Float64Array(candidates) };
      sums.set(key, g);
    }
    g.n++;
    for (let c = 0; c < candidates; c++) g.sum[c]! += row.scores[c]!;
  }

  const out = new Float32Array(rows.length * candidates);
  rows.forEach((row, i) => {
    const g = sums.get(taskKey(row))!;
    for (let c = 0; c < candidates; c++) {
      const mean = g.sum[c]! / g.n;
      out[i * candidates + c] = keep * row.scores[c]! + (1 - keep) * mean;
    }
  });
  return out;
}
