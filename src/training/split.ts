/**
 * Deterministic splits stratified by benchmark: every benchmark keeps
 * its share in both parts, so a small benchmark is never left out of
 * the evaluation by chance.
 */
import { seededRandom, shuffleInPlace } from './rng.js';

/** Indices of the two parts of a split. */
export interface Split {
  readonly train: number[];
  readonly heldOut: number[];
}

/**
 * Hold out `fraction` of each stratum. `strata[i]` names row i's group;
 * groups are visited in sorted order so the result depends only on the
 * labels, the fraction and the seed.
 */
export function stratifiedSplit(
  strata: readonly string[],
  fraction: number,
  seed: number,
): Split {
  const groups = new Map<string, number[]>();
  strata.forEach((s, i) => {
    const g = groups.get(s);
    if (g === undefined) groups.set(s, [i]);
    else g.push(i);
  });

  const random = seededRandom(seed);
  const train: number[] = [];
  const heldOut: number[] = [];
  for (const key of [...groups.keys()].sort()) {
    const idx = shuffleInPlace(groups.get(key)!, random);
    const k = Math.round(idx.length * fraction);
    heldOut.push(...idx.slice(0, k));
    train.push(...idx.slice(k));
  }

  train.sort((a, b) => a - b);
  heldOut.sort((a, b) => a - b);
  return { train, heldOut };
}
