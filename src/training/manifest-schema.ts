/**
 * Narrows a parsed `manifest.json` (unknown) to a RouterManifest, or
 * names the first field that is wrong. Hand-written so the serving
 * worker needs no schema library; checks types and cross-field lengths.
 */
import { kFeaturizerKind } from './featurizer.js';
import type { RouterManifest } from './manifest.js';

type Obj = Record<string, unknown>;

function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function isNum(v: unknown): v is number {
  return typeof v === 'number' && Number.isFinite(v);
}

function isNumArray(v: unknown, length?: number): v is number[] {
  return (
    Array.isArray(v) &&
    v.every(isNum) &&
    (length === undefined || v.length === length)
  );
}

function isStrArray(v: unknown): v is string[] {
  return Array.isArray(v) && v.every((s) => typeof s === 'string');
}

function isPow2(v: unknown): boolean {
  return isNum(v) && v >= 1 && (v & (v - 1)) === 0;
}

function checkFeaturizer(f: unknown): string | null {
  if (!isObj(f) || f.kind !== kFeaturizerKind) {
    return 'featurizer.kind';
  }
  if (!isPow2(f.wordDim) || !isPow2(f.charDim)) return 'featurizer dims';
  if (typeof f.wordBigrams !== 'boolean') return 'featurizer.wordBigrams';
  for (const k of ['charNgramMin', 'charNgramMax', 'headChars', 'tailChars']) {
    if (!isNum(f[k]) || (f[k] as number) < 1) return `featurizer.${k}`;
  }
  for (const k of ['wordWeight', 'charWeight', 'taskWeight']) {
    if (!isNum(f[k]) || (f[k] as number) < 0) return `featurizer.${k}`;
  }
  return null;
}

function checkCosts(c: unknown, n: number): string | null {
  if (!isObj(c)) return 'costs';
  if (!isNumArray(c.perInputTokenUsd, n)) return 'costs.perInputTokenUsd';
  if (!isNumArray(c.perRequestUsd, n)) return 'costs.perRequestUsd';
  if (!isNumArray(c.relative, n)) return 'costs.relative';
  if (!isNum(c.unitUsd) || c.unitUsd <= 0) return 'costs.unitUsd';
  return null;
}

function checkFile(f: unknown): boolean {
  return isObj(f) && typeof f.sha256 === 'string' && isNum(f.bytes);
}

/** The manifest, or a string naming what is wrong with it. */
export function parseManifest(raw: unknown): RouterManifest | string {
  if (!isObj(raw) || raw.schema !== 'routeiq-router/1') return 'schema';
  if (raw.strategy !== 'knn' && raw.strategy !== 'mlp') return 'strategy';
  for (const k of ['name', 'version', 'createdAt']) {
    if (typeof raw[k] !== 'string') return k;
  }
  const cands = raw.candidates;
  if (!isStrArray(cands) || cands.length < 2) return 'candidates';
  if (new Set(cands).size !== cands.length) return 'duplicate candidates';

  const bad =
    checkCosts(raw.costs, cands.length) ?? checkFeaturizer(raw.featurizer);
  if (bad !== null) return bad;
  if (!isNum(raw.defaultCostWeight) || raw.defaultCostWeight < 0) {
    return 'defaultCostWeight';
  }
  const files = raw.files;
  if (!isObj(files) || !checkFile(files.model) || !checkFile(files.idf)) {
    return 'files';
  }
  if (!isObj(raw.params) || !isObj(raw.training)) return 'params/training';
  if (raw.evaluation !== null && !isObj(raw.evaluation)) return 'evaluation';
  return raw as unknown as RouterManifest;
}
