/**
 * The gateway as a user runs it: `node dist/src/main.js` in its own
 * process (build first: `npm test` does). A free loopback port is found
 * by binding port 0 and closing it, because the process does not print
 * the port it picked for `--port 0`. Killed at teardown if still alive.
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Test } from 'tap';
import { request } from 'undici';

/** The repository root, where `config/` and `dist/` live. */
export const kRepoRoot = join(dirname(fileURLToPath(import.meta.url)), '../..');
const kMain = join(kRepoRoot, 'dist', 'src', 'main.js');

/** A spawned gateway process. */
export interface GatewayProcess {
  readonly child: ChildProcess;
  readonly port: number;
  readonly url: string;
  /** stdout and stderr so far. */
  output(): string;
  /** Resolves with the exit code (null when killed by a signal). */
  readonly exited: Promise<number | null>;
}

/** A loopback port that was free a moment ago. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

/** Spawn `main.js` with `args` (plus `--port N`) and extra env. */
export async function spawnGateway(
  t: Test,
  args: readonly string[] = [],
  env: Record<string, string> = {},
): Promise<GatewayProcess> {
  const port = await freePort();
  const child = spawn(
    process.execPath,
    [kMain, '--port', String(port), ...args],
    {
      cwd: kRepoRoot,
      env: { ...process.env, LOG_LEVEL: 'warn', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let out = '';
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => resolve(code)),
  );
  t.teardown(async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGKILL');
      await exited;
    }
  });
  const url = `http://127.0.0.1:${port}`;
  return { child, port, url, output: () => out, exited };
}

/** Poll `/health/readiness` until 200; throws with the output on timeout. */
export async function waitReady(gw: GatewayProcess, timeoutMs = 15_000) {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if (gw.child.exitCode !== null) break;
    try {
      const res = await request(`${gw.url}/health/readiness`);
      await res.body.dump();
      if (res.statusCode === 200) return;
    } catch {
      // Not listening yet.
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`gateway not ready:\n${gw.output()}`);
}
