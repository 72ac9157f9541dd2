/**
 * Builds a small real kNN router artifact (manifest, IDF table, ONNX
 * graph) from a few labelled prompts with the project's own training
 * code, for serving tests that must not depend on the shipped models.
 * The projection is the identity, so neighbours are plain cosine ones.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeRouterArtifact } from '../../src/training/artifact-writer.js';
import {
  Featurizer,
  featureDim,
  kDefaultFeaturizerParams,
} from '../../src/training/featurizer.js';
import type { FeaturizerParams } from '../../src/training/featurizer.js';
import { learnIdf } from '../../src/training/idf.js';
import { knnToOnnx } from '../../src/training/knn-onnx.js';
import { normalizeRows } from '../../src/training/knn.js';
import type { KnnModel } from '../../src/training/knn.js';

/** One training prompt and the score of each candidate on it. */
export interface LabelledPrompt {
  readonly text: string;
  readonly scores: readonly number[];
}

/** A built artifact and the pieces a test may compare against. */
export interface TinyArtifact {
  readonly dir: string;
  readonly model: KnnModel;
  readonly featurizer: Featurizer;
  readonly version: string;
}

const kSmallParams: FeaturizerParams = Object.freeze({
  ...kDefaultFeaturizerParams,
  wordDim: 256,
  charDim: 256,
});

function identity(n: number): Float32Array {
  const m = new Float32Array(n * n);
  for (let i = 0; i < n; i++) m[i * n + i] = 1;
  return m;
}

/** Write a kNN artifact over `candidates` into a new temp folder. */
export function buildKnnArtifact(
  candidates: readonly string[],
  rows: readonly LabelledPrompt[],
  costs: readonly number[],
  k = 2,
): TinyArtifact {
  const params = kSmallParams;
  const idf = learnIdf(
    rows.map((r) => r.text),
    params,
  );
  const featurizer = new Featurizer(params, idf);
  const dim = featureDim(params);
  const model: KnnModel = {
    dim,
    rank: dim,
    rows: rows.length,
    candidates: candidates.length,
    k,
    power: 1,
    projection: identity(dim),
    embeddings: normalizeRows(
      featurizer.featurizeBatch(rows.map((r) => r.text)),
      dim,
    ),
    targets: Float32Array.from(rows.flatMap((r) => [...r.scores])),
  };
  const dir = mkdtempSync(join(tmpdir(), 'routeiq-artifact-'));
  const manifest = writeRouterArtifact(
    dir,
    {
      name: 'test-knn',
      strategy: 'knn',
      candidates,
      // Flat per-request costs: relative cost is the same for any prompt.
      costs: {
        perInputTokenUsd: candidates.map(() => 0),
        perRequestUsd: [...costs],
        unitUsd: 1,
        relative: [...costs],
      },
      defaultCostWeight: 0,
      featurizer: params,
      params: { k, power: 1, rank: dim },
      training: {
        data: [],
        dataSha256: '',
        seed: 1,
        heldOutFraction: 0,
        stratifiedBy: 'benchmark',
        trainRows: rows.length,
        heldOutRows: 0,
        folds: 0,
        budgetShare: 1,
        selection: [],
        oofAtDefault: {
          quality: 0,
          costUsd: 0,
          bestSingleQuality: 0,
          bestSingleCostUsd: 0,
        },
        seconds: 0,
      },
    },
    knnToOnnx(model),
    idf,
  );
  return { dir, model, featurizer, version: manifest.version };
}
