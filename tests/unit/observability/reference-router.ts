/**
 * A shipped router artifact run directly in the test's thread, as the
 * independent answer a routing span is checked against: training's
 * loader and featurizer, an onnxruntime session of our own, and
 * training's `decide` (decision.ts) over the per-prompt relative costs.
 * None of the serving path (pool, batcher, LearnedStrategy) is involved.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { requestCosts } from '../../../src/training/costs.js';
import { decide } from '../../../src/training/decision.js';
import { Featurizer } from '../../../src/training/featurizer.js';
import {
  kInputName,
  kOutputName,
  loadRouterArtifact,
} from '../../../src/training/manifest.js';

/** The manifest fields the span is checked against, read as plain JSON. */
export interface ManifestFacts {
  readonly version: string;
  readonly candidates: readonly string[];
  readonly defaultCostWeight: number;
}

/** What the artifact decides for one prompt. */
export interface ReferenceChoice {
  readonly model: string;
  readonly quality: number;
  readonly utility: number;
}

/** One artifact, loaded once; close() releases its session. */
export interface ReferenceRouter {
  readonly facts: ManifestFacts;
  choose(text: string, costWeight: number | null): Promise<ReferenceChoice>;
  close(): Promise<void>;
}

/** `dir`'s manifest.json as plain JSON, not through any loader. */
export function readManifestFacts(dir: string): ManifestFacts {
  const raw = readFileSync(join(dir, 'manifest.json'), 'utf8');
  return JSON.parse(raw) as ManifestFacts;
}

/** Load `dir` (e.g. models/knn-9) for direct decisions. */
export async function loadReference(dir: string): Promise<ReferenceRouter> {
  const facts = readManifestFacts(dir);
  const { manifest, onnx, idf } = loadRouterArtifact(dir);
  const featurizer = new Featurizer(manifest.featurizer, idf);
  const session = await ort.InferenceSession.create(onnx);

  const choose = async (text: string, w: number | null) => {
    const x = featurizer.featurize(text);
    const input = new ort.Tensor('float32', x, [1, featurizer.dim]);
    const out = await session.run({ [kInputName]: input });
    const quality = out[kOutputName]?.data as Float32Array;
    const costs = requestCosts(manifest.costs, text.length);
    const d = decide(quality, costs, w ?? facts.defaultCostWeight);
    const model = facts.candidates[d.index] as string;
    return { model, quality: d.score, utility: d.utility };
  };
  return { facts, choose, close: () => session.release() };
}
