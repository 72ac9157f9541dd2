/**
 * What every reliability suite shares (RELIABILITY.md): a gateway whose
 * teardown proves it ended quiet (in-flight and stream gauges at zero,
 * request-log counters adding up), a per-file check for leaked handles
 * and unbounded RSS, and readers for log rows and store counters.
 */
import Database from 'better-sqlite3';
import type { Test } from 'tap';
import { startTestGateway } from '../../helpers/gateway.js';
import type { TestGateway } from '../../helpers/gateway.js';
import type { StoreCounters } from '../../../src/store/index.js';
import type { Gateway } from '../../../src/gateway.js';
import { parse, total } from '../metrics/exposition.js';

/** The chat route and a small valid body. */
export const kChat = '/v1/chat/completions';

/** A chat body for `test-model` with `extra` fields merged in. */
export function chatBody(extra: Record<string, unknown> = {}) {
  return {
    model: 'test-model',
    messages: [{ role: 'user', content: 'hi' }],
    ...extra,
  };
}

/**
 * One `model_list` entry for `model` on `apiBase`; `params` are extra
 * `litellm_params` lines (`timeout: 0.2`, ...).
 */
export function deployment(
  model: string,
  apiBase: string,
  id: string,
  params: readonly string[] = [],
): string {
  return [
    `  - model_name: ${model}`,
    '    litellm_params:',
    `      model: openai/${id}`,
    `      api_base: ${apiBase}`,
    '      api_key: sk-test-provider-key',
    ...params.map((p) => `      ${p}`),
    '    model_info:',
    `      id: ${id}`,
  ].join('\n');
}

/** A config of `deployments` plus extra top-level YAML. */
export function gatewayYaml(deployments: readonly string[], extra = '') {
  return `model_list:\n${deployments.join('\n')}\n${extra}`;
}

/** Resolve once `pred` holds; throw `what` after `ms` (a hang guard). */
export async function until(
  pred: () => boolean | Promise<boolean>,
  what: string,
  ms = 5000,
): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await pred())) {
    if (Date.now() > deadline) throw new Error(`never happened: ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** The request-log counters `/health` reports, read in process. */
export function storeCounters(gw: Gateway): StoreCounters {
  for (const extra of gw.services.healthExtras) {
    const v = extra()['store'];
    if (v !== undefined) return v as StoreCounters;
  }
  throw new Error('no store counters in /health');
}

/** Every request_log row written so far (the gateway's SQLite file). */
export function logRows(gw: Gateway): Array<Record<string, unknown>> {
  const url = gw.services.config.generalSettings.databaseUrl ?? '';
  const db = new Database(url.replace(/^sqlite:/, ''), { readonly: true });
  try {
    return db.prepare('SELECT * FROM request_log').all() as Array<
      Record<string, unknown>
    >;
  } finally {
    db.close();
  }
}

/** Wait until `n` rows are written and none waits; returns the rows. */
export async function settledRows(gw: Gateway, n: number) {
  await until(() => {
    const c = storeCounters(gw);
    return c.written + c.dropped >= n && c.queued === 0;
  }, `${n} request-log rows written`);
  return logRows(gw);
}

async function gauges(gw: Gateway): Promise<number> {
  const samples = parse(await gw.metrics.text());
  return (
    gw.services.state.inFlight +
    (total(samples, 'routeiq_active_streams') ?? 0) +
    (total(samples, 'litellm_in_flight_requests') ?? 0) +
    gw.services.router.deployments.reduce((n, d) => n + d.inFlight, 0)
  );
}

/**
 * The end-of-test invariants, thrown from teardown so a broken one
 * fails the test that left it: every gauge back at zero, and every
 * enqueued row written, dropped or still queued.
 */
async function expectQuiet(gw: Gateway): Promise<void> {
  await until(async () => (await gauges(gw)) === 0, 'gauges back at zero');
  const c = storeCounters(gw);
  if (c.enqueued !== c.written + c.dropped + c.queued) {
    throw new Error(`request log does not add up: ${JSON.stringify(c)}`);
  }
}

/** A gateway checked for quiet at teardown, before it is closed. */
export async function startChecked(
  t: Test,
  yaml: string,
  env: Record<string, string> = {},
): Promise<TestGateway> {
  const started = await startTestGateway(t, yaml, env);
  // Teardowns run last-in first-out: this runs before the close.
  t.teardown(() => expectQuiet(started.gw));
  return started;
}

type Counts = Map<string, number>;

function handles(): Counts {
  const out: Counts = new Map();
  for (const r of process.getActiveResourcesInfo()) {
    out.set(r, (out.get(r) ?? 0) + 1);
  }
  return out;
}

function grown(before: Counts, after: Counts): string[] {
  const out: string[] = [];
  for (const [kind, n] of after) {
    const was = before.get(kind) ?? 0;
    if (n > was) out.push(`${kind} ${was} -> ${n}`);
  }
  return out;
}

/**
 * Call first in a test file: at its very end (after every test's own
 * teardown) no socket, server or timer may be left over from the
 * suite, and RSS may not have grown more than `rssGrowthMiB` (the test
 * process is client, upstream and gateway at once; 45-65 MiB measured).
 */
export function watchSuite(t: Test, rssGrowthMiB = 256): void {
  const before = handles();
  const rss = process.memoryUsage().rss;
  t.teardown(async () => {
    let left: string[] = [];
    // Closed sockets leave the list on the next turns of the loop.
    await until(() => {
      left = grown(before, handles());
      return left.length === 0;
    }, 'handles released').catch(() => undefined);
    if (left.length > 0) throw new Error(`leaked: ${left.join(', ')}`);
    const growth = process.memoryUsage().rss - rss;
    if (growth > rssGrowthMiB * 2 ** 20) {
      throw new Error(`RSS grew by ${Math.round(growth / 2 ** 20)} MiB`);
    }
  });
}
