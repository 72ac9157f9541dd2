/**
 * SIGTERM while a stream is open (RELIABILITY.md row 19): readiness
 * fails at once, the open stream finishes with [DONE], the process
 * exits 0.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { request } from 'undici';
import { sseData } from '../helpers/http.js';
import { spawnGateway, waitReady } from '../helpers/process.js';

const kYaml = `model_list:
  - model_name: slow
    litellm_params:
      model: mock/slow
      mock_chunks: 10
      mock_chunk_interval_ms: 100
routeiq_settings:
  drain_timeout_ms: 10000
`;

async function readinessStatus(url: string): Promise<number | string> {
  try {
    const res = await request(`${url}/health/readiness`, { reset: true });
    await res.body.dump();
    return res.statusCode;
  } catch (err) {
    return (err as { code?: string }).code ?? 'error';
  }
}

/** Readiness once it stops answering 200 (the signal is async). */
async function readinessAfterSignal(url: string): Promise<number | string> {
  let status: number | string = 200;
  for (let i = 0; i < 40 && status === 200; i++) {
    status = await readinessStatus(url);
    if (status === 200) await new Promise((r) => setTimeout(r, 25));
  }
  return status;
}

t.test('SIGTERM drains an open stream and exits 0', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'routeiq-drain-'));
  const config = join(dir, 'gateway.yaml');
  writeFileSync(config, kYaml);
  const gw = await spawnGateway(t, ['--config', config]);
  await waitReady(gw);
  const res = await request(`${gw.url}/v1/chat/completions`, {
    method: 'POST',
    body: JSON.stringify({
      model: 'slow',
      stream: true,
      messages: [{ role: 'user', content: 'hi' }],
    }),
  });
  const it = res.body[Symbol.asyncIterator]();
  const first = await it.next();
  t.match(String(first.value), /chat\.completion\.chunk/, 'stream started');
  gw.child.kill('SIGTERM');
  const ready = await readinessAfterSignal(gw.url);
  t.ok(ready === 503 || ready === 'ECONNREFUSED', `readiness: ${ready}`);
  const rest = await sseData({ [Symbol.asyncIterator]: () => it });
  t.equal(rest.at(-1), '[DONE]', 'the open stream completed');
  t.equal(
    rest.filter((d) => d.includes('"error"')).length,
    0,
    'no error frame',
  );
  t.equal(await gw.exited, 0, 'exit status 0');
});
