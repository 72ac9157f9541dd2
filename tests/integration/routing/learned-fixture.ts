/** A gateway whose `auto` group is a kNN router over two mock models. */
import type { Test } from 'tap';
import { startTestGateway } from '../../helpers/gateway.js';
import type { TestGateway } from '../../helpers/gateway.js';
import { buildKnnArtifact } from '../../helpers/router-artifact.js';
import type { TinyArtifact } from '../../helpers/router-artifact.js';

export const kMath = 'What is 12 plus 30? Compute the sum of the numbers.';
export const kCode = 'Write a Python function def reverse(lst): return lst.';

/** Two candidates: math-model wins on sums, code-model on Python. */
export function mathCodeArtifact(): TinyArtifact {
  return buildKnnArtifact(
    ['math-model', 'code-model'],
    [
      { text: 'What is 7 plus 5? Compute the sum.', scores: [1, 0] },
      {
        text: 'Compute 81 divided by 9 and the sum of 3 and 4.',
        scores: [1, 0],
      },
      {
        text: 'Write a Python function def add(a, b): return a + b',
        scores: [0, 1],
      },
      {
        text: 'Implement a Python class with def __init__(self).',
        scores: [0, 1],
      },
    ],
    [0.5, 0.5],
  );
}

/** Config text for the router (extra routeiq_settings lines allowed). */
export function routerYaml(dir: string, extra = ''): string {
  return `model_list:
  - model_name: math-model
    litellm_params: { model: mock/math, mock_chunks: 2 }
  - model_name: code-model
    litellm_params: { model: mock/code, mock_chunks: 2 }
  - model_name: auto
    litellm_params: { model: routeiq/auto }
routeiq_settings:
${extra}  routers:
    auto:
      strategy: knn
      artifact: ${dir}
      candidates: [math-model, code-model]
      default_model: math-model
      task_timeout_ms: 5000
`;
}

/** Start the gateway over a fresh artifact. */
export async function startRouterGateway(
  t: Test,
  extra = '',
): Promise<TestGateway & { artifact: TinyArtifact }> {
  const artifact = mathCodeArtifact();
  const gw = await startTestGateway(t, routerYaml(artifact.dir, extra));
  return { ...gw, artifact };
}
