/**
 * Exports a kNN router as ONNX: features [batch, dim] -> quality
 * [batch, C]. Steps: project onto the stored subspace (MatMul with
 * [dim, rank]), L2-normalise (LpNormalization), cosine similarity against
 * the stored unit embeddings (MatMul with [rank, rows]), TopK, weights
 * max(sim, eps)^power, gather the neighbours' target rows and take
 * their weighted mean; with a task prior, blend it in (prior-onnx.ts).
 * Spec: https://onnx.ai/onnx/operators/
 */
import type { KnnModel } from './knn.js';
import { kKnnMinWeight } from './knn.js';
import {
  batchValue,
  encodeModel,
  floatTensor,
  int64Tensor,
  node,
  projectionPrefix,
} from './onnx-graph.js';
import type { PriorBlend } from './prior-onnx.js';
import { priorNodes } from './prior-onnx.js';

/** Transpose [rows, dim] to [dim, rows] so MatMul needs no Transpose op. */
function transpose(m: Float32Array, rows: number, dim: number): Float32Array {
  const t = new Float32Array(m.length);
  for (let r = 0; r < rows; r++) {
    for (let i = 0; i < dim; i++) t[i * rows + r] = m[r * dim + i]!;
  }
  return t;
}

/** Serialised ONNX model of `model`, blended with `blend` when given. */
export function knnToOnnx(model: KnnModel, blend?: PriorBlend): Uint8Array {
  const { dim, rank, rows, candidates, k, power } = model;
  const head = blend === undefined ? 'quality' : 'knn_quality';
  const tail = blend === undefined ? null : priorNodes(blend, head, 'quality');
  const prefix = projectionPrefix(model.projection, dim);
  const initializers = [
    ...prefix.initializers,
    floatTensor(
      'embeddings_t',
      [rank, rows],
      transpose(model.embeddings, rows, rank),
    ),
    floatTensor('targets', [rows, candidates], model.targets),
    int64Tensor('k', [k]),
    floatTensor('min_weight', [], new Float32Array([kKnnMinWeight])),
    floatTensor('power', [], new Float32Array([power])),
    int64Tensor('axis_last', [-1]),
    int64Tensor('axis_1', [1]),
    ...(tail?.initializers ?? []),
  ];

  const nodes = [
    ...prefix.nodes,
    node('MatMul', ['embedded', 'embeddings_t'], ['sims']),
    node('TopK', ['sims', 'k'], ['top_sims', 'top_idx'], {
      axis: -1,
      largest: 1,
      sorted: 1,
    }),
    node('Max', ['top_sims', 'min_weight'], ['floored']),
    node('Pow', ['floored', 'power'], ['weights']),
    // Gather on axis 0 turns [batch, k] indices into [batch, k, C] rows.
    node('Gather', ['targets', 'top_idx'], ['neighbour_targets'], { axis: 0 }),
    node('Unsqueeze', ['weights', 'axis_last'], ['weights_3d']),
    node('Mul', ['neighbour_targets', 'weights_3d'], ['weighted']),
    node('ReduceSum', ['weighted', 'axis_1'], ['weighted_sum'], {
      keepdims: 0,
    }),
    node('ReduceSum', ['weights', 'axis_1'], ['weight_sum'], { keepdims: 1 }),
    node('Div', ['weighted_sum', 'weight_sum'], [head]),
    ...(tail?.nodes ?? []),
  ];

  return encodeModel({
    name: 'routeiq_knn_router',
    nodes,
    initializers,
    inputs: [batchValue('features', dim)],
    outputs: [batchValue('quality', candidates)],
  });
}
