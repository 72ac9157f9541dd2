/**
 * Trains the kNN router on the projected training features: picks k and
 * target shrinkage, and the weight of the task prior blended in
 * (prior-select.ts), by cross-validated AIQ.
 * Neighbour lists are computed once per fold for the largest k, so the
 * whole grid costs one similarity pass per fold.
 */
import type { KnnModel } from './knn.js';
import { knnForward, kKnnMinWeight, topK } from './knn.js';
import { knnToOnnx } from './knn-onnx.js';
import { blendedForward, fitBlend, selectWithPrior } from './prior-select.js';
import { shrunkTargets } from './targets.js';
import type { FittedRouter, TrainContext } from './train-context.js';
import { complement } from './train-context.js';

/** Knobs chosen by cross-validation. */
export interface KnnHyper {
  readonly k: number;
  /** Share of a row's own scores kept in its target (targets.ts). */
  readonly keep: number;
}

/** Fixed: how sharply closer neighbours outweigh farther ones. */
export const kKnnPower = 4;

/** The grid cross-validation searches. */
export const kKnnGrid: readonly KnnHyper[] = Object.freeze(
  [20, 40, 80, 160].flatMap((k) => [0.5, 1].map((keep) => ({ k, keep }))),
);

/** The top-`k` neighbours in `fit` of every row of `queries`. */
function neighbours(
  emb: Float32Array,
  rank: number,
  queries: readonly number[],
  fit: readonly number[],
  k: number,
): { idx: Int32Array; sims: Float32Array } {
  const idx = new Int32Array(queries.length * k);
  const sims = new Float32Array(queries.length * k);
  const row = new Float32Array(fit.length);
  const top = new Int32Array(k);
  queries.forEach((q, i) => {
    fit.forEach((f, j) => {
      let s = 0;
      for (let d = 0; d < rank; d++)
        s += emb[q * rank + d]! * emb[f * rank + d]!;
      row[j] = s;
    });
    topK(row, k, top);
    for (let j = 0; j < k; j++) {
      idx[i * k + j] = top[j]!;
      sims[i * k + j] = row[top[j]!]!;
    }
  });
  return { idx, sims };
}

/** Weighted mean of the first `k` neighbours' targets, into `out` rows. */
function predict(
  nb: { idx: Int32Array; sims: Float32Array },
  kmax: number,
  k: number,
  targets: Float32Array,
  nc: number,
  rows: readonly number[],
  out: Float32Array,
): void {
  rows.forEach((r, i) => {
    let wsum = 0;
    const acc = new Float64Array(nc);
    for (let j = 0; j < k; j++) {
      const w = Math.pow(
        Math.max(nb.sims[i * kmax + j]!, kKnnMinWeight),
        kKnnPower,
      );
      const t = nb.idx[i * kmax + j]!;
      wsum += w;
      for (let c = 0; c < nc; c++) acc[c]! += w * targets[t * nc + c]!;
    }
    for (let c = 0; c < nc; c++) out[r * nc + c] = acc[c]! / wsum;
  });
}

/** Train, select and export a kNN router. */
export function trainKnn(ctx: TrainContext): FittedRouter {
  const n = ctx.rows.length;
  const nc = ctx.candidates;
  const { rank, projection, embedded: emb } = ctx;
  // k can be no larger than the smallest fit part of any fold.
  const maxFold = Math.max(...ctx.folds.map((f) => f.length));
  const maxK = Math.max(1, n - maxFold);
  const grid = kKnnGrid.map((h) => ({ ...h, k: Math.min(h.k, maxK) }));
  const kmax = Math.max(...grid.map((h) => h.k));

  // One neighbour pass per fold serves every grid point.
  const oofs = grid.map(() => new Float32Array(n * nc));
  for (const fold of ctx.folds) {
    const fit = complement(n, fold);
    const nb = neighbours(emb, rank, fold, fit, kmax);
    const fitRows = fit.map((i) => ctx.rows[i]!);
    const byKeep = new Map<number, Float32Array>();
    grid.forEach((h, g) => {
      let t = byKeep.get(h.keep);
      if (t === undefined)
        byKeep.set(h.keep, (t = shrunkTargets(fitRows, nc, h.keep)));
      predict(nb, kmax, h.k, t, nc, fold, oofs[g]!);
    });
  }

  const choice = selectWithPrior(
    ctx,
    grid.map((h, g) => ({ params: { k: h.k, keep: h.keep }, oof: oofs[g]! })),
  );
  const hyper = grid[choice.base]!;
  const blend = fitBlend(ctx, choice.alpha, choice.experts);
  const model: KnnModel = {
    dim: ctx.dim,
    rank,
    rows: n,
    candidates: nc,
    k: hyper.k,
    power: kKnnPower,
    projection,
    embeddings: emb,
    targets: shrunkTargets(ctx.rows, nc, hyper.keep),
  };
  const { k, keep } = hyper;
  return {
    onnx: knnToOnnx(model, blend),
    params: {
      k,
      keep,
      alpha: choice.alpha,
      experts: choice.experts,
      power: kKnnPower,
      rank,
      rows: n,
    },
    oof: choice.oof,
    selection: choice.selection,
    forward: blendedForward(ctx, blend, (x, b) => knnForward(model, x, b)),
  };
}
