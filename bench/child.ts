/**
 * Child processes of the benchmark: each target, the mock upstream and
 * the OTLP receiver run in their own process, with output in a log file.
 * Every child is remembered so that an interrupted run leaves none behind.
 */
import { fork, spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { request } from 'undici';

const live = new Set<ChildProcess>();

process.once('exit', () => {
  for (const c of live) c.kill('SIGKILL');
});

/** A running child process. */
export interface Child {
  readonly pid: number;
  readonly proc: ChildProcess;
  readonly logPath: string;
  /** Resolves with the exit code (null after a signal). */
  readonly exited: Promise<number | null>;
  /** SIGTERM, then SIGKILL if it has not gone after `graceMs`. */
  stop(graceMs?: number): Promise<void>;
}

/** How to start a child. */
export interface ChildOptions {
  readonly env?: Readonly<Record<string, string>>;
  readonly logPath: string;
  /** Node flags, e.g. `--cpu-prof`. */
  readonly execArgv?: readonly string[];
}

function track(proc: ChildProcess, logPath: string, fd: number): Child {
  if (proc.pid === undefined) throw new Error(`cannot start (${logPath})`);
  live.add(proc);
  const exited = new Promise<number | null>((resolve) => {
    proc.once('exit', (code) => {
      live.delete(proc);
      closeSync(fd);
      resolve(code);
    });
  });
  const stop = async (graceMs = 10_000) => {
    if (proc.exitCode !== null || proc.signalCode !== null) return;
    proc.kill('SIGTERM');
    const done = await Promise.race([exited, sleep(graceMs, 'late')]);
    if (done === 'late') proc.kill('SIGKILL');
    await exited;
  };
  return { pid: proc.pid, proc, logPath, exited, stop };
}

/** Start a Node script of ours with an IPC channel. */
export function forkChild(
  script: string,
  args: readonly string[],
  opts: ChildOptions,
): Child {
  const fd = openSync(opts.logPath, 'a');
  const proc = fork(script, [...args], {
    env: { ...process.env, ...opts.env },
    execArgv: [...(opts.execArgv ?? [])],
    stdio: ['ignore', fd, fd, 'ipc'],
  });
  return track(proc, opts.logPath, fd);
}

/** Start any Node program (the gateway, Portkey) without IPC. */
export function spawnNode(
  script: string,
  args: readonly string[],
  opts: ChildOptions,
): Child {
  const fd = openSync(opts.logPath, 'a');
  const proc = spawn(
    process.execPath,
    [...(opts.execArgv ?? []), script, ...args],
    { env: { ...process.env, ...opts.env }, stdio: ['ignore', fd, fd] },
  );
  return track(proc, opts.logPath, fd);
}

/** The first IPC message of `type`, or an error after `ms`. */
export function nextMessage<T>(
  child: Child,
  type: string,
  ms = 15_000,
): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.proc.off('message', onMessage);
      reject(new Error(`no '${type}' from ${child.logPath} in ${ms} ms`));
    }, ms);
    const onMessage = (msg: unknown) => {
      if ((msg as { type?: unknown } | null)?.type !== type) return;
      clearTimeout(timer);
      child.proc.off('message', onMessage);
      resolve(msg as T);
    };
    child.proc.on('message', onMessage);
  });
}

/** Poll `url` until `accept(status)` holds; throws after `ms`. */
export async function waitForHttp(
  url: string,
  child: Child,
  ms = 20_000,
  accept: (status: number) => boolean = (s) => s === 200,
): Promise<void> {
  const until = Date.now() + ms;
  for (;;) {
    if (child.proc.exitCode !== null) {
      throw new Error(
        `exited with ${child.proc.exitCode}; see ${child.logPath}`,
      );
    }
    try {
      const res = await request(url, { headersTimeout: 1000 });
      await res.body.dump();
      if (accept(res.statusCode)) return;
    } catch {
      // Not listening yet.
    }
    if (Date.now() > until) throw new Error(`${url} not ready in ${ms} ms`);
    await sleep(100);
  }
}
