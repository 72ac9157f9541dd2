/**
 * The MLP router's parameters and its TypeScript reference forward pass,
 * which the ONNX graph (mlp-onnx.ts) must reproduce within 1e-4: the
 * features are projected onto the training subspace and L2-normalised
 * (subspace.ts, fixed, shared with the kNN router), then dense layers
 * with ReLU between them and a sigmoid on the last give one output per
 * candidate (predicted quality in 0..1).
 * Invariants: `projection` is [dim, rank]; layer l's `weights` is
 * row-major [inputs, outputs]; each layer's inputs equal the previous
 * layer's outputs; the first layer's inputs equal `rank`, the last's
 * outputs the number of candidates.
 */
import { embed } from './subspace.js';

/** One dense layer. */
export interface DenseLayer {
  readonly inputs: number;
  readonly outputs: number;
  readonly weights: Float32Array;
  readonly bias: Float32Array;
}

/** A trained MLP router. */
export interface MlpModel {
  readonly dim: number;
  readonly rank: number;
  readonly projection: Float32Array;
  readonly candidates: number;
  readonly layers: readonly DenseLayer[];
}

/** out[b, :] = x[b, :] . W + bias, skipping zero inputs (sparse text). */
export function denseForward(
  layer: DenseLayer,
  x: Float32Array,
  batch: number,
  out: Float32Array,
): void {
  const { inputs: ni, outputs: no, weights: w, bias } = layer;
  for (let b = 0; b < batch; b++) {
    const o = b * no;
    out.set(bias, o);
    for (let i = 0; i < ni; i++) {
      const v = x[b * ni + i]!;
      if (v === 0) continue;
      const row = i * no;
      for (let j = 0; j < no; j++) out[o + j]! += v * w[row + j]!;
    }
  }
}

/** Logistic function; stable for large |x|. */
export function sigmoid(x: number): number {
  return x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x));
}

/** Reference forward pass: [batch, dim] features to [batch, C] quality. */
export function mlpForward(
  model: MlpModel,
  features: Float32Array,
  batch: number,
): Float32Array {
  let x = embed(features, batch, model.dim, model.projection, model.rank);
  model.layers.forEach((layer, l) => {
    const out = new Float32Array(batch * layer.outputs);
    denseForward(layer, x, batch, out);
    const last = l === model.layers.length - 1;
    for (let i = 0; i < out.length; i++) {
      out[i] = last ? sigmoid(out[i]!) : Math.max(out[i]!, 0);
    }
    x = out;
  });
  return x;
}
