/**
 * Load balancing across real upstreams: weighted shuffle, least-busy,
 * cooldown after `allowed_fails` (never of every deployment) and
 * fallbacks to another model group.
 */
import t from 'tap';
import { startTestGateway, upstreamConfig } from '../../helpers/gateway.js';
import { get, json, post } from '../../helpers/http.js';
import { startUpstream } from '../../helpers/upstream.js';

const kBody = {
  model: 'test-model',
  messages: [{ role: 'user', content: 'hi' }],
};

/** Two upstream deployments of `test-model` with `yaml` appended. */
async function pair(t: Parameters<typeof startUpstream>[0], yaml: string) {
  const a = await startUpstream(t);
  const b = await startUpstream(t);
  const { url, gw } = await startTestGateway(
    t,
    upstreamConfig([a.url, b.url], yaml),
  );
  return { a, b, url, gw };
}

function weighted(aUrl: string, bUrl: string): string {
  const dep = (
    i: number,
    base: string,
    weight: number,
  ) => `  - model_name: test-model
    litellm_params:
      model: openai/upstream-${i}
      api_base: ${base}
      weight: ${weight}`;
  return `model_list:\n${dep(0, aUrl, 3)}\n${dep(1, bUrl, 1)}\n`;
}

t.test('simple-shuffle splits traffic 3:1 by weight', async (t) => {
  const a = await startUpstream(t);
  const b = await startUpstream(t);
  const { url } = await startTestGateway(t, weighted(a.url, b.url));
  const n = 400;
  let ok = 0;
  for (let sent = 0; sent < n; sent += 20) {
    const batch = Array.from({ length: 20 }, () =>
      post(`${url}/v1/chat/completions`, kBody),
    );
    for (const r of await Promise.all(batch)) if (r.status === 200) ok++;
  }
  t.equal(ok, n, 'every request answered 200');
  t.equal(a.seen.length + b.seen.length, n, 'every request served once');
  // Binomial(400, 0.75): sd ~ 8.7 requests; the bound is over 4 sd.
  const share = a.seen.length / n;
  t.ok(share > 0.65 && share < 0.85, `weight-3 share ${share}`);
});

t.test('least-busy sends new requests to the idle deployment', async (t) => {
  const { a, b, url } = await pair(
    t,
    'router_settings:\n  routing_strategy: least-busy\n',
  );
  a.behaviour = b.behaviour = { headerDelayMs: 800 };
  const slow = post(`${url}/v1/chat/completions`, kBody);
  await Promise.race([a.waitFor(1), b.waitFor(1)]);
  const [busy, idle] = a.seen.length === 1 ? [a, b] : [b, a];
  busy.behaviour = idle.behaviour = {};
  for (let i = 0; i < 6; i++) {
    const r = await post(`${url}/v1/chat/completions`, kBody);
    t.equal(r.status, 200);
  }
  // A random pick would send all six to the idle one 1 time in 64.
  t.equal(idle.seen.length, 6, 'all six went to the idle deployment');
  t.equal(busy.seen.length, 1, 'the busy one kept its one request');
  t.equal((await slow).status, 200);
});

t.test('a failing deployment is cooled down after allowed_fails', async (t) => {
  const { a, b, url } = await pair(
    t,
    'router_settings:\n  allowed_fails: 1\n  cooldown_time: 60\n',
  );
  a.behaviour = { status: 500 };
  for (let i = 0; i < 20; i++) {
    const r = await post(`${url}/v1/chat/completions`, kBody);
    t.equal(r.status, 200, 'retried on the healthy deployment');
  }
  t.equal(a.seen.length, 2, 'allowed one failure, cooled at the second');
  t.equal(b.seen.length, 20);
  const health = json(await get(`${url}/health`)) as {
    deployments: Array<{ id: string; state: string }>;
  };
  const states = health.deployments.map((d) => `${d.id}:${d.state}`);
  t.same(states, ['dep-0:cooldown', 'dep-1:healthy']);
});

t.test('cooldown never takes the last healthy deployment', async (t) => {
  const { a, b, url } = await pair(
    t,
    'router_settings:\n  allowed_fails: 0\n  cooldown_time: 60\n',
  );
  a.behaviour = b.behaviour = { status: 500 };
  for (let i = 0; i < 3; i++) {
    const r = await post(`${url}/v1/chat/completions`, kBody);
    t.equal(r.status, 502, 'the upstream failure, not no_healthy_deployment');
  }
  const health = json(await get(`${url}/health`)) as {
    deployments: Array<{ state: string }>;
  };
  const healthy = health.deployments.filter((d) => d.state === 'healthy');
  t.equal(healthy.length, 1, 'exactly one deployment still serves');
  const calls = a.seen.length + b.seen.length;
  t.equal(calls, 9, 'every attempt reached an upstream');
});

t.test('a failing group falls back to its fallback group', async (t) => {
  const primary = await startUpstream(t, { status: 503 });
  const backup = await startUpstream(t);
  const yaml = `model_list:
  - model_name: primary
    litellm_params: { model: openai/primary-model, api_base: ${primary.url} }
  - model_name: backup
    litellm_params: { model: openai/backup-model, api_base: ${backup.url} }
router_settings:
  num_retries: 1
  fallbacks: [{ primary: [backup] }]
`;
  const { url } = await startTestGateway(t, yaml);
  const r = await post(`${url}/v1/chat/completions`, {
    ...kBody,
    model: 'primary',
  });
  t.equal(r.status, 200);
  t.equal(primary.seen.length, 2, 'the primary group was tried and retried');
  t.equal(backup.seen.length, 1);
  t.equal(backup.seen[0]?.body['model'], 'backup-model');
  t.equal(r.headers['x-routeiq-model'], 'backup');
});
