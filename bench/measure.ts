/**
 * One measurement: check a few full responses, warm up, snapshot the
 * target's CPU, peak RSS, `/metrics` and the upstream's request counter,
 * offer the load, snapshot again, check again. Any failed check makes the
 * run a failure with no figures: a broken target cannot post a number.
 */
import { request } from 'undici';
import { runAutocannon } from './autocannon-load.js';
import type { LoadRequest, LoadShape } from './load-request.js';
import type { Generator } from './options.js';
import { runPaced } from './paced-load.js';
import { cpuSeconds, peakRssMb, resetPeakRss } from './proc-stats.js';
import { parseCounter, parseHistogram, summarizeDiff } from './prom-text.js';
import { chatBody } from './request-body.js';
import { sampleCheck } from './sample-check.js';
import type { Upstream } from './support-procs.js';
import type {
  LoadResult,
  RunRecord,
  RunningTarget,
  Scenario,
} from './types.js';
import { runWrk } from './wrk-load.js';

/** What every measurement shares. */
export interface MeasureContext {
  readonly generator: Generator;
  readonly upstream: Upstream;
  readonly chunks: number;
  /** Full responses checked before and after each run. */
  readonly samples: number;
}

/** The request `t` receives in `sc`. */
export function loadRequest(
  t: RunningTarget,
  sc: Scenario,
  chunks: number,
): LoadRequest {
  return {
    url: `${t.origin}${t.path}`,
    headers: t.headers,
    body: chatBody(t.model, sc.stream, sc.promptBytes),
    expect: { stream: sc.stream, chunks },
  };
}

function offer(gen: Generator, req: LoadRequest, shape: LoadShape) {
  if (shape.rate !== null) return runPaced(req, shape);
  return gen === 'wrk' ? runWrk(req, shape) : runAutocannon(req, shape);
}

async function scrape(url: string | null): Promise<string | null> {
  if (url === null) return null;
  const res = await request(url);
  return res.statusCode === 200 ? res.body.text() : null;
}

interface Snapshot {
  readonly cpuS: number;
  readonly upstreamCpuS: number;
  readonly upstreamRequests: number;
  readonly spans: number | null;
  readonly metrics: string | null;
}

async function snapshot(t: RunningTarget, ctx: MeasureContext) {
  const metrics = await scrape(t.metricsUrl);
  const spans = t.spanCount === null ? null : await t.spanCount();
  const upstreamRequests = await ctx.upstream.requests();
  const s: Snapshot = {
    cpuS: cpuSeconds(t.pid),
    upstreamCpuS: cpuSeconds(ctx.upstream.child.pid),
    upstreamRequests,
    spans,
    metrics,
  };
  return s;
}

function problem(
  t: RunningTarget,
  load: LoadResult,
  a: Snapshot,
  b: Snapshot,
): string | null {
  if (load.failures > 0) return load.failureDetail ?? 'failed responses';
  if (load.ok === 0) return 'no successful responses';
  // A proxy that answers without asking upstream is not proxying.
  if (t.forwards && b.upstreamRequests - a.upstreamRequests < load.ok) {
    return 'more answers than requests reached the upstream';
  }
  if (a.spans !== null && b.spans !== null && b.spans <= a.spans) {
    return 'tracing on, but no spans reached the receiver';
  }
  return null;
}

function perReq(seconds: number, n: number): number | null {
  return n > 0 ? (seconds * 1e6) / n : null;
}

function metricFigures(a: Snapshot, b: Snapshot, ok: number) {
  const text = (s: Snapshot) => s.metrics ?? '';
  const hist = (name: string) =>
    b.metrics === null
      ? null
      : summarizeDiff(
          parseHistogram(text(a), name),
          parseHistogram(text(b), name),
        );
  const dropped = (s: Snapshot) =>
    parseCounter(text(s), 'routeiq_spans_dropped_total');
  const d0 = dropped(a);
  const d1 = dropped(b);
  return {
    routing: hist('routeiq_routing_latency_histogram'),
    batch: hist('routeiq_inference_batch_size'),
    spansPerReq:
      a.spans !== null && b.spans !== null && ok > 0
        ? (b.spans - a.spans) / ok
        : null,
    spansDropped: d1 === null ? null : d1 - (d0 ?? 0),
  };
}

function failedRecord(base: RecordKey, failure: string): RunRecord {
  return {
    ...base,
    failure,
    load: null,
    cpuUsPerReq: null,
    upstreamCpuUsPerReq: null,
    peakRssMb: null,
    routing: null,
    batch: null,
    spansPerReq: null,
    spansDropped: null,
  };
}

type RecordKey = Pick<RunRecord, 'round' | 'scenario' | 'target'>;

/** Closed loop whatever the scenario: warm-up only has to run the code. */
async function warmUp(req: LoadRequest, sc: Scenario): Promise<void> {
  if (sc.warmupS <= 0) return;
  const connections = sc.load === 'rate' ? 8 : sc.connections;
  await runAutocannon(req, { connections, durationS: sc.warmupS, rate: null });
}

async function measureOnce(
  t: RunningTarget,
  sc: Scenario,
  ctx: MeasureContext,
  base: RecordKey,
): Promise<RunRecord> {
  const req = loadRequest(t, sc, ctx.chunks);
  const before = await sampleCheck(req, ctx.samples);
  if (before !== null) return failedRecord(base, `check before: ${before}`);
  await warmUp(req, sc);

  const a = await snapshot(t, ctx);
  resetPeakRss(t.pid);
  const shape = { connections: sc.connections, durationS: sc.durationS };
  const load = await offer(ctx.generator, req, { ...shape, rate: sc.rate });
  const cpuS = cpuSeconds(t.pid);
  const upstreamCpuS = cpuSeconds(ctx.upstream.child.pid);
  const rss = peakRssMb(t.pid);
  const b = { ...(await snapshot(t, ctx)), cpuS, upstreamCpuS };

  const after = await sampleCheck(req, ctx.samples);
  const why =
    problem(t, load, a, b) ?? (after === null ? null : `check after: ${after}`);
  if (why !== null) return failedRecord(base, why);
  return {
    ...base,
    failure: null,
    load,
    cpuUsPerReq: perReq(b.cpuS - a.cpuS, load.ok),
    upstreamCpuUsPerReq: perReq(b.upstreamCpuS - a.upstreamCpuS, load.ok),
    peakRssMb: rss,
    ...metricFigures(a, b, load.ok),
  };
}

/**
 * Measure target `t` under scenario `sc` (round `round`). Anything that
 * goes wrong (a dead process, a generator error) becomes a failed record
 * rather than ending the whole suite.
 */
export async function measure(
  t: RunningTarget,
  sc: Scenario,
  ctx: MeasureContext,
  round: number,
): Promise<RunRecord> {
  const base = { round, scenario: sc.name, target: t.spec.name };
  try {
    return await measureOnce(t, sc, ctx, base);
  } catch (err) {
    const msg = err instanceof Error ? err.message : String(err);
    return failedRecord(base, `measurement failed: ${msg.slice(0, 300)}`);
  }
}
