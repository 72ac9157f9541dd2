/**
 * Reads a router artifact (models/<name>/) for serving: the manifest,
 * the ONNX bytes and the featurizer with its IDF table. The same loader
 * validates an artifact on the main thread (start-up, reload) and builds
 * the worker's runtime, so what was checked is what runs.
 */
import { cp, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RouterModelInvalidError } from '../errors.js';
import { Featurizer, featureDim } from '../training/featurizer.js';
import {
  kInputName,
  kOutputName,
  loadRouterArtifact,
} from '../training/manifest.js';
import type { RouterModelView } from '../routing/learned-strategy.js';

/** Everything a worker needs to run one router. */
export interface ServingArtifact extends RouterModelView {
  readonly strategy: string;
  readonly dim: number;
  readonly inputName: string;
  readonly outputName: string;
  readonly onnx: Uint8Array;
  readonly featurizer: Featurizer;
}

function invalid(dir: string, reason: string): never {
  throw new RouterModelInvalidError({ details: { dir, reason } });
}

/** Load and verify `dir` (training's loader); throws RouterModelInvalid. */
export function loadServingArtifact(dir: string): ServingArtifact {
  const { manifest: m, onnx, idf } = loadRouterArtifact(dir);
  let featurizer: Featurizer;
  try {
    featurizer = new Featurizer(m.featurizer, idf);
  } catch {
    return invalid(dir, 'idf does not match featurizer params');
  }
  return {
    strategy: m.strategy,
    version: m.version,
    candidates: m.candidates,
    costs: m.costs.relative,
    costModel: m.costs,
    defaultCostWeight: m.defaultCostWeight,
    dim: featureDim(m.featurizer),
    inputName: kInputName,
    outputName: kOutputName,
    onnx,
    featurizer,
  };
}

/** Copy the artifact folder into a fresh private folder; return it. */
export async function snapshotArtifact(dir: string): Promise<string> {
  const target = await mkdtemp(join(tmpdir(), 'routeiq-artifact-'));
  await cp(dir, target, { recursive: true });
  return target;
}

/** Remove a snapshot folder (never throws). */
export async function removeSnapshot(dir: string): Promise<void> {
  await rm(dir, { recursive: true, force: true }).catch(() => undefined);
}

/**
 * Check `dir` on the main thread (manifest, IDF, candidates this config
 * serves) and return what routing needs. Throws RouterModelInvalidError.
 * The ONNX graph itself is loaded and run by the workers' warm-up
 * (setup.ts) before the version is used: the main thread never holds an
 * onnxruntime session (one costs about 30 MB that is not given back).
 */
export function validateArtifact(
  dir: string,
  known: (model: string) => boolean,
): RouterModelView {
  const a = loadServingArtifact(dir);
  const unknown = a.candidates.find((c) => !known(c));
  if (unknown !== undefined)
    invalid(dir, `candidate ${unknown} not configured`);
  return {
    version: a.version,
    candidates: a.candidates,
    costs: a.costs,
    costModel: a.costModel,
    defaultCostWeight: a.defaultCostWeight,
  };
}
