/**
 * One benchmark run: start the shared processes and every target, then
 * measure round by round, scenario by scenario, alternating the targets
 * (the order rotates each round, so none is always first after a quiet
 * spell), and stop everything whatever happens.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { launch } from './launch.js';
import { measure } from './measure.js';
import type { MeasureContext } from './measure.js';
import type { BenchOptions } from './options.js';
import { profileGateway } from './profile.js';
import type { Omission, ProfileRecord } from './report.js';
import { scenariosFor } from './scenarios.js';
import { startOtlpSink, startUpstream } from './support-procs.js';
import type { OtlpSink } from './support-procs.js';
import type { LaunchEnv } from './target-launch.js';
import { planTargets, runsIn } from './targets.js';
import type {
  RunRecord,
  RunningTarget,
  Scenario,
  TargetSpec,
} from './types.js';

/** What the suite measured, before it becomes a report. */
export interface SuiteResult {
  readonly scenarios: readonly Scenario[];
  readonly targets: readonly TargetSpec[];
  readonly skipped: readonly Omission[];
  readonly failedTargets: readonly Omission[];
  readonly runs: readonly RunRecord[];
  readonly profile: ProfileRecord | null;
  readonly workDir: string;
}

function rotate<T>(list: readonly T[], by: number): T[] {
  if (list.length === 0) return [];
  const k = by % list.length;
  return [...list.slice(k), ...list.slice(0, k)];
}

function line(r: RunRecord): string {
  const head = `[${r.scenario} r${r.round}] ${r.target}`;
  if (r.failure !== null || r.load === null)
    return `${head}: FAILED ${r.failure}`;
  const l = r.load;
  const cpu = r.cpuUsPerReq === null ? '–' : r.cpuUsPerReq.toFixed(1);
  return `${head}: ${l.rps.toFixed(0)} req/s, p50 ${l.latency.p50.toFixed(3)} ms, p99 ${l.latency.p99.toFixed(3)} ms, ${cpu} µs CPU/req`;
}

async function startTargets(env: LaunchEnv, opts: BenchOptions, root: string) {
  const plan = planTargets(root, opts.targets);
  const running: RunningTarget[] = [];
  const skipped: Omission[] = [...plan.skipped];
  const failed: Omission[] = [];
  for (const spec of plan.specs) {
    const out = await launch(spec, env, plan);
    if (out.kind === 'running') running.push(out.target);
    else if (out.kind === 'skipped')
      skipped.push({ target: spec.name, reason: out.reason });
    else failed.push({ target: spec.name, reason: out.reason });
  }
  return { running, skipped, failed };
}

async function measureAll(
  scenarios: readonly Scenario[],
  targets: readonly RunningTarget[],
  ctx: MeasureContext,
  log: (s: string) => void,
): Promise<RunRecord[]> {
  const runs: RunRecord[] = [];
  const rounds = Math.max(1, ...scenarios.map((s) => s.rounds));
  for (let round = 1; round <= rounds; round++) {
    for (const sc of scenarios.filter((s) => s.rounds >= round)) {
      const order = targets.filter((t) => runsIn(t.spec, sc.name));
      for (const t of rotate(order, round - 1)) {
        const rec = await measure(t, sc, ctx, round);
        runs.push(rec);
        log(line(rec));
      }
    }
  }
  return runs;
}

/** Run the whole suite for `opts` from repository `root`. */
export async function runSuite(
  opts: BenchOptions,
  root: string,
  stem: string,
  log: (s: string) => void,
): Promise<SuiteResult> {
  const workDir = mkdtempSync(join(tmpdir(), 'routeiq-bench-'));
  const scenarios = scenariosFor(opts.quick, opts.rounds).filter(
    (s) => opts.scenarios === null || opts.scenarios.includes(s.name),
  );
  const upstream = await startUpstream(
    root,
    workDir,
    opts.chunks,
    opts.chunkIntervalMs,
  );
  let sink: OtlpSink | null = null;
  let targets: RunningTarget[] = [];
  try {
    sink = await startOtlpSink(root, workDir);
    const env: LaunchEnv = {
      root,
      workDir,
      upstream: upstream.origin,
      upstreamPid: upstream.child.pid,
      otlp: { endpoint: sink.endpoint, spans: sink.spans },
    };
    const started = await startTargets(env, opts, root);
    targets = started.running;
    log(
      `targets: ${targets.map((t) => t.spec.name).join(', ')} (logs in ${workDir})`,
    );
    const ctx: MeasureContext = {
      generator: opts.generator,
      upstream,
      chunks: opts.chunks,
      samples: 3,
    };
    const runs = await measureAll(scenarios, targets, ctx, log);
    await Promise.all(targets.map((t) => t.stop()));
    targets = [];
    // The profile runs one saturation shape (non-streaming by default).
    const sat = scenariosFor(opts.quick, 1).find(
      (s) => s.name === opts.profileScenario,
    );
    const profile =
      opts.profile && sat !== undefined
        ? await profileGateway(
            env,
            sat,
            opts.chunks,
            opts.outDir,
            stem,
            opts.profileTarget,
          )
        : null;
    return {
      scenarios,
      targets: started.running.map((t) => t.spec),
      skipped: started.skipped,
      failedTargets: started.failed,
      runs,
      profile,
      workDir,
    };
  } finally {
    await Promise.all(targets.map((t) => t.stop()));
    await sink?.child.stop();
    await upstream.child.stop();
  }
}
