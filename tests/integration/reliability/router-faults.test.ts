/**
 * RELIABILITY.md rows 6 and 7: inference trouble never costs a request.
 * A slow inference falls back to the router's default model, says so in
 * a header and is counted; the pool survives workers that throw, exit
 * or hang, counts the exits, and refills, so the learned router decides
 * again; a missing or corrupt router model starts the
 * gateway degraded, serving the default model, with one log line per
 * load attempt and no worker started at all.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import t from 'tap';
import type { Test } from 'tap';
import { get, json, post } from '../../helpers/http.js';
import { InferenceBatcher } from '../../../src/inference/batcher.js';
import { InferencePool } from '../../../src/inference/pool.js';
import type { InferenceTask } from '../../../src/inference/types.js';
import { configureLogging } from '../../../src/telemetry/logger.js';
import { parse, total } from '../metrics/exposition.js';
import { mathCodeArtifact, routerYaml } from '../routing/learned-fixture.js';
import { startChecked, until, watchSuite } from './harness.js';

// Worker threads under the test's TypeScript loader cost ~60 MiB each,
// and glibc keeps a finished thread's arena: ~500 MiB measured here.
watchSuite(t, 1024);

const kMaster = 'sk-router-faults-master-key';
const kAuto = {
  model: 'auto',
  messages: [{ role: 'user', content: 'What is 12 plus 30?' }],
};

t.test(
  'an inference past its deadline falls back, says so and is counted',
  async (t) => {
    const { dir } = mathCodeArtifact();
    // 1 ms: no worker answers that fast, least of all a cold one.
    const yaml = routerYaml(dir).replace(
      'task_timeout_ms: 5000',
      'task_timeout_ms: 1',
    );
    const { url, gw } = await startChecked(t, yaml);
    let fallbacks = 0;
    for (let i = 0; i < 8; i++) {
      const reply = await post(`${url}/v1/chat/completions`, kAuto);
      t.equal(reply.status, 200, `request ${i} served`);
      if (reply.headers['x-routeiq-fallback'] === undefined) continue;
      t.equal(reply.headers['x-routeiq-fallback'], 'inference_timeout');
      t.equal(reply.headers['x-routeiq-model'], 'math-model', 'the default');
      fallbacks++;
    }
    t.ok(fallbacks > 0, `${fallbacks} of 8 fell back`);
    const samples = parse(await gw.metrics.text());
    const counted = total(samples, 'routeiq_router_fallbacks_total', {
      reason: 'inference_timeout',
    });
    t.equal(counted, fallbacks, 'each fallback is counted');
  },
);

// A worker that fails on demand: the text of the task says how.
const kFaultyWorker = `
export default function (task) {
  const how = task.texts[0];
  if (how === 'throw') throw new Error('worker failed');
  if (how === 'exit') process.exit(3);
  if (how === 'hang') for (;;) {}
  return { ok: true, errorCode: null, qualities: new Float32Array(2),
    candidates: 2, threadId: 0, spans: [],
    timings: { queueMs: 0, loadMs: 0, featurizeMs: 0, inferMs: 0 } };
}
`;

function task(how: string): InferenceTask {
  return {
    artifactDir: '/nonexistent',
    version: 'v',
    texts: [how],
    traceparents: [null],
    sentAt: Date.now(),
  };
}

t.test(
  'the pool refuses throwing, exiting and hung workers and refills',
  async (t) => {
    const dir = mkdtempSync(join(tmpdir(), 'routeiq-worker-'));
    const filename = join(dir, 'faulty.mjs');
    writeFileSync(filename, kFaultyWorker);
    const pool = new InferencePool({
      threads: 2,
      maxQueue: 4,
      hangTimeoutMs: 3000,
      filename,
    });
    t.teardown(() => pool.close());
    // Under the test's TypeScript loader a cold worker may take seconds.
    await until(
      () =>
        pool.run(task('ok')).then(
          (r) => r.ok,
          () => false,
        ),
      'a warm worker',
      30_000,
    );
    const exits = { throw: 0, exit: 1, hang: 0 };
    for (const [how, exited] of Object.entries(exits)) {
      const before = { ...pool.counters };
      await t.rejects(pool.run(task(how)), { code: 'GW_ERR_INFERENCE_FAILED' });
      const after = await pool.run(task('ok'));
      t.equal(after.ok, true, `a task after "${how}" is served`);
      const { workerExits, aborted } = pool.counters;
      t.equal(workerExits - before.workerExits, exited, `"${how}": exits`);
      t.equal(aborted - before.aborted, how === 'hang' ? 1 : 0, 'aborts');
    }
    t.equal(pool.threads, 2, 'the pool is back to its size');
    await pool.close();
    t.equal(pool.counters.workerExits, 1, 'closing the pool is no exit');
  },
);

const kFaultyHelper = join(
  dirname(fileURLToPath(import.meta.url)),
  '../../helpers/faulty-inference-worker.mjs',
);

/** `text` as an `auto` chat request; the reply's routing headers. */
async function route(url: string, text: string) {
  const body = { ...kAuto, messages: [{ role: 'user', content: text }] };
  const reply = await post(`${url}/v1/chat/completions`, body);
  return {
    status: reply.status,
    model: reply.headers['x-routeiq-model'],
    fallback: reply.headers['x-routeiq-fallback'],
  };
}

