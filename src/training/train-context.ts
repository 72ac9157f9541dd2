/**
 * What every router trainer receives and returns. Trainers choose their
 * knobs by K-fold cross-validation on the training part only (the
 * held-out part is never seen before `eval`), and hand back out-of-fold
 * predictions so the default cost weight is chosen on data the final
 * model did not fit.
 */
import type { CostModel } from './costs.js';
import type { RoutingRow } from './dataset.js';

/** The training part, featurized, with its cross-validation folds. */
export interface TrainContext {
  readonly rows: readonly RoutingRow[];
  readonly candidates: number;
  /** Row-major [rows.length, dim] featurizer output. */
  readonly features: Float32Array;
  readonly dim: number;
  /** Shared projection [dim, rank] (subspace.ts) and its output. */
  readonly projection: Float32Array;
  readonly rank: number;
  /** Row-major [rows.length, rank] projected, unit-length features. */
  readonly embedded: Float32Array;
  /** Disjoint validation folds of row indices covering every row. */
  readonly folds: readonly (readonly number[])[];
  readonly costs: CostModel;
  readonly seed: number;
}

/** One scored setting tried during selection. */
export interface SelectionEntry {
  readonly params: Readonly<Record<string, number | readonly number[]>>;
  /** AIQ of the out-of-fold predictions. */
  readonly oofAiq: number;
}

/** A trained router, ready to export. */
export interface FittedRouter {
  readonly onnx: Uint8Array;
  readonly params: Readonly<Record<string, number | readonly number[]>>;
  /** Out-of-fold predictions [rows, C] of the chosen setting. */
  readonly oof: Float32Array;
  readonly selection: readonly SelectionEntry[];
  /** The TypeScript reference forward pass of the final model. */
  forward(features: Float32Array, batch: number): Float32Array;
}

/** Rows `idx` of a row-major matrix with `width` columns. */
export function takeRows(
  m: Float32Array,
  width: number,
  idx: readonly number[],
): Float32Array {
  const out = new Float32Array(idx.length * width);
  idx.forEach((r, i) => {
    out.set(m.subarray(r * width, (r + 1) * width), i * width);
  });
  return out;
}

/** Every row index not in `fold`. */
export function complement(n: number, fold: readonly number[]): number[] {
  const skip = new Set(fold);
  const out: number[] = [];
  for (let i = 0; i < n; i++) if (!skip.has(i)) out.push(i);
  return out;
}
