/**
 * The task prior (prior.ts) as ONNX nodes appended to a router graph:
 * Gemm on the projected features (`embedded`), Softmax over the tasks,
 * MatMul with the per-task mean scores, then the blend
 * `alpha × prior + (1 − alpha) × base` named `quality`. The router's
 * own head writes `base`. With per-task experts (task-experts.ts) the
 * MatMul becomes: Slice of the task block of `features`, Gemm to
 * [batch, tasks × C], Reshape to [batch, tasks, C], Mul by the task
 * probabilities (Unsqueezed to [batch, tasks, 1]), ReduceSum over the
 * tasks. Spec: https://onnx.ai/onnx/operators/
 */
import { floatTensor, int64Tensor, node } from './onnx-graph.js';
import type { TaskPrior } from './prior.js';
import type { TaskExperts } from './task-experts.js';

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
  const mix =
    prior.experts === undefined
      ? {
          initializers: [
            floatTensor('prior_means', [nt, prior.candidates], prior.means),
          ],
          nodes: [
            node('MatMul', ['prior_probs', 'prior_means'], ['prior_quality']),
          ],
        }
      : expertNodes(prior.experts);
  return {
    initializers: [
      floatTensor('prior_w', [inputs, nt], weights),
      floatTensor('prior_b', [nt], bias),
      ...mix.initializers,
      floatTensor('prior_alpha', [], scalar(alpha)),
      floatTensor('base_alpha', [], scalar(1 - alpha)),
    ],
    nodes: [
      node('Gemm', ['embedded', 'prior_w', 'prior_b'], ['prior_logits']),
      node('Softmax', ['prior_logits'], ['prior_probs'], { axis: 1 }),
      ...mix.nodes,
      node('Mul', ['prior_quality', 'prior_alpha'], ['prior_part']),
      node('Mul', [base, 'base_alpha'], ['base_part']),
      node('Add', ['prior_part', 'base_part'], [output]),
    ],
  };
}

/** `prior_probs` and `features` to `prior_quality` through the experts. */
function expertNodes(experts: TaskExperts) {
  const { offset, tasks, candidates, layer } = experts;
  const { inputs, outputs, weights, bias } = layer;
  return {
    initializers: [
      int64Tensor('experts_start', [offset]),
      int64Tensor('experts_end', [offset + inputs]),
      int64Tensor('experts_axes', [1]),
      floatTensor('experts_w', [inputs, outputs], weights),
      floatTensor('experts_b', [outputs], bias),
      // 0 in a Reshape target copies the input's (dynamic) batch size.
      int64Tensor('experts_shape', [0, tasks, candidates]),
      int64Tensor('experts_task_axis', [1]),
      int64Tensor('experts_last_axis', [2]),
    ],
    nodes: [
      node(
        'Slice',
        ['features', 'experts_start', 'experts_end', 'experts_axes'],
        ['task_block'],
      ),
      node('Gemm', ['task_block', 'experts_w', 'experts_b'], ['expert_flat']),
      node('Reshape', ['expert_flat', 'experts_shape'], ['expert_quality']),
      node('Unsqueeze', ['prior_probs', 'experts_last_axis'], ['task_probs']),
      node('Mul', ['expert_quality', 'task_probs'], ['expert_weighted']),
      node(
        'ReduceSum',
        ['expert_weighted', 'experts_task_axis'],
        ['prior_quality'],
        { keepdims: 0 },
      ),
    ],
  };
}
