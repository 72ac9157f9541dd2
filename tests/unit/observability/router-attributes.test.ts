/**
 * Issue #4: the routing span's `router.*` attributes, for knn-9, mlp-9
 * and random, checked against sources the serving path does not share:
 * the artifact run directly (reference-router.ts), the manifest as plain
 * JSON, and the router's configured candidates.
 */
import t from 'tap';
import type { Test } from 'tap';
import type { Attributes } from '@opentelemetry/api';
import { loadReference, readManifestFacts } from './reference-router.js';
import {
  kCandidates,
  kDefaultModel,
  kRandomCandidates,
  kRoute,
  startRoutingHarness,
} from './routing-harness.js';
import type { TracedRoute } from './routing-harness.js';

const kMath = 'What is 17 times 23? Show the arithmetic step by step.';
// Math, code, trivia, chat and a long prompt: different winners.
const kPrompts = [
  kMath,
  'Write a Python function that merges two sorted lists in linear time.',
  'Which river flows through Vienna, Budapest and Belgrade?',
  'hi, how are you today?',
  'Summarise the causes of the First World War. '.repeat(40),
];
// null is the artifact's default weight; 0 ranks by quality alone.
const kWeights = [null, 0, 0.5];
const kScoreTolerance = 1e-6;

const h = await startRoutingHarness();
t.teardown(() => h.close());

function routingSpan(r: TracedRoute): Attributes {
  const span = r.spans.find((s) => s.name === 'router.route');
  if (span === undefined) throw new Error('no router.route span exported');
  return span.attributes;
}

async function checkLearned(t: Test, strategy: 'knn' | 'mlp') {
  const ref = await loadReference(`models/${strategy}-9`);
  t.teardown(() => ref.close());
  const configured = h.config.routeiq.routers.find((r) => r.name === strategy);
  const picks = new Set<string>();
  for (const text of kPrompts) {
    for (const w of kWeights) {
      const a = routingSpan(await h.route(`router-${strategy}`, text, w));
      const want = await ref.choose(text, w);
      const at = `${strategy}, weight ${w}, "${text.slice(0, 20)}"`;
      t.equal(a['router.strategy'], strategy, `strategy: ${at}`);
      t.equal(a['router.fallback_triggered'], false, `inferred: ${at}`);
      t.equal(
        a['router.model_selected'],
        want.model,
        `model ${want.model}: ${at}`,
      );
      t.equal(a['router.candidates_evaluated'], configured?.candidates.length);
      t.equal(a['router.candidates_evaluated'], ref.facts.candidates.length);
      const score = a['router.score'];
      t.type(score, 'number', `score present: ${at}`);
      const off = Math.abs(Number(score) - want.quality);
      t.ok(off <= kScoreTolerance, `score is the quality (off ${off}): ${at}`);
      picks.add(want.model);
    }
  }
  // The prompts must tell candidates apart, or the model check is weak.
  t.ok(picks.size > 2, `the artifact picked ${picks.size} models`);
}

t.test('the knn span reports what knn-9 decides when run directly', (t) =>
  checkLearned(t, 'knn'),
);

t.test('the mlp span reports what mlp-9 decides when run directly', (t) =>
  checkLearned(t, 'mlp'),
);

t.test('a learned span names its artifact version and latency', async (t) => {
  for (const strategy of ['knn', 'mlp']) {
    const facts = readManifestFacts(`models/${strategy}-9`);
    const r = await h.route(`router-${strategy}`, kMath, null);
    const a = routingSpan(r);
    t.equal(a['router.strategy_version'], facts.version);
    t.equal(a['router.fallback_triggered'], false);
    t.equal(a['router.decision_reason'], 'argmax_utility');
    const latency = a['router.latency_ms'];
    t.type(latency, 'number');
    t.ok(Number(latency) >= 0, 'latency is not negative');
    t.equal(latency, r.ctx.routingMs, 'latency is the measured routing time');
  }
});

t.test('the random span has no score and counts its candidates', async (t) => {
  const seen = new Set<unknown>();
  for (let i = 0; i < 20; i++) {
    const r = await h.route('router-random', kMath, null);
    const a = routingSpan(r);
    t.equal(a['router.strategy'], 'random');
    t.ok(kRandomCandidates.includes(String(a['router.model_selected'])));
    t.equal(a['router.candidates_evaluated'], kRandomCandidates.length);
    t.notOk('router.score' in a, 'no router.score for random');
    t.notOk('router.strategy_version' in a, 'random has no artifact');
    t.equal(a['router.fallback_triggered'], false);
    t.equal(a['router.decision_reason'], 'uniform');
    seen.add(a['router.model_selected']);
  }
  t.ok(seen.size > 1, `more than one candidate drawn: ${[...seen].join()}`);
});

t.test('a router without its artifact falls back and says so', async (t) => {
  const r = await h.route('router-broken', kMath, null);
  const a = routingSpan(r);
  t.equal(a['router.strategy'], 'knn');
  t.equal(a['router.model_selected'], kDefaultModel);
  t.equal(a['router.candidates_evaluated'], kCandidates.length);
  t.notOk('router.score' in a, 'no router.score on a fallback');
  t.equal(a['router.fallback_triggered'], true);
  t.equal(a['router.decision_reason'], 'model_invalid');
});

t.test('the routing span is a child of the request span', async (t) => {
  const r = await h.route('router-knn', kMath, null);
  const routing = r.spans.find((s) => s.name === 'router.route');
  const server = r.spans.find((s) => s.name === `POST ${kRoute}`);
  t.ok(server, 'request span exported');
  t.equal(routing?.parentSpanContext?.spanId, server?.spanContext().spanId);
  const dep = routing?.attributes['routeiq.deployment.id'];
  const group = h.router.group(
    String(routing?.attributes['router.model_selected']),
  );
  t.ok(
    group?.deployments.some((d) => d.id === dep),
    'deployment of the pick',
  );
});
