/**
 * Writes a router artifact directory (see manifest.ts): the graph, the
 * IDF table and the manifest with hashes and version filled in, and
 * rewrites a manifest when the eval command adds its figures.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RouterManifest } from './manifest.js';
import {
  artifactVersion,
  encodeFloat32,
  kIdfFile,
  kManifestFile,
  kModelFile,
  sha256,
} from './manifest.js';

/** The manifest fields the writer computes itself. */
type Computed = 'schema' | 'version' | 'files' | 'createdAt' | 'evaluation';

/** Write manifest.json (pretty-printed, stable field order). */
export function writeManifest(dir: string, manifest: RouterManifest): void {
  const text = `${JSON.stringify(manifest, null, 2)}\n`;
  writeFileSync(join(dir, kManifestFile), text);
}

/** Create or replace the artifact in `dir`; returns its manifest. */
export function writeRouterArtifact(
  dir: string,
  fields: Omit<RouterManifest, Computed>,
  onnx: Uint8Array,
  idf: Float32Array,
): RouterManifest {
  const idfBytes = encodeFloat32(idf);
  const manifest: RouterManifest = {
    schema: 'routeiq-router/1',
    name: fields.name,
    strategy: fields.strategy,
    version: artifactVersion(onnx, fields.featurizer, idfBytes),
    createdAt: new Date().toISOString(),
    candidates: fields.candidates,
    costs: fields.costs,
    defaultCostWeight: fields.defaultCostWeight,
    featurizer: fields.featurizer,
    files: {
      model: { sha256: sha256(onnx), bytes: onnx.length },
      idf: { sha256: sha256(idfBytes), bytes: idfBytes.length },
    },
    params: fields.params,
    training: fields.training,
    evaluation: null,
  };

  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, kModelFile), onnx);
  writeFileSync(join(dir, kIdfFile), idfBytes);
  writeManifest(dir, manifest);
  return manifest;
}
