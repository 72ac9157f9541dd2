/**
 * Exports an MLP router as ONNX: features [batch, dim] -> MatMul
 * (projection) -> LpNormalization -> Gemm -> Relu ... -> Gemm -> Sigmoid
 * -> quality [batch, C]. Gemm takes B as stored ([inputs, outputs],
 * transB = 0) and broadcasts the bias over the batch. With a task
 * prior, the sigmoid output is blended with it (prior-onnx.ts).
 */
import type { MlpModel } from './mlp.js';
import {
  batchValue,
  encodeModel,
  floatTensor,
  node,
  projectionPrefix,
} from './onnx-graph.js';
import type { PriorBlend } from './prior-onnx.js';
import { priorNodes } from './prior-onnx.js';

/** Serialised ONNX model of `model`, blended with `blend` when given. */
export function mlpToOnnx(model: MlpModel, blend?: PriorBlend): Uint8Array {
  const head = blend === undefined ? 'quality' : 'mlp_quality';
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
    const a = last ? head : `h${l}`;
    nodes.push(node('Gemm', [input, w, b], [z], { transA: 0, transB: 0 }));
    nodes.push(node(last ? 'Sigmoid' : 'Relu', [z], [a]));
    input = a;
  }

  if (blend !== undefined) {
    const tail = priorNodes(blend, head, 'quality');
    initializers.push(...tail.initializers);
    nodes.push(...tail.nodes);
  }

  return encodeModel({
    name: 'routeiq_mlp_router',
    nodes,
    initializers,
    inputs: [batchValue('features', model.dim)],
    outputs: [batchValue('quality', model.candidates)],
  });
}
