/**
 * Builds a small real kNN router artifact (manifest, IDF table, ONNX
 * graph) from a few labelled prompts with the project's own training
 * code, for serving tests that must not depend on the shipped models.
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  Featurizer,
  featureDim,
  kDefaultFeaturizerParams,
} from '../../src/training/featurizer.js';
import type { FeaturizerParams } from '../../src/training/featurizer.js';
import { learnIdf } from '../../src/training/idf.js';
import { knnToOnnx } from '../../src/training/knn-onnx.js';
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
    rows: rows.length,
    candidates: candidates.length,
    k,
    power: 1,
    embeddings: featurizer.featurizeBatch(rows.map((r) => r.text)),
    targets: Float32Array.from(rows.flatMap((r) => [...r.scores])),
  };
  const onnx = knnToOnnx(model);
  const version = createHash('sha256').update(onnx).digest('hex').slice(0, 16);
  const dir = mkdtempSync(join(tmpdir(), 'routeiq-artifact-'));
  writeFileSync(join(dir, 'model.onnx'), onnx);
  writeFileSync(join(dir, 'idf.f32'), Buffer.from(idf.buffer));
  writeFileSync(
    join(dir, 'manifest.json'),
    JSON.stringify({
      strategy: 'knn',
      version,
      candidates,
      costs: { relative: costs },
      defaultCostWeight: 0,
      featurizer: { params, idfFile: 'idf.f32' },
      onnxFile: 'model.onnx',
    }),
  );
  return { dir, model, featurizer, version };
}
