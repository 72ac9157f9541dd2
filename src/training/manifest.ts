/**
 * The router artifact: `models/<name>/` holding `model.onnx`, the
 * featurizer's IDF table `idf.f32` (float32, little-endian) and
 * `manifest.json` describing both. `loadRouterArtifact` is what the
 * serving worker calls: it checks hashes, shapes and the graph's
 * input/output before anything is served, and throws
 * RouterModelInvalidError (never a bare Error) when any of it is off.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { RouterModelInvalidError } from '../errors.js';
import type { CostModel } from './costs.js';
import type { DataSource } from './dataset.js';
import type { FeaturizerParams } from './featurizer.js';
import { featureDim, idfDim } from './featurizer.js';
import { parseManifest } from './manifest-schema.js';
import { graphSignature } from './onnx-signature.js';
import type { SelectionEntry } from './train-context.js';

/** File names inside an artifact directory. */
export const kManifestFile = 'manifest.json';
export const kModelFile = 'model.onnx';
export const kIdfFile = 'idf.f32';
/** ONNX graph input and output names (a contract with serving). */
export const kInputName = 'features';
export const kOutputName = 'quality';

/** How the training run was set up and what it chose. */
export interface TrainingInfo {
  readonly data: readonly DataSource[];
  readonly dataSha256: string;
  readonly seed: number;
  readonly heldOutFraction: number;
  readonly stratifiedBy: 'benchmark';
  readonly trainRows: number;
  readonly heldOutRows: number;
  readonly folds: number;
  /** Default weight keeps OOF cost within this share of the best single. */
  readonly budgetShare: number;
  /** Settings tried, with their out-of-fold AIQ. */
  readonly selection: readonly SelectionEntry[];
  /** Out-of-fold figures at the default cost weight. */
  readonly oofAtDefault: {
    readonly quality: number;
    readonly costUsd: number;
    readonly bestSingleQuality: number;
    readonly bestSingleCostUsd: number;
  };
  readonly seconds: number;
}

/** Everything `manifest.json` holds. */
export interface RouterManifest {
  readonly schema: 'routeiq-router/1';
  readonly name: string;
  readonly strategy: 'knn' | 'mlp';
  /** Content hash of the ONNX bytes, featurizer params and IDF table. */
  readonly version: string;
  readonly createdAt: string;
  readonly candidates: readonly string[];
  readonly costs: CostModel;
  readonly defaultCostWeight: number;
  readonly featurizer: FeaturizerParams;
  readonly files: {
    readonly model: { readonly sha256: string; readonly bytes: number };
    readonly idf: { readonly sha256: string; readonly bytes: number };
  };
  /** Strategy knobs (k, power, rank / hidden sizes, epochs...). */
  readonly params: Readonly<Record<string, number | readonly number[]>>;
  readonly training: TrainingInfo;
  /** Written by the eval command; null until then. */
  readonly evaluation: Readonly<Record<string, unknown>> | null;
}

/** A loaded, verified artifact. */
export interface RouterArtifact {
  readonly dir: string;
  readonly manifest: RouterManifest;
  readonly onnx: Uint8Array;
  readonly idf: Float32Array;
}

/** Hex sha256 of some bytes. */
export function sha256(bytes: Uint8Array | string): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** The artifact version: 16 hex chars over graph, featurizer and IDF. */
export function artifactVersion(
  onnx: Uint8Array,
  featurizer: FeaturizerParams,
  idf: Uint8Array,
): string {
  const h = createHash('sha256').update(onnx);
  h.update(JSON.stringify(featurizer, Object.keys(featurizer).sort()));
  return h.update(idf).digest('hex').slice(0, 16);
}

/** Little-endian float32 bytes of `v` (IDF table, ONNX raw data). */
export function encodeFloat32(v: Float32Array): Uint8Array {
  const out = new Uint8Array(v.length * 4);
  const view = new DataView(out.buffer);
  for (let i = 0; i < v.length; i++) view.setFloat32(i * 4, v[i]!, true);
  return out;
}

/** IDF bytes as float32 (copied so the view is aligned). */
export function decodeIdf(bytes: Uint8Array): Float32Array {
  const out = new Float32Array(bytes.length / 4);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.length);
  for (let i = 0; i < out.length; i++) out[i] = view.getFloat32(i * 4, true);
  return out;
}

function invalid(dir: string, reason: string, cause?: unknown): never {
  throw new RouterModelInvalidError({ cause, details: { dir, reason } });
}

function readBytes(dir: string, file: string): Uint8Array {
  try {
    return readFileSync(join(dir, file));
  } catch (err) {
    return invalid(dir, `cannot read ${file}`, err);
  }
}

/** Load and verify `dir`; throws RouterModelInvalidError on any fault. */
export function loadRouterArtifact(dir: string): RouterArtifact {
  let raw: unknown;
  try {
    raw = JSON.parse(Buffer.from(readBytes(dir, kManifestFile)).toString());
  } catch (err) {
    if (err instanceof RouterModelInvalidError) throw err;
    invalid(dir, 'manifest is not JSON', err);
  }
  const manifest = parseManifest(raw);
  if (typeof manifest === 'string') invalid(dir, manifest);

  const onnx = readBytes(dir, kModelFile);
  const idfBytes = readBytes(dir, kIdfFile);
  if (sha256(onnx) !== manifest.files.model.sha256) {
    invalid(dir, 'model.onnx does not match its sha256');
  }
  if (sha256(idfBytes) !== manifest.files.idf.sha256) {
    invalid(dir, 'idf.f32 does not match its sha256');
  }
  if (idfBytes.length !== idfDim(manifest.featurizer) * 4) {
    invalid(dir, 'idf.f32 length does not match the featurizer');
  }
  const version = artifactVersion(onnx, manifest.featurizer, idfBytes);
  if (version !== manifest.version) invalid(dir, 'version hash mismatch');

  const sig = graphSignature(onnx);
  if (typeof sig === 'string') invalid(dir, sig);
  const okInput = sig.input === kInputName;
  const okOutput = sig.output === kOutputName;
  if (!okInput || !okOutput) invalid(dir, 'graph input/output names');
  if (sig.inputWidth !== featureDim(manifest.featurizer)) {
    invalid(dir, 'graph input width does not match the featurizer');
  }
  if (sig.outputWidth !== manifest.candidates.length) {
    invalid(dir, 'graph output width does not match the candidates');
  }
  return { dir, manifest, onnx, idf: decodeIdf(idfBytes) };
}
