/**
 * Closed-loop load with wrk, a leaner generator than autocannon (C, one
 * thread here): less of the shared CPU goes to offering load. Optional;
 * Debian's `wrk` package. Latencies arrive as wrk's percentiles in
 * microseconds, so this path reports no per-sample recorder.
 */
import { execFile, execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LoadRequest, LoadShape } from './load-request.js';
import { cpuSeconds } from './proc-stats.js';
import type { LoadResult } from './types.js';
import { wrkScript } from './wrk-script.js';

/** True when a `wrk` binary is on PATH. */
export function wrkInstalled(): boolean {
  try {
    execFileSync('wrk', ['--version'], { stdio: 'ignore' });
    return true;
  } catch (err) {
    // wrk prints its version and exits 1; only a missing binary is ENOENT.
    return (err as { code?: unknown }).code !== 'ENOENT';
  }
}

interface WrkTotals {
  requests: number;
  duration_us: number;
  seen: number;
  bad: number;
  connect: number;
  read: number;
  write: number;
  status: number;
  timeout: number;
  p50: number;
  p90: number;
  p99: number;
  mean: number;
  max: number;
}

/** The totals line of wrk's output; throws when it is missing. */
export function parseWrkOutput(out: string): WrkTotals {
  const line = out.split('\n').find((l) => l.startsWith('WRKJSON '));
  if (line === undefined) throw new Error(`wrk printed no totals: ${out}`);
  return JSON.parse(line.slice(8)) as WrkTotals;
}

function toResult(t: WrkTotals, cpuUs: number): LoadResult {
  const errors = t.connect + t.read + t.write + t.timeout;
  const ok = Math.max(0, t.seen - t.bad);
  const elapsedS = t.duration_us / 1e6;
  const detail =
    t.bad > 0
      ? `${t.bad} responses failed status or body checks`
      : errors > 0
        ? `${errors} transport errors or timeouts`
        : null;
  return {
    ok,
    failures: t.bad + errors,
    failureDetail: detail,
    elapsedS,
    rps: ok / elapsedS,
    offeredRate: null,
    latency: {
      count: ok,
      p50: t.p50 / 1000,
      p90: t.p90 / 1000,
      p99: t.p99 / 1000,
      mean: t.mean / 1000,
      max: t.max / 1000,
    },
    generatorCpuUsPerReq: ok > 0 && cpuUs > 0 ? cpuUs / ok : null,
  };
}

/** Run wrk, sampling its CPU from /proc until it exits. */
function execWrk(args: readonly string[]) {
  return new Promise<{ out: string; cpuUs: number }>((resolve, reject) => {
    let cpuS = 0;
    const child = execFile('wrk', [...args], (err, stdout) => {
      clearInterval(timer);
      if (err !== null) return reject(err);
      resolve({ out: stdout, cpuUs: cpuS * 1e6 });
    });
    // The last sample is at most 100 ms old: a slight undercount.
    const timer = setInterval(() => {
      try {
        if (child.pid !== undefined) cpuS = cpuSeconds(child.pid);
      } catch {
        // Exited between samples; keep the last reading.
      }
    }, 100);
  });
}

/** Offer closed-loop load with wrk and measure it. */
export async function runWrk(
  req: LoadRequest,
  shape: LoadShape,
): Promise<LoadResult> {
  const dir = mkdtempSync(join(tmpdir(), 'routeiq-wrk-'));
  const script = join(dir, 'post.lua');
  writeFileSync(script, wrkScript(req));
  const args = [
    '-t1',
    `-c${shape.connections}`,
    `-d${Math.max(1, Math.round(shape.durationS))}s`,
    '--timeout',
    '10s',
    '-s',
    script,
    req.url,
  ];
  try {
    const { out, cpuUs } = await execWrk(args);
    return toResult(parseWrkOutput(out), cpuUs);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
