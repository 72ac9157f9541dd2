/**
 * Inference trouble never becomes a 5xx: a worker that throws, exits or
 * hangs, a full queue and a corrupt model all fall back to the default
 * model, flagged in the decision (RELIABILITY.md rows 6 and 7).
 */
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import t from 'tap';
import type { Test } from 'tap';
import { request } from 'undici';
import { loadConfig } from '../../../src/config/load.js';
import { InferenceBatcher } from '../../../src/inference/batcher.js';
import { InferencePool } from '../../../src/inference/pool.js';
import { LearnedStrategy } from '../../../src/routing/learned-strategy.js';
import { Router } from '../../../src/routing/router.js';
import { startTestGateway } from '../../helpers/gateway.js';
import { mathCodeArtifact, routerYaml } from './learned-fixture.js';

const kFaulty = join(
  dirname(fileURLToPath(import.meta.url)),
  '../../helpers/faulty-inference-worker.mjs',
);

function faultyRouter(
  t: Test,
  opts: { timeoutMs?: number; maxWaiting?: number } = {},
) {
  const artifact = mathCodeArtifact();
  const { config } = loadConfig({
    path: null,
    text: routerYaml(artifact.dir),
    env: {},
  });
  const router = new Router(config);
  const pool = new InferencePool({
    threads: 1,
    maxQueue: 4,
    hangTimeoutMs: 60_000,
    filename: kFaulty,
  });
  t.teardown(async () => {
    await pool.close();
    await router.close();
  });
  const batcher = new InferenceBatcher(
    pool,
    { dir: artifact.dir, version: 'v' },
    {
      maxWaiting: opts.maxWaiting ?? 16,
      maxBatch: 8,
      maxInFlight: 1,
    },
  );
  const cfg = {
    ...config.routeiq.routers[0]!,
    taskTimeoutMs: opts.timeoutMs ?? 20_000,
  };
  const model = {
    version: 'v',
    candidates: ['math-model', 'code-model'],
    costs: [0, 0],
    costModel: null,
    defaultCostWeight: 0,
  };
  const strategy = new LearnedStrategy(router, {
    config: cfg,
    model,
    batcher,
    degradedReason: null,
  });
  const group = router.group('auto')!;
  const select = (text: string) =>
    strategy.select({
      group,
      healthy: [],
      text,
      costWeight: null,
      traceparent: null,
    });
  return { select };
}

t.test('a worker that throws falls back to the default model', async (t) => {
  const { select } = faultyRouter(t);
  const d = await select('__throw__');
  t.equal(d.fallbackTriggered, true);
  t.equal(d.decisionReason, 'worker_error');
  t.equal(d.modelGroup, 'math-model');
});

t.test('a worker that exits falls back, and the pool refills', async (t) => {
  const { select } = faultyRouter(t);
  const d = await select('__exit__');
  t.equal(d.decisionReason, 'worker_error');
  const next = await select('a normal prompt');
  t.equal(next.fallbackTriggered, false, 'a fresh worker answers');
  t.equal(next.modelGroup, 'code-model');
});

t.test('a worker that hangs falls back when the task times out', async (t) => {
  const { select } = faultyRouter(t, { timeoutMs: 200 });
  const d = await select('__hang__');
  t.equal(d.decisionReason, 'inference_timeout');
  t.equal(d.fallbackTriggered, true);
});

t.test('a full inference queue falls back at once', async (t) => {
  const { select } = faultyRouter(t, { timeoutMs: 500, maxWaiting: 2 });
  const decisions = await Promise.all(
    Array.from({ length: 6 }, () => select('__hang__')),
  );
  const reasons = new Set(decisions.map((d) => d.decisionReason));
  t.ok(reasons.has('queue_full'), 'requests past the queue bound fell back');
  t.ok(decisions.every((d) => d.fallbackTriggered));
});

t.test(
  'a corrupt model degrades readiness but every request is served',
  async (t) => {
    const artifact = mathCodeArtifact();
    writeFileSync(join(artifact.dir, 'model.onnx'), 'not an onnx graph');
    const { url } = await startTestGateway(t, routerYaml(artifact.dir));
    const ready = await request(`${url}/health/readiness`);
    t.equal(ready.statusCode, 200);
    t.match(await ready.body.json(), { status: 'degraded' });
    const res = await request(`${url}/v1/chat/completions`, {
      method: 'POST',
      body: JSON.stringify({
        model: 'auto',
        messages: [{ role: 'user', content: 'hi' }],
      }),
    });
    t.equal(res.statusCode, 200);
    t.equal(res.headers['x-routeiq-fallback'], 'model_invalid');
    t.equal(res.headers['x-routeiq-model'], 'math-model');
    await res.body.text();
  },
);
