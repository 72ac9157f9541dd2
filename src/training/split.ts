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

/** `k` disjoint validation folds over `items`, stratified like above. */
export function stratifiedFolds(
  items: readonly number[],
  strata: readonly string[],
  k: number,
  seed: number,
): number[][] {
  const groups = new Map<string, number[]>();
  for (const i of items) {
    const s = strata[i]!;
    const g = groups.get(s);
    if (g === undefined) groups.set(s, [i]);
    else g.push(i);
  }

  const random = seededRandom(seed);
  const folds: number[][] = Array.from({ length: k }, () => []);
  let next = 0;
  // Dealing round-robin across strata keeps fold sizes within one row.
  for (const key of [...groups.keys()].sort()) {
    for (const i of shuffleInPlace(groups.get(key)!, random)) {
      folds[next]!.push(i);
      next = (next + 1) % k;
    }
  }
  return folds.map((f) => f.sort((a, b) => a - b));
}
