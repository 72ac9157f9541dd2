/**
 * Open-loop load at a fixed rate: request i is due at t0 + i/rate and its
 * latency runs from that due time, not from when a connection was free,
 * so a target that falls behind shows it (no coordinated omission).
 * autocannon's `overallRate` is not used here: it sends each connection's
 * quota for a second back to back at the start of that second, which is
 * a burst once a second rather than an even rate.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { Pool } from 'undici';
import type { Dispatcher } from 'undici';
import { LatencyRecorder } from './latency-recorder.js';
import { tally } from './load-request.js';
import type { FailureTally, LoadRequest, LoadShape } from './load-request.js';
import type { LoadResult } from './types.js';
import { quickCheck } from './verify.js';

// After the last send, how long stragglers may take before they fail.
const kDrainMs = 10_000;

/** The requests of one paced run and what came back. */
interface Pacing {
  readonly pool: Pool;
  readonly opts: Dispatcher.DispatchOptions;
  readonly req: LoadRequest;
  readonly rec: LatencyRecorder;
  readonly lag: LatencyRecorder;
  readonly bad: FailureTally;
}

// dispatch() with a bare handler: no stream objects per request, so the
// generator's own CPU stays small next to the target's.
function send(p: Pacing, due: number): Promise<void> {
  p.lag.add(performance.now() - due);
  return new Promise((resolve) => {
    let status = 0;
    const parts: Buffer[] = [];
    p.pool.dispatch(p.opts, {
      // Its presence marks the handler as undici's new-style API.
      onRequestStart: () => undefined,
      onResponseStart: (_c, code) => {
        status = code;
      },
      onResponseData: (_c, chunk) => {
        parts.push(chunk);
      },
      onResponseEnd: () => {
        const ms = performance.now() - due;
        const text = Buffer.concat(parts).toString('utf8');
        if (status !== 200) tally(p.bad, `status ${status}`);
        else if (!quickCheck(p.req.expect, text))
          tally(p.bad, 'body check failed');
        else p.rec.add(ms);
        resolve();
      },
      onResponseError: (_c, err) => {
        tally(p.bad, `transport: ${err.message}`);
        resolve();
      },
    });
  });
}

/** Offer `shape.rate` requests per second for `shape.durationS`. */
export async function runPaced(
  req: LoadRequest,
  shape: LoadShape,
): Promise<LoadResult> {
  const rate = shape.rate ?? 1;
  const url = new URL(req.url);
  const pool = new Pool(url.origin, {
    connections: shape.connections,
    pipelining: 1,
  });
  const p: Pacing = {
    pool,
    opts: {
      method: 'POST',
      path: url.pathname,
      headers: { 'content-type': 'application/json', ...req.headers },
      body: Buffer.from(req.body),
      headersTimeout: kDrainMs,
      bodyTimeout: kDrainMs,
    },
    req,
    rec: new LatencyRecorder(),
    lag: new LatencyRecorder(),
    bad: { failures: 0, detail: null },
  };
  const total = Math.round(rate * shape.durationS);
  const pending: Array<Promise<void>> = [];
  const cpu0 = process.cpuUsage();
  const t0 = performance.now() + 1;
  let sent = 0;
  while (sent < total) {
    const now = performance.now();
    const due = Math.min(total, Math.floor(((now - t0) * rate) / 1000) + 1);
    for (; sent < due; sent++) pending.push(send(p, t0 + (sent * 1000) / rate));
    await sleep(1);
  }
  await Promise.all(pending);
  const elapsedS = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  await pool.close();
  const ok = p.rec.count;
  return {
    ok,
    failures: p.bad.failures,
    failureDetail: p.bad.detail,
    elapsedS,
    rps: ok / elapsedS,
    offeredRate: rate,
    latency: p.rec.summary(),
    generatorCpuUsPerReq: ok > 0 ? (cpu.user + cpu.system) / ok : null,
    sendLagP99Ms: p.lag.summary().p99,
  };
}
