import * as ort from 'onnxruntime-node';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { request } from 'undici';
import { kCode, kMath, startRouterGateway } from './learned-fixture.js';

async function chat(url: string, content: string, headers = {}) {
  const res = await request(`${url}/v1/chat/completions`, {
    method: 'POST',
    headers,
    body: JSON.stringify({
      model: 'auto',
      messages: [{ role: 'user', content }],
    }),
  });
  await res.body.text();
  return res;
}

t.test(
  'the kNN router sends each prompt to the model that suits it',
  async (t) => {
    const { url, artifact } = await startRouterGateway(t);
    const math = await chat(url, kMath);
    t.equal(math.statusCode, 200);
    t.equal(math.headers['x-routeiq-model'], 'math-model');
    t.equal(math.headers['x-routeiq-strategy'], 'knn');
    t.equal(math.headers['x-routeiq-strategy-version'], artifact.version);
    t.match(String(math.headers['x-routeiq-score']), /^\d\.\d+$/);
    const code = await chat(url, kCode);
    t.equal(code.headers['x-routeiq-model'], 'code-model');
  },
);

t.test(
  'a dry run through the pool equals the model run directly',
  async (t) => {
    const { url, artifact } = await startRouterGateway(t);
    const res = await request(`${url}/v1/route`, {
      method: 'POST',
      body: JSON.stringify({
        model: 'auto',
        messages: [{ role: 'user', content: kCode }],
      }),
    });
    t.equal(res.statusCode, 200);
    const body = (await res.body.json()) as {
      model_selected: string;
      candidates: Array<{ model: string; quality: number }>;
    };
    const session = await ort.InferenceSession.create(
      readFileSync(join(artifact.dir, 'model.onnx')),
    );
    const features = artifact.featurizer.featurize(kCode);
    const out = await session.run({
      features: new ort.Tensor('float32', features, [1, features.length]),
    });
    const direct = out['quality']?.data as Float32Array;
    t.equal(body.model_selected, 'code-model');
    body.candidates.forEach((c, i) =>
      t.ok(
        Math.abs(c.quality - (direct[i] ?? NaN)) < 1e-6,
        `${c.model} quality`,
      ),
    );
  },
);

t.test(
  'the decision weighs cost by the cost weight of the caller',
  async (t) => {
    const { url } = await startRouterGateway(t);
    const route = async (w: string) => {
      const res = await request(`${url}/v1/route`, {
        method: 'POST',
        headers: { 'x-routeiq-cost-weight': w },
        body: JSON.stringify({
          model: 'auto',
          messages: [{ role: 'user', content: kCode }],
        }),
      });
      return (
        (await res.body.json()) as {
          candidates: Array<{ utility: number; cost: number; quality: number }>;
        }
      ).candidates;
    };
    const table = await route('3');
    for (const c of table)
      t.ok(
        Math.abs(c.utility - (c.quality - 3 * c.cost)) < 1e-9,
        'utility = quality - w * cost',
      );
  },
);

function batchStats(metrics: string) {
  const sum = /^routeiq_inference_batch_size_sum(?:\{[^}]*\})? (\d+)/m.exec(
    metrics,
  );
  const count = /^routeiq_inference_batch_size_count(?:\{[^}]*\})? (\d+)/m.exec(
    metrics,
  );
  return { sum: Number(sum?.[1] ?? 0), count: Number(count?.[1] ?? 0) };
}

t.test('concurrent requests batch and each gets its own answer', async (t) => {
  const { url } = await startRouterGateway(t);
  await chat(url, kMath);
  const before = batchStats(
    await (await request(`${url}/metrics`)).body.text(),
  );
  const prompts = Array.from({ length: 24 }, (_, i) =>
    i % 2 === 0 ? kMath : kCode,
  );
  const answers = await Promise.all(prompts.map((p) => chat(url, p)));
  answers.forEach((r, i) =>
    t.equal(
      r.headers['x-routeiq-model'],
      i % 2 === 0 ? 'math-model' : 'code-model',
    ),
  );
  const after = batchStats(await (await request(`${url}/metrics`)).body.text());
  t.equal(after.sum - before.sum, 24, 'every request was inferred once');
  t.ok(after.count - before.count < 24, 'fewer session runs than requests');
});
