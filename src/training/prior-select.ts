/**
 * Chooses how much of the task prior (prior.ts) a router blends into
 * its own predictions: every base setting the strategy tried is scored
 * at every prior weight by out-of-fold AIQ, so the prior is only kept
 * where cross-validation says it helps (weight 0 is the router alone).
 */
import { routerAiq } from './baselines.js';
import { blendInto, finalPrior, oofPrior, priorForward } from './prior.js';
import { kPriorAlphaGrid } from './prior.js';
import type { PriorBlend } from './prior-onnx.js';
import { embed } from './subspace.js';
import type { SelectionEntry, TrainContext } from './train-context.js';

type Params = Readonly<Record<string, number | readonly number[]>>;

/** A base setting with its out-of-fold predictions [rows, C]. */
export interface BaseCandidate {
  readonly params: Params;
  readonly oof: Float32Array;
}

/** The winner: its base index, prior weight, OOF and every score. */
export interface PriorChoice {
  readonly base: number;
  readonly alpha: number;
  readonly oof: Float32Array;
  readonly selection: SelectionEntry[];
}

/** Score every (base, alpha) pair; the best OOF AIQ wins. */
export function selectWithPrior(
  ctx: TrainContext,
  bases: readonly BaseCandidate[],
  alphas: readonly number[] = kPriorAlphaGrid,
): PriorChoice {
  const prior = alphas.some((a) => a > 0) ? oofPrior(ctx) : null;
  const selection: SelectionEntry[] = [];
  let best: PriorChoice | null = null;
  let bestAiq = -Infinity;
  bases.forEach((b, base) => {
    for (const alpha of alphas) {
      const oof =
        alpha === 0 || prior === null
          ? b.oof
          : blendInto(Float32Array.from(b.oof), prior, alpha);
      const oofAiq = routerAiq(oof, ctx.rows, ctx.costs).aiq;
      selection.push({ params: { ...b.params, alpha }, oofAiq });
      // Strictly better only: ties keep the earlier (smaller) weight.
      if (oofAiq > bestAiq) {
        bestAiq = oofAiq;
        best = { base, alpha, oof, selection };
      }
    }
  });
  if (best === null) throw new RangeError('nothing to select from');
  return best;
}

/** The final blend for `alpha` (undefined when the prior is unused). */
export function fitBlend(
  ctx: TrainContext,
  alpha: number,
): PriorBlend | undefined {
  return alpha > 0 ? { prior: finalPrior(ctx), alpha } : undefined;
}

/** A reference forward pass with the blend applied after `base`. */
export function blendedForward(
  ctx: TrainContext,
  blend: PriorBlend | undefined,
  base: (features: Float32Array, batch: number) => Float32Array,
): (features: Float32Array, batch: number) => Float32Array {
  if (blend === undefined) return base;
  const { dim, projection, rank } = ctx;
  return (x, batch) => {
    const e = embed(x, batch, dim, projection, rank);
    const p = priorForward(blend.prior, e, batch);
    return blendInto(base(x, batch), p, blend.alpha);
  };
}
