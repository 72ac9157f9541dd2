/**
 * The top-r right singular subspace of a feature matrix by subspace
 * iteration (Halko, Martinsson & Tropp 2011, algorithm 4.4:
 * https://arxiv.org/abs/0909.4061). The kNN router projects TF-IDF
 * features onto it (latent semantic analysis): fewer numbers to store
 * per training prompt, and near-synonymous n-grams pulled together.
 * Only the span matters (cosine similarity is rotation-invariant), so
 * no final small SVD is needed.
 */
import { gaussian, seededRandom } from './rng.js';

/** Rank of the projection both routers apply to the features. */
export const kProjectionRank = 128;
/** Subspace iterations; the span settles well within this many. */
export const kProjectionIterations = 6;

/** y[n, r] = x[n, d] . v[d, r], skipping zero features. */
export function project(
  x: Float32Array,
  n: number,
  d: number,
  v: Float32Array,
  r: number,
  out: Float32Array = new Float32Array(n * r),
): Float32Array {
  out.fill(0);
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < d; k++) {
      const a = x[i * d + k]!;
      if (a === 0) continue;
      for (let j = 0; j < r; j++) out[i * r + j]! += a * v[k * r + j]!;
    }
  }
  return out;
}

/** v[d, r] = x^T . y for x [n, d], y [n, r]. */
function projectBack(
  x: Float32Array,
  n: number,
  d: number,
  y: Float32Array,
  r: number,
  out: Float32Array,
): void {
  out.fill(0);
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < d; k++) {
      const a = x[i * d + k]!;
      if (a === 0) continue;
      for (let j = 0; j < r; j++) out[k * r + j]! += a * y[i * r + j]!;
    }
  }
}

/** Orthonormalise the columns of m [d, r] in place (modified Gram-Schmidt). */
function orthonormalize(m: Float32Array, d: number, r: number): void {
  for (let j = 0; j < r; j++) {
    for (let p = 0; p < j; p++) {
      let dot = 0;
      for (let k = 0; k < d; k++) dot += m[k * r + j]! * m[k * r + p]!;
      for (let k = 0; k < d; k++) m[k * r + j]! -= dot * m[k * r + p]!;
    }
    let ss = 0;
    for (let k = 0; k < d; k++) ss += m[k * r + j]! * m[k * r + j]!;
    const inv = ss > 0 ? 1 / Math.sqrt(ss) : 0;
    for (let k = 0; k < d; k++) m[k * r + j]! *= inv;
  }
}

/** An orthonormal basis [d, r] of x's dominant r-dimensional row space. */
export function topSubspace(
  x: Float32Array,
  n: number,
  d: number,
  r: number,
  iterations: number,
  seed: number,
): Float32Array {
  if (r > d || r > n) throw new RangeError('rank exceeds matrix size');
  const random = seededRandom(seed);
  const v = Float32Array.from({ length: d * r }, () => gaussian(random));
  const y = new Float32Array(n * r);

  orthonormalize(v, d, r);
  for (let it = 0; it < iterations; it++) {
    project(x, n, d, v, r, y);
    projectBack(x, n, d, y, r, v);
    orthonormalize(v, d, r);
  }
  return v;
}

/** Row-normalise `m` ([rows, width]) in place; zero rows stay zero. */
export function normalizeRows(m: Float32Array, width: number): Float32Array {
  for (let off = 0; off < m.length; off += width) {
    let ss = 0;
    for (let i = off; i < off + width; i++) ss += m[i]! * m[i]!;
    const k = ss > 0 ? 1 / Math.sqrt(ss) : 0;
    for (let i = off; i < off + width; i++) m[i]! *= k;
  }
  return m;
}

/** Features [n, d] projected to [n, r] and L2-normalised per row. */
export function embed(
  x: Float32Array,
  n: number,
  d: number,
  v: Float32Array,
  r: number,
): Float32Array {
  return normalizeRows(project(x, n, d, v, r), r);
}