t.test(
  'a worker that exits is counted, falls back, and its pool refills',
  async (t) => {
    const { dir } = mathCodeArtifact();
    // Long enough for the cold worker that replaces the one that exits.
    const yaml = routerYaml(dir).replace(
      'task_timeout_ms: 5000',
      'task_timeout_ms: 60000',
    );
    const { url, gw } = await startChecked(t, yaml);
    const failures = async () => {
      const samples = parse(await gw.metrics.text());
      const name = 'routeiq_inference_worker_failures_total';
      return Object.fromEntries(
        ['error', 'exit', 'hang'].map((r) => [
          r,
          total(samples, name, { reason: r }),
        ]),
      );
    };
    t.same(await failures(), { error: 0, exit: 0, hang: 0 }, 'none yet');
    // The router's batcher and the runtime's pool, moved onto stand-in
    // workers that exit on demand; the gateway and strategy stay real.
    const pool = new InferencePool({
      threads: 1,
      maxQueue: 4,
      hangTimeoutMs: 60_000,
      filename: kFaultyHelper,
    });
    const realPool = gw.routers.pool;
    gw.routers.pool = pool;
    t.teardown(() => {
      gw.routers.pool = realPool;
      return pool.close();
    });
    const state = gw.routers.states[0]!;
    const real = state.batcher!;
    state.batcher = new InferenceBatcher(pool, real.artifact, {
      maxWaiting: 16,
      maxBatch: 8,
      maxInFlight: 1,
    });

    const exited = await route(url, 'What is 2 plus 2? __exit__');
    t.same(
      exited,
      { status: 200, model: 'math-model', fallback: 'worker_error' },
      'served by the default model, and the header says why',
    );
    t.equal(pool.counters.workerExits, 1, 'the exit is counted');
    const samples = parse(await gw.metrics.text());
    const counted = total(samples, 'routeiq_router_fallbacks_total', {
      reason: 'worker_error',
    });
    t.equal(counted, 1, 'and so is the fallback');
    t.same(
      await failures(),
      { error: 0, exit: 1, hang: 0 },
      'the exit is on /metrics',
    );

    // The stand-in rates code-model best: only a worker can say so.
    const next = await route(url, 'What is 3 plus 3?');
    t.same(
      next,
      { status: 200, model: 'code-model', fallback: undefined },
      'a fresh worker decides again, with no fallback',
    );
    t.equal(pool.threads, 1, 'the pool is back to its size');
  },
);

async function degraded(t: Test, artifact: string) {
  const lines: string[] = [];
  configureLogging({
    level: 'info',
    destination: { write: (s: string) => void lines.push(s) },
  });
  t.teardown(() => void configureLogging({ level: 'silent' }));
  const yaml = `${routerYaml(artifact)}general_settings:\n  master_key: ${kMaster}\n`;
  const started = await startChecked(t, yaml);
  const loads = () =>
    lines.filter((l) => l.includes('"msg":"router model invalid"')).length;
  return { ...started, loads };
}

for (const [what, artifact] of [
  ['missing', '/nonexistent/routeiq-router'],
  ['corrupt', corruptArtifact()],
] as const) {
  t.test(
    `a ${what} router model starts degraded and serves the default`,
    async (t) => {
      const { url, gw, loads } = await degraded(t, artifact);
      t.equal(loads(), 1, 'one log line for the load at start');
      const auth = { authorization: `Bearer ${kMaster}` };
      const ready = await get(`${url}/health/readiness`);
      t.equal(ready.status, 200, 'still ready: requests are served');
      t.match(json(ready), { status: 'degraded' });
      const reply = await post(`${url}/v1/chat/completions`, kAuto, auth);
      t.equal(reply.status, 200);
      t.equal(reply.headers['x-routeiq-model'], 'math-model');
      t.equal(reply.headers['x-routeiq-fallback'], 'model_invalid');
      const reload = await post(`${url}/router/reload`, {}, auth);
      t.equal(reload.status, 422, 'a reload that fails says so');
      t.equal(loads(), 2, 'and logs one line, not a loop');
      t.equal(gw.routers.pool, null, 'no worker was ever started');
    },
  );
}

/** An artifact folder whose manifest is not JSON. */
function corruptArtifact(): string {
  const dir = mkdtempSync(join(tmpdir(), 'routeiq-corrupt-'));
  writeFileSync(join(dir, 'manifest.json'), '{"strategy": "knn", ');
  writeFileSync(join(dir, 'model.onnx'), 'not an onnx graph');
  return dir;
}
