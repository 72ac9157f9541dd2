/**
 * The built gateway as a separate process: `node dist/src/main.js
 * --config <file> --port 0`, its port read from the `listening` log
 * line, stopped with SIGTERM at teardown. Tests build first (`npm test`).
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { Test } from 'tap';
import { kProjectRoot } from '../../../src/worker-path.js';

const kMain = join(kProjectRoot, 'dist', 'src', 'main.js');

/** A running gateway process. */
export interface GatewayProcess {
  readonly url: string;
  readonly child: ChildProcess;
  /** Every stdout line so far (pino JSON). */
  readonly lines: string[];
  /** SIGTERM and resolve with the exit code. */
  stop(): Promise<number | null>;
}

/** Write `yaml` to a temp file removed at teardown; returns its path. */
export async function writeConfig(t: Test, yaml: string): Promise<string> {
  const dir = await mkdtemp('/tmp/riq-gw-');
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  const path = join(dir, 'gateway.yaml');
  await writeFile(path, yaml);
  return path;
}

function exited(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null || child.signalCode !== null) {
    return Promise.resolve(child.exitCode);
  }
  return new Promise((resolve) => child.once('exit', (code) => resolve(code)));
}

/** Start the gateway with only `env` as its environment. */
export function spawnGateway(
  t: Test,
  configPath: string,
  env: Record<string, string>,
): Promise<GatewayProcess> {
  if (!existsSync(kMain)) {
    throw new Error(`${kMain} missing: run npx tsc -p tsconfig.build.json`);
  }
  const child = spawn(
    process.execPath,
    [kMain, '--config', configPath, '--port', '0'],
    { env: { PATH: process.env['PATH'] ?? '', ...env }, stdio: 'pipe' },
  );
  const lines: string[] = [];
  const stop = async () => {
    child.kill('SIGTERM');
    return exited(child);
  };
  t.teardown(stop);
  // A test process that dies early (a timeout) must not leave it behind.
  const orphan = () => child.kill('SIGKILL');
  process.once('exit', orphan);
  child.once('exit', () => process.off('exit', orphan));

  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error('no listening line')),
      30_000,
    );
    child.once('exit', (code) =>
      reject(new Error(`exited ${code}: ${lines.join('')}`)),
    );
    child.stderr?.on('data', (d: Buffer) => lines.push(d.toString()));
    createInterface({ input: child.stdout as NodeJS.ReadableStream }).on(
      'line',
      (line) => {
        lines.push(line);
        const msg = JSON.parse(line) as { msg?: string; port?: number };
        if (msg.msg !== 'listening') return;
        clearTimeout(timer);
        resolve({ url: `http://127.0.0.1:${msg.port}`, child, lines, stop });
      },
    );
  });
}
