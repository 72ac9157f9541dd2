/**
 * Chooses how much of the task prior (prior.ts) a router blends into
 * its own predictions, and whether the prior uses per-task experts
 * (task-experts.ts): every base setting the strategy tried is scored at
 * every prior weight and expert penalty by out-of-fold AIQ, so the
 * prior and its experts are only kept where cross-validation says they
 * help (weight 0 is the router alone, penalty 0 the task means alone).
 */
import { routerAiq } from './baselines.js';
import { blendInto, finalPrior, oofPriors, priorForward } from './prior.js';
import { kExpertRidgeGrid, kPriorAlphaGrid } from './prior.js';
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
  /** Ridge penalty of the prior's experts; 0 when it has none. */
  readonly experts: number;
  readonly oof: Float32Array;
  readonly selection: SelectionEntry[];
}

/** Score every (base, alpha, experts) setting; the best OOF AIQ wins. */
export function selectWithPrior(
  ctx: TrainContext,
  bases: readonly BaseCandidate[],
  alphas: readonly number[] = kPriorAlphaGrid,
  ridges: readonly number[] = kExpertRidgeGrid,
): PriorChoice {
  const priors = alphas.some((a) => a > 0) ? oofPriors(ctx, ridges) : [];
  const selection: SelectionEntry[] = [];
  let best: PriorChoice | null = null;
  let bestAiq = -Infinity;
  const consider = (
    base: number,
    alpha: number,
    experts: number,
    oof: Float32Array,
  ) => {
    const oofAiq = routerAiq(oof, ctx.rows, ctx.costs).aiq;
    const params = { ...bases[base]!.params, alpha, experts };
    selection.push({ params, oofAiq });
    // Strictly better only: ties keep the earlier (simpler) setting.
    if (oofAiq > bestAiq) {
      bestAiq = oofAiq;
      best = { base, alpha, experts, oof, selection };
    }
  };

  bases.forEach((b, base) => {
    for (const alpha of alphas) {
      // Without the prior its experts do not matter: score it once.
      if (alpha === 0 || priors.length === 0) {
        consider(base, alpha, 0, b.oof);
        continue;
      }
      ridges.forEach((ridge, g) => {
        const oof = blendInto(Float32Array.from(b.oof), priors[g]!, alpha);
        consider(base, alpha, ridge, oof);
      });
    }
  });
  if (best === null) throw new RangeError('nothing to select from');
  return best;
}

/** The final blend for `alpha` (undefined when the prior is unused). */
export function fitBlend(
  ctx: TrainContext,
  alpha: number,
  experts = 0,
): PriorBlend | undefined {
  return alpha > 0 ? { prior: finalPrior(ctx, experts), alpha } : undefined;
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
    const p = priorForward(blend.prior, e, batch, x);
    return blendInto(base(x, batch), p, blend.alpha);
  };
}
