/**
 * The task prior (prior.ts) as ONNX nodes appended to a router graph:
 * Gemm on the projected features (`embedded`), Softmax over the tasks,
 * MatMul with the per-task mean scores, then the blend
 * `alpha × prior + (1 − alpha) × base` named `quality`. The router's
 * own head writes `base`. Spec: https://onnx.ai/onnx/operators/
 */
import { floatTensor, node } from './onnx-graph.js';
import type { TaskPrior } from './prior.js';

/** A prior and the weight it gets in the router's output. */
export interface PriorBlend {
  readonly prior: TaskPrior;
  readonly alpha: number;
}

/** Initialisers and nodes turning `embedded` and `base` into `output`. */
export function priorNodes(
  blend: PriorBlend,
  base: string,
  output: string,
): {
  initializers: ReturnType<typeof floatTensor>[];
  nodes: ReturnType<typeof node>[];
} {
  const { prior, alpha } = blend;
  const nt = prior.tasks.length;
  const { inputs, weights, bias } = prior.layer;
  const scalar = (v: number) => new Float32Array([v]);
  return {
    initializers: [
      floatTensor('prior_w', [inputs, nt], weights),
      floatTensor('prior_b', [nt], bias),
      floatTensor('prior_means', [nt, prior.candidates], prior.means),
      floatTensor('prior_alpha', [], scalar(alpha)),
      floatTensor('base_alpha', [], scalar(1 - alpha)),
    ],
    nodes: [
      node('Gemm', ['embedded', 'prior_w', 'prior_b'], ['prior_logits']),
      node('Softmax', ['prior_logits'], ['prior_probs'], { axis: 1 }),
      node('MatMul', ['prior_probs', 'prior_means'], ['prior_quality']),
      node('Mul', ['prior_quality', 'prior_alpha'], ['prior_part']),
      node('Mul', [base, 'base_alpha'], ['base_part']),
      node('Add', ['prior_part', 'base_part'], [output]),
    ],
  };
}
