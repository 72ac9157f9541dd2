/**
 * Closed-loop load with autocannon's programmatic API: N connections,
 * each sending its next request when the last answer ends. Latencies are
 * taken from the `response` event (hrtime, fractional ms) into our own
 * recorder, because autocannon's histogram keeps whole milliseconds and
 * the probes need tenths. Every body goes through `quickCheck`.
 */
import autocannon from 'autocannon';
import type { Result } from 'autocannon';
import { LatencyRecorder } from './latency-recorder.js';
import type { LoadRequest, LoadShape } from './load-request.js';
import type { LoadResult } from './types.js';
import { quickCheck } from './verify.js';

function failureDetail(r: Result): string | null {
  if (r.non2xx > 0) {
    const codes = Object.keys(r.statusCodeStats ?? {}).join(', ');
    return `${r.non2xx} non-2xx responses (status ${codes})`;
  }
  if (r.mismatches > 0) return `${r.mismatches} bodies failed the check`;
  if (r.timeouts > 0) return `${r.timeouts} requests timed out`;
  if (r.errors > 0) return `${r.errors} transport errors`;
  return null;
}

/** Offer closed-loop load and measure it. */
export function runAutocannon(
  req: LoadRequest,
  shape: LoadShape,
): Promise<LoadResult> {
  const rec = new LatencyRecorder();
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  return new Promise((resolve, reject) => {
    const inst = autocannon(
      {
        url: req.url,
        method: 'POST',
        headers: { 'content-type': 'application/json', ...req.headers },
        body: req.body,
        connections: shape.connections,
        pipelining: 1,
        duration: shape.durationS,
        timeout: 10,
        verifyBody: (body) => quickCheck(req.expect, body),
      },
      (err, r) => {
        if (err !== null) return reject(err);
        const elapsedS = (performance.now() - t0) / 1000;
        const cpu = process.cpuUsage(cpu0);
        // Mismatched bodies were 2xx too: they do not count as served.
        const ok = Math.max(0, r['2xx'] - r.mismatches);
        resolve({
          ok,
          failures: r.non2xx + r.mismatches + r.errors,
          failureDetail: failureDetail(r),
          elapsedS,
          rps: ok / elapsedS,
          offeredRate: null,
          latency: rec.summary(),
          generatorCpuUsPerReq: ok > 0 ? (cpu.user + cpu.system) / ok : null,
        });
      },
    );
    inst.on('response', (_client, status, _bytes, ms) => {
      if (status >= 200 && status < 300) rec.add(ms);
    });
  });
}
