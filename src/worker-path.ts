/**
 * Where a thread entry point's compiled file lives. Workers always run
 * from `dist/workers/*.js`, whether the caller is the built gateway or a
 * test importing `src/` through the TypeScript loader (tests build first).
 */
import { dirname, basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const kHere = dirname(fileURLToPath(import.meta.url));
const kTop = dirname(kHere);
const kDist = basename(kTop) === 'dist' ? kTop : join(kTop, 'dist');

/** Absolute path of `dist/workers/<name>.js`. */
export function workerFile(name: string): string {
  return join(kDist, 'workers', `${name}.js`);
}

/** The repository (or installed package) root. */
export const kProjectRoot = basename(kTop) === 'dist' ? dirname(kTop) : kTop;
