/**
 * The task prior: a softmax classifier over the training tasks
 * (benchmark, or benchmark/subject; targets.ts) on the projected
 * features, whose class probabilities weight each task's mean scores:
 * prior[c] = sum_t p(t | x) × mean score of candidate c on task t.
 * Knowing a prompt's benchmark and picking the best model for it is
 * most of what routing can gain on public benchmarks; this head makes
 * that recognition explicit instead of leaving it to the neighbours.
 *
 * Invariants: `layer` is [rank, tasks]; `means` is [tasks, candidates]
 * with row t the mean scores of task `tasks[t]` over the rows it was
 * fitted on.
 */
import { AdamLayer } from './adam.js';
import type { RoutingRow } from './dataset.js';
import type { DenseLayer } from './mlp.js';
import { denseForward } from './mlp.js';
import { seededRandom, shuffleInPlace } from './rng.js';
import { taskKey } from './targets.js';
import type { TrainContext } from './train-context.js';
import { complement, takeRows } from './train-context.js';

/** A fitted task prior. */
export interface TaskPrior {
  readonly tasks: readonly string[];
  readonly candidates: number;
  readonly layer: DenseLayer;
  readonly means: Float32Array;
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

/** Prior quality [batch, C] from projected features [batch, rank]. */
export function priorForward(
  prior: TaskPrior,
  embedded: Float32Array,
  batch: number,
): Float32Array {
  const nt = prior.tasks.length;
  const nc = prior.candidates;
  const p = new Float32Array(batch * nt);
  denseForward(prior.layer, embedded, batch, p);
  softmaxRows(p, nt);

  const out = new Float32Array(batch * nc);
  for (let b = 0; b < batch; b++) {
    for (let t = 0; t < nt; t++) {
      const w = p[b * nt + t]!;
      for (let c = 0; c < nc; c++) {
        out[b * nc + c]! += w * prior.means[t * nc + c]!;
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

/** Out-of-fold prior quality [rows, C] over the context's folds. */
export function oofPrior(
  ctx: TrainContext,
  opts: PriorOptions = kPriorOptions,
): Float32Array {
  const n = ctx.rows.length;
  const nc = ctx.candidates;
  const out = new Float32Array(n * nc);
  for (const fold of ctx.folds) {
    const fit = complement(n, fold);
    const prior = fitTaskPrior(
      takeRows(ctx.embedded, ctx.rank, fit),
      ctx.rank,
      fit.map((i) => ctx.rows[i]!),
      nc,
      ctx.seed,
      opts,
    );
    const q = priorForward(
      prior,
      takeRows(ctx.embedded, ctx.rank, fold),
      fold.length,
    );
    fold.forEach((r, i) => out.set(q.subarray(i * nc, (i + 1) * nc), r * nc));
  }
  return out;
}

/** The prior fitted on every training row. */
export function finalPrior(ctx: TrainContext): TaskPrior {
  return fitTaskPrior(
    ctx.embedded,
    ctx.rank,
    ctx.rows,
    ctx.candidates,
    ctx.seed,
  );
}
