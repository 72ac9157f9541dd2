/**
 * Reads a router artifact (models/<name>/) for serving: the manifest,
 * the ONNX bytes and the featurizer with its IDF table. The same loader
 * validates an artifact on the main thread (start-up, reload) and builds
 * the worker's runtime, so what was checked is what runs.
 */
import { readFileSync } from 'node:fs';
import { cp, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as ort from 'onnxruntime-node';
import { join } from 'node:path';
import { RouterModelInvalidError } from '../errors.js';
import { Featurizer, featureDim } from '../training/featurizer.js';
import type { FeaturizerParams } from '../training/featurizer.js';
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

function numbers(v: unknown, n: number, what: string, dir: string): number[] {
  if (!Array.isArray(v) || v.length !== n) invalid(dir, `${what} length`);
  return v.map((x) => {
    if (typeof x !== 'number' || !Number.isFinite(x)) invalid(dir, what);
    return x;
  });
}

function readJson(path: string, dir: string): Record<string, unknown> {
  try {
    const v: unknown = JSON.parse(readFileSync(path, 'utf8'));
    if (v === null || typeof v !== 'object') invalid(dir, 'manifest shape');
    return v as Record<string, unknown>;
  } catch (err) {
    if (err instanceof RouterModelInvalidError) throw err;
    return invalid(dir, 'manifest unreadable');
  }
}

function readFile(path: string, dir: string): Buffer {
  try {
    return readFileSync(path);
  } catch {
    return invalid(dir, `missing ${path}`);
  }
}

/** Load and check `dir`; throws RouterModelInvalidError. */
export function loadServingArtifact(dir: string): ServingArtifact {
  const m = readJson(join(dir, 'manifest.json'), dir);
  const candidates = m['candidates'];
  if (!Array.isArray(candidates) || candidates.length === 0) {
    invalid(dir, 'candidates');
  }
  const names = candidates.map((c) =>
    typeof c === 'string' ? c : invalid(dir, 'candidate'),
  );
  const costsRaw = (m['costs'] as { relative?: unknown } | undefined)?.relative;
  const costs = numbers(costsRaw, names.length, 'costs.relative', dir);
  const feat = m['featurizer'] as
    { params?: FeaturizerParams; idfFile?: string } | undefined;
  if (feat?.params === undefined) invalid(dir, 'featurizer.params');
  const idfBytes = readFile(join(dir, feat.idfFile ?? 'idf.f32'), dir);
  const idf = new Float32Array(
    idfBytes.buffer.slice(
      idfBytes.byteOffset,
      idfBytes.byteOffset + idfBytes.byteLength,
    ),
  );
  let featurizer: Featurizer;
  try {
    featurizer = new Featurizer(feat.params, idf);
  } catch {
    return invalid(dir, 'idf does not match featurizer params');
  }
  const onnx = readFile(join(dir, String(m['onnxFile'] ?? 'model.onnx')), dir);
  const version = m['version'];
  if (typeof version !== 'string' || version === '') invalid(dir, 'version');
  const weight = m['defaultCostWeight'];
  return {
    strategy: String(m['strategy']),
    version,
    candidates: names,
    costs,
    defaultCostWeight: typeof weight === 'number' ? weight : 0,
    dim: featureDim(feat.params),
    inputName: 'features',
    outputName: 'quality',
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
 * Check `dir` completely on the main thread (manifest, IDF, an ONNX
 * session that loads, candidates this config serves) and return what
 * routing needs. Throws RouterModelInvalidError.
 */
export async function validateArtifact(
  dir: string,
  known: (model: string) => boolean,
): Promise<RouterModelView> {
  const a = loadServingArtifact(dir);
  const unknown = a.candidates.find((c) => !known(c));
  if (unknown !== undefined)
    invalid(dir, `candidate ${unknown} not configured`);
  let session: ort.InferenceSession;
  try {
    session = await ort.InferenceSession.create(a.onnx);
  } catch {
    return invalid(dir, 'ONNX model does not load');
  }
  const ok =
    session.inputNames.includes(a.inputName) &&
    session.outputNames.includes(a.outputName);
  await session.release();
  if (!ok) invalid(dir, 'ONNX inputs or outputs');
  return {
    version: a.version,
    candidates: a.candidates,
    costs: a.costs,
    defaultCostWeight: a.defaultCostWeight,
  };
}
