/**
 * The prompt featurizer shared by training and serving: no downloaded
 * weights, a pure function of (text, params, IDF table). Output layout,
 * fixed by the params:
 *
 *   [0, wordDim)                 hashed word uni/bi-grams, TF-IDF, L2 = 1
 *   [wordDim, wordDim + charDim) hashed character n-grams, TF-IDF, L2 = 1
 *   [.., + kTaskFeatureCount)    dense task features in [0, 1], L2 = 1
 *
 * each block scaled by its weight, then the whole vector L2-normalised,
 * so a dot product of two outputs is their cosine similarity. A
 * `Featurizer` owns its scratch buffers: create one per thread.
 */
import { TextScanner } from './text-scan.js';
import type { ScanParams, TermCounts } from './text-scan.js';
import { kTaskFeatureCount, taskFeatures } from './task-features.js';

/** Output layout version: bumped whenever equal params give new output. */
export const kFeaturizerKind = 'hashed-tfidf-task-v2';

/** Featurizer parameters, stored verbatim in the router manifest. */
export interface FeaturizerParams extends ScanParams {
  readonly kind: typeof kFeaturizerKind;
  readonly wordWeight: number;
  readonly charWeight: number;
  readonly taskWeight: number;
}

/** Defaults chosen by cross-validation on the training part. */
export const kDefaultFeaturizerParams: FeaturizerParams = Object.freeze({
  kind: kFeaturizerKind,
  wordDim: 1024,
  charDim: 1024,
  wordBigrams: true,
  charNgramMin: 3,
  charNgramMax: 5,
  headChars: 3072,
  tailChars: 1024,
  wordWeight: 1,
  charWeight: 1,
  taskWeight: 1,
});

/** Length of the featurizer's output vector for `params`. */
export function featureDim(params: FeaturizerParams): number {
  return params.wordDim + params.charDim + kTaskFeatureCount;
}

/** Length of the IDF table: one weight per hashed bucket. */
export function idfDim(params: FeaturizerParams): number {
  return params.wordDim + params.charDim;
}

/** Turns prompts into L2-normalised Float32Array feature vectors. */
export class Featurizer {
  readonly params: FeaturizerParams;
  readonly dim: number;
  private readonly idf: Float32Array;
  private readonly scanner: TextScanner;
  private readonly terms: TermCounts;

  constructor(params: FeaturizerParams, idf: Float32Array) {
    if (idf.length !== idfDim(params)) {
      throw new RangeError('IDF table length does not match the params');
    }
    this.params = params;
    this.dim = featureDim(params);
    this.idf = idf;
    this.scanner = new TextScanner(params);
    this.terms = this.scanner.newCounts();
  }

  /** Features of `text` written into `out` (a fresh array when absent). */
  featurize(text: string, out?: Float32Array): Float32Array {
    const v = out ?? new Float32Array(this.dim);
    if (v.length !== this.dim) throw new RangeError('output length');
    v.fill(0);

    this.scanner.scan(text, this.terms);
    const { counts, touched, size } = this.terms;
    for (let i = 0; i < size; i++) {
      const b = touched[i]!;
      // Sublinear TF: a repeated word is evidence, not proportional proof.
      v[b] = (1 + Math.log(counts[b]!)) * this.idf[b]!;
    }

    const { wordDim, charDim } = this.params;
    const task = wordDim + charDim;
    const { headChars, tailChars } = this.params;
    taskFeatures(text, v, task, headChars, tailChars);
    scaleBlock(v, 0, wordDim, this.params.wordWeight);
    scaleBlock(v, wordDim, task, this.params.charWeight);
    scaleBlock(v, task, this.dim, this.params.taskWeight);
    scaleBlock(v, 0, this.dim, 1);
    return v;
  }

  /**
   * Row-major [texts.length, dim] matrix of features, written into the
   * front of `out` when given (it must be long enough).
   */
  featurizeBatch(texts: readonly string[], out?: Float32Array): Float32Array {
    const n = texts.length * this.dim;
    if (out !== undefined && out.length < n) throw new RangeError('output');
    const m = out === undefined ? new Float32Array(n) : out.subarray(0, n);
    for (let r = 0; r < texts.length; r++) {
      this.featurize(texts[r]!, m.subarray(r * this.dim, (r + 1) * this.dim));
    }
    return m;
  }
}

/** Rescale `v[from, to)` to L2 norm `weight` (left at zero when empty). */
function scaleBlock(
  v: Float32Array,
  from: number,
  to: number,
  weight: number,
): void {
  let ss = 0;
  for (let i = from; i < to; i++) ss += v[i]! * v[i]!;
  if (ss === 0) return;
  const k = weight / Math.sqrt(ss);
  for (let i = from; i < to; i++) v[i]! *= k;
}
