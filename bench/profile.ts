/**
 * A CPU profile of the gateway's hot path: a separate simple-shuffle
 * gateway (tracing on or off) started with `node --cpu-prof`, held at
 * saturation, stopped with SIGTERM (the profile is written at exit),
 * then summarised. Kept apart from the measured runs: profiling slows
 * the process down.
 */
import { copyFileSync, mkdirSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { runAutocannon } from './autocannon-load.js';
import { summarizeProfile } from './cpu-profile.js';
import { loadRequest } from './measure.js';
import type { ProfileTarget } from './options.js';
import type { ProfileRecord } from './report.js';
import { launchGateway } from './target-launch.js';
import type { LaunchEnv } from './target-launch.js';
import type { Scenario } from './types.js';

/** Seconds of saturation the profiled gateway serves. */
const kProfileS = 8;

// Node names profiles CPU.<date>.<time>.<pid>.<thread>.<seq>.cpuprofile;
// thread 0 is the main thread, the others are workers (request log, pool).
const kThread = /\.(\d+)\.\d+\.cpuprofile$/;

function readProfile(path: string): unknown {
  return JSON.parse(readFileSync(path, 'utf8'));
}

/** Profile the gateway under `sc`; the profile is copied to `outDir`. */
export async function profileGateway(
  env: LaunchEnv,
  sc: Scenario,
  chunks: number,
  outDir: string,
  stem: string,
  target: ProfileTarget,
): Promise<ProfileRecord> {
  const dir = join(env.workDir, 'cpu-prof');
  mkdirSync(dir, { recursive: true });
  const spec = {
    name: 'profile',
    title: `RouteIQ, ${target}, --cpu-prof`,
    role: 'subject' as const,
    scenarios: null,
  };
  const t = await launchGateway(spec, env, {
    router: null,
    logLevel: 'warn',
    tracing: target === 'tracing',
    execArgv: ['--cpu-prof', `--cpu-prof-dir=${dir}`],
  });
  let requests = 0;
  try {
    const req = loadRequest(t, sc, chunks);
    const shape = { connections: sc.connections, rate: null };
    requests = (await runAutocannon(req, { ...shape, durationS: kProfileS }))
      .ok;
  } finally {
    await t.stop();
  }
  const files = readdirSync(dir).filter((f) => kThread.test(f));
  const main = files.find((f) => kThread.exec(f)?.[1] === '0');
  if (main === undefined) throw new Error('the gateway wrote no CPU profile');
  mkdirSync(join(outDir, 'profiles'), { recursive: true });
  const workers = files
    .filter((f) => f !== main)
    .map((f) => {
      // Worker threads' profiles are kept beside the main one.
      const n = kThread.exec(f)?.[1] ?? '';
      copyFileSync(
        join(dir, f),
        join(outDir, 'profiles', `${stem}-thread-${n}.cpuprofile`),
      );
      return summarizeProfile(readProfile(join(dir, f)), 0).busyMs;
    });
  const dest = join(outDir, 'profiles', `${stem}-gateway.cpuprofile`);
  copyFileSync(join(dir, main), dest);
  const summary = summarizeProfile(readProfile(join(dir, main)));
  return {
    file: dest,
    target,
    scenario: sc.name,
    requests,
    summary,
    workerBusyMs: workers,
  };
}
