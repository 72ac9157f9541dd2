import t from 'tap';
import { trainKnn } from '../../../src/training/knn-train.js';
import { trainMlpRouter } from '../../../src/training/mlp-train.js';
import { maxOnnxDeviation } from '../../../src/training/onnx-check.js';
import { prepareContext } from '../../../src/training/prepare.js';
import { kCandidates, kSmallParams, syntheticRows } from './fixture.js';

const { ctx, featurizer } = prepareContext(
  syntheticRows(90, 2),
  kCandidates.length,
  kSmallParams,
  { folds: 3, seed: 5, rank: 16 },
);
// Prompts the router never saw, in two batch sizes (dynamic batch axis).
const fresh = syntheticRows(9, 77).map((r) => r.prompt);
const batches = [fresh.slice(0, 1), fresh].map((texts) => ({
  n: texts.length,
  x: featurizer.featurizeBatch(texts),
}));

t.test('kNN graph matches the TypeScript reference within 1e-4', async (t) => {
  const knn = trainKnn(ctx);
  for (const { n, x } of batches) {
    const d = await maxOnnxDeviation(knn.onnx, x, n, ctx.dim, knn.forward);
    t.ok(d <= 1e-4, `batch ${n}: deviation ${d}`);
  }
});

t.test('MLP graph matches the TypeScript reference within 1e-4', async (t) => {
  const mlp = trainMlpRouter(ctx, [0.5]);
  for (const { n, x } of batches) {
    const d = await maxOnnxDeviation(mlp.onnx, x, n, ctx.dim, mlp.forward);
    t.ok(d <= 1e-4, `batch ${n}: deviation ${d}`);
  }
});

t.test(
  'trained routers rank the best candidate of each task first',
  async (t) => {
    const knn = trainKnn(ctx);
    const q = knn.forward(batches[1]!.x, 9);
    // Rows cycle math, code, trivia: "big" (index 0) is best on math/code.
    for (const row of [0, 1, 3, 4]) {
      const scores = Array.from(q.subarray(row * 3, row * 3 + 3));
      t.equal(scores.indexOf(Math.max(...scores)), 0, `row ${row}`);
    }
  },
);
