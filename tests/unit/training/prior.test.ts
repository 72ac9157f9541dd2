import t from 'tap';
import { maxOnnxDeviation } from '../../../src/training/onnx-check.js';
import { prepareContext } from '../../../src/training/prepare.js';
import { fitTaskPrior, priorForward } from '../../../src/training/prior.js';
import { embed } from '../../../src/training/subspace.js';
import { trainKnn } from '../../../src/training/knn-train.js';
import { trainMlpRouter } from '../../../src/training/mlp-train.js';
import { kCandidates, kSmallParams, syntheticRows } from './fixture.js';

const { ctx, featurizer } = prepareContext(
  syntheticRows(90, 2),
  kCandidates.length,
  kSmallParams,
  { folds: 3, seed: 5, rank: 16 },
);
const fresh = syntheticRows(9, 77).map((r) => r.prompt);
const x = featurizer.featurizeBatch(fresh);
const nc = kCandidates.length;

t.test('task prior puts each fresh prompt nearest its task means', (t) => {
  const prior = fitTaskPrior(ctx.embedded, ctx.rank, ctx.rows, nc, 1);
  t.same(prior.tasks, ['code', 'math', 'trivia']);
  const e = embed(x, fresh.length, ctx.dim, ctx.projection, ctx.rank);
  const q = priorForward(prior, e, fresh.length);
  const dist = (r: number, task: number) => {
    let s = 0;
    for (let c = 0; c < nc; c++) {
      s += (q[r * nc + c]! - prior.means[task * nc + c]!) ** 2;
    }
    return s;
  };
  // Fresh rows cycle math, code, trivia (task indices 1, 0, 2).
  const taskOf = [1, 0, 2];
  for (let r = 0; r < fresh.length; r++) {
    const own = taskOf[r % 3]!;
    const others = [0, 1, 2].filter((k) => k !== own);
    t.ok(
      others.every((k) => dist(r, own) < dist(r, k)),
      `row ${r}`,
    );
  }
  t.end();
});

t.test('routers blended with the prior match their graphs', async (t) => {
  const routers = [trainKnn(ctx), trainMlpRouter(ctx, [0.5], [0.75])];
  for (const r of routers) {
    const d = await maxOnnxDeviation(
      r.onnx,
      x,
      fresh.length,
      ctx.dim,
      r.forward,
    );
    t.ok(d <= 1e-4, `deviation ${d}`);
  }
  t.equal(routers[1]!.params.alpha, 0.75);
});

t.test('a prior with per-task experts matches its graph', async (t) => {
  const mlp = trainMlpRouter(ctx, [0.5], [1], [3]);
  t.equal(mlp.params.experts, 3);
  for (const n of [1, fresh.length]) {
    const xb = x.subarray(0, n * ctx.dim);
    const d = await maxOnnxDeviation(mlp.onnx, xb, n, ctx.dim, mlp.forward);
    t.ok(d <= 1e-4, `batch ${n}: deviation ${d}`);
  }
});

t.test('prior weight 0 leaves the router as trained alone', async (t) => {
  const alone = trainMlpRouter(ctx, [0.5], [0]);
  t.equal(alone.params.alpha, 0);
  const d = await maxOnnxDeviation(
    alone.onnx,
    x,
    fresh.length,
    ctx.dim,
    alone.forward,
  );
  t.ok(d <= 1e-4, `deviation ${d}`);
  t.notOk(alone.selection.some((s) => s.params.alpha !== 0));
});
