/**
 * Exports an MLP router as ONNX: features [batch, dim] -> MatMul
 * (projection) -> LpNormalization -> Gemm -> Relu ... -> Gemm -> Sigmoid
 * -> quality [batch, C]. Gemm takes B as stored ([inputs, outputs],
 * transB = 0) and broadcasts the bias over the batch.
 */
import type { MlpModel } from './mlp.js';
import {
  batchValue,
  encodeModel,
  floatTensor,
  node,
  projectionPrefix,
} from './onnx-graph.js';

/** Serialised ONNX model of `model`. */
export function mlpToOnnx(model: MlpModel): Uint8Array {
  const prefix = projectionPrefix(model.projection, model.dim);
  const initializers = [...prefix.initializers];
  const nodes = [...prefix.nodes];
  let input = 'embedded';

  for (let l = 0; l < model.layers.length; l++) {
    const layer = model.layers[l]!;
    const last = l === model.layers.length - 1;
    const w = `w${l}`;
    const b = `b${l}`;
    initializers.push(
      floatTensor(w, [layer.inputs, layer.outputs], layer.weights),
      floatTensor(b, [layer.outputs], layer.bias),
    );

    const z = last ? 'logits' : `z${l}`;
    const a = last ? 'quality' : `h${l}`;
    nodes.push(node('Gemm', [input, w, b], [z], { transA: 0, transB: 0 }));
    nodes.push(node(last ? 'Sigmoid' : 'Relu', [z], [a]));
    input = a;
  }

  return encodeModel({
    name: 'routeiq_mlp_router',
    nodes,
    initializers,
    inputs: [batchValue('features', model.dim)],
    outputs: [batchValue('quality', model.candidates)],
  });
}
