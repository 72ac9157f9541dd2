/**
 * Hot reload of a router artifact under load drops nothing, and a bad
 * artifact is refused while the old one keeps serving.
 */
import { copyFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import type { Test } from 'tap';
import { request } from 'undici';
import { startTestGateway } from '../../helpers/gateway.js';
import { buildKnnArtifact } from '../../helpers/router-artifact.js';
import {
  kCode,
  kMath,
  mathCodeArtifact,
  routerYaml,
} from './learned-fixture.js';

const kMaster = 'sk-reload-master-0123456789';
const auth = { authorization: `Bearer ${kMaster}` };

async function start(t: Test) {
  const artifact = mathCodeArtifact();
  const yaml = `${routerYaml(artifact.dir)}general_settings:\n  master_key: ${kMaster}\n`;
  const { url } = await startTestGateway(t, yaml);
  return { url, artifact };
}

function reload(url: string) {
  return request(`${url}/router/reload`, { method: 'POST', headers: auth });
}

async function chat(url: string, content: string) {
  const res = await request(`${url}/v1/chat/completions`, {
    method: 'POST',
    headers: auth,
    body: JSON.stringify({
      model: 'auto',
      messages: [{ role: 'user', content }],
    }),
  });
  await res.body.text();
  return res;
}

t.test(
  'a reload under load drops no request and switches version',
  async (t) => {
    const { url, artifact } = await start(t);
    // The new artifact prefers code-model for everything.
    const next = buildKnnArtifact(
      ['math-model', 'code-model'],
      [
        { text: 'What is 7 plus 5? Compute the sum.', scores: [0, 1] },
        { text: 'Write a Python function def add(a, b)', scores: [0, 1] },
      ],
      [0.5, 0.5],
    );
    await chat(url, kMath); // the worker has loaded the first version
    let stop = false;
    const statuses: number[] = [];
    const load = Array.from({ length: 6 }, async () => {
      while (!stop) statuses.push((await chat(url, kMath)).statusCode);
    });
    await new Promise((r) => setTimeout(r, 1000));
    for (const f of ['model.onnx', 'idf.f32', 'manifest.json']) {
      copyFileSync(join(next.dir, f), join(artifact.dir, f));
    }
    const res = await reload(url);
    t.equal(res.statusCode, 200);
    t.match(await res.body.json(), {
      ok: true,
      routers: [{ router: 'auto', version: next.version }],
    });
    await new Promise((r) => setTimeout(r, 1000));
    stop = true;
    await Promise.all(load);
    t.ok(statuses.length >= 6, `${statuses.length} requests during the reload`);
    t.ok(
      statuses.every((s) => s === 200),
      'every request succeeded',
    );
    const after = await chat(url, kMath);
    t.equal(after.headers['x-routeiq-strategy-version'], next.version);
    t.equal(after.headers['x-routeiq-model'], 'code-model');
  },
);

t.test('a bad artifact is refused and the old one keeps serving', async (t) => {
  const { url, artifact } = await start(t);
  writeFileSync(join(artifact.dir, 'model.onnx'), 'garbage');
  const res = await reload(url);
  t.equal(res.statusCode, 422);
  t.match(await res.body.json(), {
    ok: false,
    routers: [{ ok: false, version: artifact.version }],
  });
  const served = await chat(url, kCode);
  t.equal(served.statusCode, 200);
  t.equal(served.headers['x-routeiq-strategy-version'], artifact.version);
  t.equal(served.headers['x-routeiq-fallback'], undefined, 'no fallback');
});

t.test('reload needs the master key', async (t) => {
  const { url } = await start(t);
  const res = await request(`${url}/router/reload`, { method: 'POST' });
  t.equal(res.statusCode, 401);
  await res.body.text();
});
