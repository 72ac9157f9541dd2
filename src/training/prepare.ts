/**
 * Builds a TrainContext from training rows: learns the IDF table,
 * featurizes, fits the cost model, learns the shared projection and
 * deals the cross-validation folds (stratified by benchmark).
 */
import { fitCostModel } from './costs.js';
import type { RoutingRow } from './dataset.js';
import { Featurizer } from './featurizer.js';
import type { FeaturizerParams } from './featurizer.js';
import { learnIdf } from './idf.js';
import { stratifiedFolds } from './split.js';
import {
  embed,
  kProjectionIterations,
  kProjectionRank,
  topSubspace,
} from './subspace.js';
import type { TrainContext } from './train-context.js';

/** Knobs of context preparation. */
export interface PrepareOptions {
  readonly folds: number;
  readonly seed: number;
  /** Projection rank; capped by the feature dimension and row count. */
  readonly rank?: number;
}

/** A context and the featurizer (with its IDF table) it was built with. */
export interface Prepared {
  readonly ctx: TrainContext;
  readonly featurizer: Featurizer;
  readonly idf: Float32Array;
}

/** Featurize `rows` and set up everything a trainer needs. */
export function prepareContext(
  rows: readonly RoutingRow[],
  candidates: number,
  params: FeaturizerParams,
  opts: PrepareOptions,
): Prepared {
  const prompts = rows.map((r) => r.prompt);
  const idf = learnIdf(prompts, params);
  const featurizer = new Featurizer(params, idf);
  const features = featurizer.featurizeBatch(prompts);
  const n = rows.length;
  const dim = featurizer.dim;

  const rank = Math.min(opts.rank ?? kProjectionRank, dim, n);
  const seed = opts.seed;
  const projection = topSubspace(
    features,
    n,
    dim,
    rank,
    kProjectionIterations,
    seed,
  );
  const local = rows.map((_, i) => i);
  const strata = rows.map((r) => r.benchmark);
  const ctx: TrainContext = {
    rows,
    candidates,
    features,
    dim,
    projection,
    rank,
    embedded: embed(features, n, dim, projection, rank),
    folds: stratifiedFolds(local, strata, opts.folds, seed + 1),
    costs: fitCostModel(rows, candidates),
    seed,
  };
  return { ctx, featurizer, idf };
}
