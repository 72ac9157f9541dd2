/**
 * The task prior: a softmax classifier over the training tasks
 * (benchmark, or benchmark/subject; targets.ts) on the projected
 * features, whose class probabilities weight each task's mean scores:
 * prior[c] = sum_t p(t | x) × mean score of candidate c on task t.
 * Knowing a prompt's benchmark and picking the best model for it is
 * most of what routing can gain on public benchmarks; this head makes
 * that recognition explicit instead of leaving it to the neighbours.
 *
 * With per-task experts (task-experts.ts) the task means are replaced
 * by each task's linear prediction from the prompt's task block:
 * prior[c] = sum_t p(t | x) × expert_t(x)[c].
 *
 * Invariants: `layer` is [rank, tasks]; `means` is [tasks, candidates]
 * with row t the mean scores of task `tasks[t]` over the rows it was
 * fitted on; `experts`, when present, covers the same tasks in the same
 * order.
 */
import { AdamLayer } from './adam.js';
import type { RoutingRow } from './dataset.js';
import type { DenseLayer } from './mlp.js';
import { denseForward } from './mlp.js';
import { seededRandom, shuffleInPlace } from './rng.js';
import { taskKey } from './targets.js';
import type { TaskExperts } from './task-experts.js';
import { expertsForward, fitTaskExperts } from './task-experts.js';
import { kTaskFeatureCount } from './task-features.js';
import type { TrainContext } from './train-context.js';
import { complement, takeRows } from './train-context.js';

/** A fitted task prior. */
export interface TaskPrior {
  readonly tasks: readonly string[];
  readonly candidates: number;
  readonly layer: DenseLayer;
  readonly means: Float32Array;
  /** Per-task experts replacing `means` in the output, when fitted. */
  readonly experts?: TaskExperts;
}

/** Optimiser settings of the prior's classifier. */
export interface PriorOptions {
  readonly epochs: number;
  readonly learningRate: number;
  readonly weightDecay: number;
  readonly batchSize: number;
}

/** Fixed optimiser settings (chosen on the 9-model training part). */
export const kPriorOptions: PriorOptions = Object.freeze({
  epochs: 40,
  learningRate: 1e-2,
  weightDecay: 1e-4,
  batchSize: 64,
});

/** Per-task mean scores of `rows`, tasks in sorted order. */
function taskMeans(
  rows: readonly RoutingRow[],
  candidates: number,
): { tasks: string[]; labels: Int32Array; means: Float32Array } {
  const tasks = [...new Set(rows.map(taskKey))].sort();
  const index = new Map(tasks.map((t, i) => [t, i]));
  const labels = Int32Array.from(rows, (r) => index.get(taskKey(r))!);
  const sums = new Float64Array(tasks.length * candidates);
  const counts = new Float64Array(tasks.length);
  rows.forEach((r, i) => {
    const t = labels[i]!;
    counts[t]! += 1;
    for (let c = 0; c < candidates; c++) {
      sums[t * candidates + c]! += r.scores[c]!;
    }
  });
  const means = Float32Array.from(
    sums,
    (s, i) => s / counts[Math.floor(i / candidates)]!,
  );
  return { tasks, labels, means };
}

/** Softmax of each row of `z` ([rows, width]) in place. */
export function softmaxRows(z: Float32Array, width: number): Float32Array {
  for (let off = 0; off < z.length; off += width) {
    let max = -Infinity;
    for (let i = off; i < off + width; i++) max = Math.max(max, z[i]!);
    let sum = 0;
    for (let i = off; i < off + width; i++) sum += z[i] = Math.exp(z[i]! - max);
    for (let i = off; i < off + width; i++) z[i]! /= sum;
  }
  return z;
}

/**
 * Fit the prior on rows `rows` whose projected features are `embedded`
 * ([rows.length, rank], row-aligned); deterministic for equal inputs.
 */
export function fitTaskPrior(
  embedded: Float32Array,
  rank: number,
  rows: readonly RoutingRow[],
  candidates: number,
  seed: number,
  opts: PriorOptions = kPriorOptions,
): TaskPrior {
  const { tasks, labels, means } = taskMeans(rows, candidates);
  const nt = tasks.length;
  const layer: DenseLayer = {
    inputs: rank,
    outputs: nt,
    weights: new Float32Array(rank * nt),
    bias: new Float32Array(nt),
  };
  const adam = new AdamLayer(layer, opts);
  const random = seededRandom(seed);
  const x = new Float32Array(opts.batchSize * rank);
  const z = new Float32Array(opts.batchSize * nt);
  const grad = { w: new Float32Array(rank * nt), b: new Float32Array(nt) };

  const order = Array.from({ length: rows.length }, (_, i) => i);
  for (let epoch = 0; epoch < opts.epochs; epoch++) {
    shuffleInPlace(order, random);
    for (let start = 0; start < order.length; start += opts.batchSize) {
      const batch = order.slice(start, start + opts.batchSize);
      const n = batch.length;
      batch.forEach((r, b) => {
        x.set(embedded.subarray(r * rank, (r + 1) * rank), b * rank);
      });
      denseForward(layer, x, n, z);
      softmaxRows(z.subarray(0, n * nt), nt);

      // Softmax + cross-entropy: the logit gradient is p - onehot.
      batch.forEach((r, b) => (z[b * nt + labels[r]!]! -= 1));
      gradients(x, z, n, rank, nt, grad);
      adam.step(grad);
    }
  }
  return { tasks, candidates, layer, means };
}

