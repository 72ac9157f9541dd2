/**
 * Per-task linear experts for the task prior (prior.ts): for each
 * training task, a ridge regression of the candidates' scores on the
 * prompt's dense task block (task-features.ts: length, layout, how it
 * ends, digits, ...). The prior then predicts
 * sum_t p(t | x) × expert_t(x) instead of sum_t p(t | x) × mean_t, so
 * a long competition problem and a short one of the same benchmark may
 * favour different models. Ridge keeps each expert near its task mean:
 * most scores are single 0/1 outcomes and a task has a few hundred rows.
 *
 * Invariants: `weights` is row-major [inputs, tasks × candidates] and
 * `bias` [tasks × candidates], both task-major (task t, candidate c at
 * column t × candidates + c); the inputs are feature columns
 * [offset, offset + inputs) of the featurizer output.
 */
import type { DenseLayer } from './mlp.js';
import { denseForward } from './mlp.js';

/** Fitted experts: one dense layer reading a slice of the features. */
export interface TaskExperts {
  /** Width of the featurizer output the experts read from. */
  readonly dim: number;
  /** First feature column the experts read. */
  readonly offset: number;
  readonly tasks: number;
  readonly candidates: number;
  readonly layer: DenseLayer;
}

/** What the experts are fitted on; rows are aligned across the fields. */
export interface ExpertData {
  /** Row-major [rows, dim] featurizer output. */
  readonly features: Float32Array;
  readonly dim: number;
  readonly offset: number;
  readonly inputs: number;
  /** Task index of each row, in [0, tasks). */
  readonly labels: Int32Array;
  readonly tasks: number;
  /** Row-major [rows, candidates] scores. */
  readonly scores: Float64Array;
  readonly candidates: number;
}

/**
 * Solve the symmetric positive-definite system `a x = b` in place
 * (Cholesky; `a` [n, n] is overwritten, `b` [n, m] becomes x).
 */
export function solveSpd(
  a: Float64Array,
  b: Float64Array,
  n: number,
  m: number,
): void {
  for (let j = 0; j < n; j++) {
    let d = a[j * n + j]!;
    for (let k = 0; k < j; k++) d -= a[j * n + k]! ** 2;
    if (!(d > 0)) throw new RangeError('matrix is not positive definite');
    d = Math.sqrt(d);
    a[j * n + j] = d;
    for (let i = j + 1; i < n; i++) {
      let s = a[i * n + j]!;
      for (let k = 0; k < j; k++) s -= a[i * n + k]! * a[j * n + k]!;
      a[i * n + j] = s / d;
    }
  }

  // Forward then backward substitution, column by column of b.
  for (let c = 0; c < m; c++) {
    for (let i = 0; i < n; i++) {
      let s = b[i * m + c]!;
      for (let k = 0; k < i; k++) s -= a[i * n + k]! * b[k * m + c]!;
      b[i * m + c] = s / a[i * n + i]!;
    }
    for (let i = n - 1; i >= 0; i--) {
      let s = b[i * m + c]!;
      for (let k = i + 1; k < n; k++) s -= a[k * n + i]! * b[k * m + c]!;
      b[i * m + c] = s / a[i * n + i]!;
    }
  }
}

/**
 * Ridge fit of every task's scores on the feature slice, with an
 * unpenalised intercept, so `ridge` → ∞ gives the task means exactly.
 * Every task index in [0, tasks) must have at least one row.
 */
export function fitTaskExperts(data: ExpertData, ridge: number): TaskExperts {
  const { features, dim, offset, inputs, labels, tasks, candidates } = data;
  const n = inputs + 1;
  const weights = new Float32Array(inputs * tasks * candidates);
  const bias = new Float32Array(tasks * candidates);

  for (let t = 0; t < tasks; t++) {
    const a = new Float64Array(n * n);
    const b = new Float64Array(n * candidates);
    const z = new Float64Array(n);
    let rows = 0;
    for (let r = 0; r < labels.length; r++) {
      if (labels[r] !== t) continue;
      rows++;
      for (let i = 0; i < inputs; i++) z[i] = features[r * dim + offset + i]!;
      z[inputs] = 1;
      accumulate(a, b, z, data.scores, r, candidates);
    }
    if (rows === 0) throw new RangeError(`task ${t} has no rows`);
    for (let i = 0; i < inputs; i++) a[i * n + i]! += ridge;
    solveSpd(a, b, n, candidates);

    for (let c = 0; c < candidates; c++) {
      const col = t * candidates + c;
      for (let i = 0; i < inputs; i++) {
        weights[i * tasks * candidates + col] = b[i * candidates + c]!;
      }
      bias[col] = b[inputs * candidates + c]!;
    }
  }
  const layer = { inputs, outputs: tasks * candidates, weights, bias };
  return { dim, offset, tasks, candidates, layer };
}

/** a += z zᵀ, b += z scoresᵀ for row r. */
function accumulate(
  a: Float64Array,
  b: Float64Array,
  z: Float64Array,
  scores: Float64Array,
  r: number,
  candidates: number,
): void {
  const n = z.length;
  for (let i = 0; i < n; i++) {
    const zi = z[i]!;
    if (zi === 0) continue;
    for (let j = 0; j < n; j++) a[i * n + j]! += zi * z[j]!;
    for (let c = 0; c < candidates; c++) {
      b[i * candidates + c]! += zi * scores[r * candidates + c]!;
    }
  }
}

/** Expert predictions [batch, tasks × candidates] for raw features. */
export function expertsForward(
  experts: TaskExperts,
  features: Float32Array,
  batch: number,
): Float32Array {
  const { inputs, outputs } = experts.layer;
  const dim = experts.dim;
  const x = new Float32Array(batch * inputs);
  for (let r = 0; r < batch; r++) {
    const from = r * dim + experts.offset;
    x.set(features.subarray(from, from + inputs), r * inputs);
  }
  const out = new Float32Array(batch * outputs);
  denseForward(experts.layer, x, batch, out);
  return out;
}
