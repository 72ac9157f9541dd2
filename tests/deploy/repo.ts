/**
 * Paths and readers shared by the deployment tests. The shared schemas
 * live beside the repository (`../shared`), in CI as in a checkout.
 */
import { accessSync, constants, readFileSync } from 'node:fs';
import { delimiter, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';

/** The repository root. */
export const kRepoRoot = join(
  dirname(fileURLToPath(import.meta.url)),
  '..',
  '..',
);

/** `../shared/schemas` relative to the repository root. */
export const kSharedSchemas = join(kRepoRoot, '..', 'shared', 'schemas');

/** A plain object, as parsed from YAML or JSON. */
export type Obj = Record<string, unknown>;

/** True for a non-null, non-array object. */
export function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Narrow to an object or throw, naming what was expected. */
export function obj(v: unknown, what: string): Obj {
  if (!isObj(v)) throw new TypeError(`${what}: expected an object`);
  return v;
}

/** Narrow to an array or throw. */
export function arr(v: unknown, what: string): unknown[] {
  if (!Array.isArray(v)) throw new TypeError(`${what}: expected a list`);
  return v;
}

/** Narrow to a string or throw. */
export function str(v: unknown, what: string): string {
  if (typeof v !== 'string') throw new TypeError(`${what}: expected text`);
  return v;
}

/** Follow `path` (dot-separated) from `root`; undefined where missing. */
export function dig(root: unknown, path: string): unknown {
  let cur = root;
  for (const key of path.split('.')) {
    if (Array.isArray(cur)) cur = cur[Number(key)];
    else if (isObj(cur)) cur = cur[key];
    else return undefined;
  }
  return cur;
}

/** Read a repository file as text. */
export function readRepoFile(rel: string): string {
  return readFileSync(join(kRepoRoot, rel), 'utf8');
}

/** Parse a repository YAML file (one document). */
export function readRepoYaml(rel: string): Obj {
  return obj(parse(readRepoFile(rel)), rel);
}

/** Whether an executable named `tool` is on PATH. */
export function onPath(tool: string): boolean {
  for (const dir of (process.env['PATH'] ?? '').split(delimiter)) {
    try {
      accessSync(join(dir, tool), constants.X_OK);
      return true;
    } catch {
      // Not in this directory; keep looking.
    }
  }
  return false;
}

/**
 * tap options for a test that needs `tool`: skipped with a message on a
 * machine without it, but run (and failing) under CI=true, where the
 * tool is installed on purpose and its absence is a broken setup.
 */
export function needsTool(tool: string, install: string): { skip?: string } {
  if (onPath(tool) || process.env['CI'] === 'true') return {};
  return { skip: `${tool} not found (install: ${install}); CI runs this` };
}
