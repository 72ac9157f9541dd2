/**
 * Trains the MLP router: picks the target shrinkage by cross-validated
 * AIQ, then fits the final network on the whole training part. The
 * network's other knobs are fixed (chosen on the 9-model set's training
 * part, docs/routing.md); each fit is a few seconds to tens of seconds.
 */
import type { MlpTrainOptions } from './mlp-backprop.js';
import { trainMlp } from './mlp-backprop.js';
import type { MlpModel } from './mlp.js';
import { mlpForward } from './mlp.js';
import { mlpToOnnx } from './mlp-onnx.js';
import { kExpertRidgeGrid, kPriorAlphaGrid } from './prior.js';
import { blendedForward, fitBlend, selectWithPrior } from './prior-select.js';
import { shrunkTargets } from './targets.js';
import type { FittedRouter, TrainContext } from './train-context.js';
import { complement, takeRows } from './train-context.js';

/** Fixed network and optimiser settings. */
export const kMlpOptions: Omit<MlpTrainOptions, 'seed'> = Object.freeze({
  hidden: [64],
  epochs: 30,
  learningRate: 5e-3,
  weightDecay: 1e-4,
  batchSize: 64,
});

/** Target shrinkage settings cross-validation chooses from. */
export const kMlpKeepGrid: readonly number[] = Object.freeze([0, 0.5]);

function fit(
  ctx: TrainContext,
  idx: readonly number[],
  keep: number,
): MlpModel {
  const rows = idx.map((i) => ctx.rows[i]!);
  const layers = trainMlp(
    {
      features: takeRows(ctx.embedded, ctx.rank, idx),
      rows: idx.length,
      dim: ctx.rank,
      targets: shrunkTargets(rows, ctx.candidates, keep),
      candidates: ctx.candidates,
    },
    { ...kMlpOptions, seed: ctx.seed },
  );
  return {
    dim: ctx.dim,
    rank: ctx.rank,
    projection: ctx.projection,
    candidates: ctx.candidates,
    layers,
  };
}

/** Train, select and export an MLP router. */
export function trainMlpRouter(
  ctx: TrainContext,
  keepGrid: readonly number[] = kMlpKeepGrid,
  alphas: readonly number[] = kPriorAlphaGrid,
  ridges: readonly number[] = kExpertRidgeGrid,
): FittedRouter {
  const n = ctx.rows.length;
  const nc = ctx.candidates;
  const oofs = keepGrid.map(() => new Float32Array(n * nc));
  keepGrid.forEach((keep, g) => {
    for (const fold of ctx.folds) {
      const model = fit(ctx, complement(n, fold), keep);
      const p = mlpForward(
        model,
        takeRows(ctx.features, ctx.dim, fold),
        fold.length,
      );
      fold.forEach((r, i) =>
        oofs[g]!.set(p.subarray(i * nc, (i + 1) * nc), r * nc),
      );
    }
  });

  const choice = selectWithPrior(
    ctx,
    keepGrid.map((keep, g) => ({ params: { keep }, oof: oofs[g]! })),
    alphas,
    ridges,
  );
  const keep = keepGrid[choice.base]!;
  const blend = fitBlend(ctx, choice.alpha, choice.experts);
  const all = Array.from({ length: n }, (_, i) => i);
  const model = fit(ctx, all, keep);
  return {
    onnx: mlpToOnnx(model, blend),
    params: {
      ...kMlpOptions,
      keep,
      alpha: choice.alpha,
      experts: choice.experts,
    },
    oof: choice.oof,
    selection: choice.selection,
    forward: blendedForward(ctx, blend, (x, b) => mlpForward(model, x, b)),
  };
}
