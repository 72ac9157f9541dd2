/**
 * The routing decision shared by training, evaluation and serving:
 * utility = predicted quality - cost weight x relative cost, argmax wins.
 *
 * Relative cost (costs.ts) is a candidate's estimated USD cost for this
 * prompt divided by the priciest candidate's mean cost per training
 * prompt: about 1 for the priciest model on an average prompt, scaled
 * by prompt length (`requestCosts`), or the flat per-candidate mean
 * (`manifest.costs.relative`) when the prompt length is not at hand. A
 * cost weight w reads "give up w quality points (0..1 scale) to avoid
 * one average priciest-model call", whatever the currency, the prompt
 * mix or the router kind; one weight means the same for kNN and MLP.
 */

/** One candidate's line in a decision table. */
export interface CandidateUtility {
  readonly quality: number;
  readonly cost: number;
  readonly utility: number;
}

/** The outcome of one routing decision. */
export interface Decision {
  /** Index into the manifest's `candidates` of the chosen model. */
  readonly index: number;
  /** Predicted quality of the chosen model (`router.score`). */
  readonly score: number;
  /** Utility of the chosen model. */
  readonly utility: number;
  readonly table: readonly CandidateUtility[];
}

/**
 * Index of the best candidate, without allocating (the serving hot path).
 * Ties go to the cheaper candidate, then to the lower index, so equal
 * predictions never cost more than needed.
 */
export function chooseCandidate(
  quality: ArrayLike<number>,
  costs: ArrayLike<number>,
  costWeight: number,
): number {
  if (quality.length === 0 || quality.length !== costs.length) {
    throw new RangeError('quality and costs must be equally long, not empty');
  }

  let best = 0;
  let bestUtility = -Infinity;
  for (let i = 0; i < quality.length; i++) {
    const u = quality[i]! - costWeight * costs[i]!;
    const better = u > bestUtility;
    const cheaperTie = u === bestUtility && costs[i]! < costs[best]!;
    if (better || cheaperTie) {
      best = i;
      bestUtility = u;
    }
  }
  return best;
}

/** The choice with its per-candidate table (for spans and debugging). */
export function decide(
  quality: ArrayLike<number>,
  costs: ArrayLike<number>,
  costWeight: number,
): Decision {
  const index = chooseCandidate(quality, costs, costWeight);
  const table: CandidateUtility[] = [];
  for (let i = 0; i < quality.length; i++) {
    const q = quality[i]!;
    const cost = costs[i]!;
    table.push({ quality: q, cost, utility: q - costWeight * cost });
  }
  const chosen = table[index]!;
  return { index, score: chosen.quality, utility: chosen.utility, table };
}
