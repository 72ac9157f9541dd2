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

// Module hooks (a TypeScript loader under tests, instrumentation in
// production) cost each thread a second or more to start and serve no
// purpose in a compiled worker (SQLite, span export).
const kHookFlags: ReadonlySet<string> = new Set([
  '--import',
  '--require',
  '-r',
  '--loader',
  '--experimental-loader',
]);

/** `argv` without module hooks, for a compiled worker thread. */
export function workerExecArgv(argv: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i] ?? '';
    const flag = arg.split('=', 1)[0] ?? '';
    if (!kHookFlags.has(flag)) out.push(arg);
    else if (!arg.includes('=')) i += 1; // the value is the next element
  }
  return out;
}