/** grad.w = x^T . dz / n, grad.b = column means of dz. */
function gradients(
  x: Float32Array,
  dz: Float32Array,
  n: number,
  rank: number,
  nt: number,
  grad: { w: Float32Array; b: Float32Array },
): void {
  grad.w.fill(0);
  grad.b.fill(0);
  for (let b = 0; b < n; b++) {
    for (let t = 0; t < nt; t++) grad.b[t]! += dz[b * nt + t]! / n;
    for (let i = 0; i < rank; i++) {
      const v = x[b * rank + i]! / n;
      for (let t = 0; t < nt; t++) grad.w[i * nt + t]! += v * dz[b * nt + t]!;
    }
  }
}

/**
 * Prior quality [batch, C] from projected features [batch, rank]; a
 * prior with experts also reads the raw features [batch, dim].
 */
export function priorForward(
  prior: TaskPrior,
  embedded: Float32Array,
  batch: number,
  features?: Float32Array,
): Float32Array {
  const nt = prior.tasks.length;
  const nc = prior.candidates;
  const p = new Float32Array(batch * nt);
  denseForward(prior.layer, embedded, batch, p);
  softmaxRows(p, nt);

  const { experts } = prior;
  if (experts !== undefined && features === undefined) {
    throw new RangeError('a prior with experts needs the raw features');
  }
  // Without experts every row mixes the same table, the task means.
  const table =
    experts === undefined ? null : expertsForward(experts, features!, batch);
  const m = table ?? prior.means;
  const stride = table === null ? 0 : nt * nc;
  const out = new Float32Array(batch * nc);
  for (let b = 0; b < batch; b++) {
    const base = b * stride;
    for (let t = 0; t < nt; t++) {
      const w = p[b * nt + t]!;
      for (let c = 0; c < nc; c++) {
        out[b * nc + c]! += w * m[base + t * nc + c]!;
      }
    }
  }
  return out;
}

/** `alpha × prior + (1 − alpha) × base`, in place into `base`. */
export function blendInto(
  base: Float32Array,
  prior: Float32Array,
  alpha: number,
): Float32Array {
  for (let i = 0; i < base.length; i++) {
    base[i] = alpha * prior[i]! + (1 - alpha) * base[i]!;
  }
  return base;
}

/** Blend weights of the prior that cross-validation chooses from. */
export const kPriorAlphaGrid: readonly number[] = Object.freeze([
  0, 0.75, 0.9, 1,
]);

/**
 * Ridge penalties of the per-task experts that cross-validation chooses
 * from; 0 stands for "no experts" (the task means alone, the limit of
 * an infinite penalty).
 */
export const kExpertRidgeGrid: readonly number[] = Object.freeze([0, 1, 3, 10]);

/** `prior` with experts of penalty `ridge` fitted on `rows` (0: none). */
export function withExperts(
  prior: TaskPrior,
  features: Float32Array,
  dim: number,
  rows: readonly RoutingRow[],
  ridge: number,
): TaskPrior {
  if (ridge === 0) return prior;
  const nc = prior.candidates;
  const index = new Map(prior.tasks.map((t, i) => [t, i]));
  const scores = new Float64Array(rows.length * nc);
  rows.forEach((r, i) => scores.set(r.scores.subarray(0, nc), i * nc));
  const experts = fitTaskExperts(
    {
      features,
      dim,
      // The task block closes the featurizer output (featurizer.ts).
      offset: dim - kTaskFeatureCount,
      inputs: kTaskFeatureCount,
      labels: Int32Array.from(rows, (r) => index.get(taskKey(r))!),
      tasks: prior.tasks.length,
      scores,
      candidates: nc,
    },
    ridge,
  );
  return { ...prior, experts };
}

/**
 * Out-of-fold prior quality [rows, C] over the context's folds, one
 * matrix per entry of `ridges`; each fold's classifier is shared.
 */
export function oofPriors(
  ctx: TrainContext,
  ridges: readonly number[] = [0],
  opts: PriorOptions = kPriorOptions,
): Float32Array[] {
  const n = ctx.rows.length;
  const nc = ctx.candidates;
  const outs = ridges.map(() => new Float32Array(n * nc));
  for (const fold of ctx.folds) {
    const fit = complement(n, fold);
    const fitRows = fit.map((i) => ctx.rows[i]!);
    const prior = fitTaskPrior(
      takeRows(ctx.embedded, ctx.rank, fit),
      ctx.rank,
      fitRows,
      nc,
      ctx.seed,
      opts,
    );
    const fitX = takeRows(ctx.features, ctx.dim, fit);
    const e = takeRows(ctx.embedded, ctx.rank, fold);
    const x = takeRows(ctx.features, ctx.dim, fold);
    ridges.forEach((ridge, g) => {
      const p = withExperts(prior, fitX, ctx.dim, fitRows, ridge);
      const q = priorForward(p, e, fold.length, x);
      fold.forEach((r, i) =>
        outs[g]!.set(q.subarray(i * nc, (i + 1) * nc), r * nc),
      );
    });
  }
  return outs;
}

/** The prior fitted on every training row, with experts unless 0. */
export function finalPrior(ctx: TrainContext, ridge = 0): TaskPrior {
  const prior = fitTaskPrior(
    ctx.embedded,
    ctx.rank,
    ctx.rows,
    ctx.candidates,
    ctx.seed,
  );
  return withExperts(prior, ctx.features, ctx.dim, ctx.rows, ridge);
}
