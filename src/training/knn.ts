/**
 * The kNN router's parameters and its TypeScript reference forward pass,
 * which the ONNX graph (knn-onnx.ts) must reproduce within 1e-4.
 *
 * A query's features are projected onto the training features' top
 * singular subspace (subspace.ts) and L2-normalised; then
 * quality[c] = sum_j w_j * targets[n_j, c] / sum_j w_j over the k most
 * cosine-similar training rows n_j, with w_j = max(sim_j, eps)^power.
 * Invariants: `projection` is [dim, rank]; `embeddings` is [rows, rank]
 * with unit rows (projected training features); `targets` is
 * [rows, candidates]; 1 <= k <= rows.
 */

import { embed } from './subspace.js';

// Kept here too: callers building kNN embeddings by hand import it.
export { normalizeRows } from './subspace.js';

/** A trained kNN router. */
export interface KnnModel {
  readonly dim: number;
  readonly rank: number;
  readonly rows: number;
  readonly candidates: number;
  readonly k: number;
  /** Sharpens distance weighting; 0 is a plain mean. */
  readonly power: number;
  readonly projection: Float32Array;
  readonly embeddings: Float32Array;
  readonly targets: Float32Array;
}

/** Floor on similarities before the power, as in the graph. */
export const kKnnMinWeight = 1e-6;

/** Indices of the k largest values; equal values keep the lower index. */
export function topK(values: Float32Array, k: number, out: Int32Array): void {
  let size = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (size === k && v <= values[out[k - 1]!]!) continue;

    // Insertion into the sorted prefix; `>=` keeps earlier indices first.
    let j = size < k ? size++ : k - 1;
    while (j > 0 && values[out[j - 1]!]! < v) {
      out[j] = out[j - 1]!;
      j--;
    }
    out[j] = i;
  }
}

/** Reference forward pass: [batch, dim] features to [batch, C] quality. */
export function knnForward(
  model: KnnModel,
  features: Float32Array,
  batch: number,
): Float32Array {
  const { dim, rank, rows, candidates: nc, k, power } = model;
  const out = new Float32Array(batch * nc);
  const sims = new Float32Array(rows);
  const idx = new Int32Array(k);
  const queries = embed(features, batch, dim, model.projection, rank);

  for (let b = 0; b < batch; b++) {
    const query = queries.subarray(b * rank, (b + 1) * rank);
    for (let r = 0; r < rows; r++) {
      let s = 0;
      const off = r * rank;
      for (let i = 0; i < rank; i++) {
        s += query[i]! * model.embeddings[off + i]!;
      }
      sims[r] = s;
    }

    topK(sims, k, idx);
    let wsum = 0;
    for (let j = 0; j < k; j++) {
      const r = idx[j]!;
      const w = Math.pow(Math.max(sims[r]!, kKnnMinWeight), power);
      wsum += w;
      for (let c = 0; c < nc; c++) {
        out[b * nc + c]! += w * model.targets[r * nc + c]!;
      }
    }
    for (let c = 0; c < nc; c++) out[b * nc + c]! /= wsum;
  }
  return out;
}
