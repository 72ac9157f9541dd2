/**
 * Two gateway processes on one PostgreSQL: keys made on one work on the
 * other, deletions follow within the refresh interval, rpm limits hold
 * for both together, both write to one request log, and SIGTERM flushes
 * what is still queued.
 */
import t from 'tap';
import type { Test } from 'tap';
import { setTimeout as sleep } from 'node:timers/promises';
import { expectError, get, json, post } from '../../helpers/http.js';
import { startPostgres } from '../../helpers/postgres.js';
import { startUpstream } from '../../helpers/upstream.js';
import { logRows, postgresDb } from './db-harness.js';
import { spawnGateway, writeConfig } from './gateway-process.js';
import type { GatewayProcess } from './gateway-process.js';
import { bearer, chat, kMaster, settled, storeYaml } from './store-gateway.js';

const cluster = await startPostgres();
t.teardown(() => cluster.teardown());
const db = postgresDb(cluster);
const kRefreshMs = 200;
const kUsageSyncMs = 100;

/** Two processes on one fresh database. */
async function pair(t: Test) {
  const up = await startUpstream(t);
  const dbUrl = await db.freshUrl(t);
  const yaml = storeYaml(up.url, {
    keyRefreshMs: kRefreshMs,
    settings: [`key_usage_sync_ms: ${kUsageSyncMs}`],
  });
  const config = await writeConfig(t, yaml);
  const env = { DATABASE_URL: dbUrl };
  const [a, b] = await Promise.all([
    spawnGateway(t, config, env),
    spawnGateway(t, config, env),
  ]);
  return { a, b, dbUrl };
}

/** Send `n` chats through `gw` with the master key; their request ids. */
async function traffic(
  t: Test,
  gw: GatewayProcess,
  n: number,
): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < n; i += 1) {
    const reply = await chat(gw.url, kMaster);
    t.equal(reply.status, 200);
    ids.push(String(reply.headers['x-request-id']));
  }
  return ids;
}

t.test(
  'a key made on one process works on the other until deleted there',
  async (t) => {
    const { a, b } = await pair(t);
    const made = await post(`${a.url}/key/generate`, {}, bearer(kMaster));
    const key = (json(made) as { key: string }).key;
    t.equal((await chat(b.url, key)).status, 200, 'B finds the new key');

    await post(`${a.url}/key/delete`, { keys: [key] }, bearer(kMaster));
    // B keeps its cached copy until its next refresh, then drops it.
    let reply = await chat(b.url, key);
    for (let i = 0; i < 100 && reply.status === 200; i += 1) {
      await sleep(kRefreshMs / 4);
      reply = await chat(b.url, key);
    }
    expectError(t, reply, 401, 'invalid_api_key');
  },
);

/** If the minute ends within `ms`, wait for the next one to begin. */
async function clearOfMinuteEnd(ms: number): Promise<void> {
  const left = 60_000 - (Date.now() % 60_000);
  if (left < ms) await sleep(left + 100);
}

t.test('an rpm limit holds for both processes together', async (t) => {
  const { a, b } = await pair(t);
  // The test stays inside one minute, so no count ages out under it.
  await clearOfMinuteEnd(20_000);
  const made = await post(
    `${a.url}/key/generate`,
    { rpm_limit: 10 },
    bearer(kMaster),
  );
  const key = (json(made) as { key: string }).key;
  for (let i = 0; i < 6; i += 1) {
    t.equal((await chat(a.url, key)).status, 200, `A request ${i}`);
  }

  // B learns A's count at its next exchange; wait until it reports it.
  const info = `${b.url}/key/info?key=${encodeURIComponent(key)}`;
  let seen = 0;
  for (let i = 0; i < 200 && seen < 6; i += 1) {
    await sleep(kUsageSyncMs / 2);
    const body = json(await get(info, bearer(kMaster))) as {
      info: { current_rpm: number };
    };
    seen = body.info.current_rpm;
  }
  t.equal(seen, 6, 'B counts the 6 requests A admitted');

  const statuses: number[] = [];
  for (let i = 0; i < 6; i += 1) statuses.push((await chat(b.url, key)).status);
  t.same(statuses, [200, 200, 200, 200, 429, 429], 'B admits the other 4');
});

t.test('both processes write to one request log', async (t) => {
  const { a, b, dbUrl } = await pair(t);
  const ids = [...(await traffic(t, a, 3)), ...(await traffic(t, b, 3))];
  await Promise.all([settled(a.url, 3), settled(b.url, 3)]);

  const logs = await get(`${a.url}/spend/logs`, bearer(kMaster));
  const seen = (json(logs) as Array<{ request_id: string }>).map(
    (r) => r.request_id,
  );
  t.same(seen.sort(), [...ids].sort(), 'A lists the rows of both');
  t.equal(logRows(await db.dump(dbUrl)).length, 6);
});

t.test('SIGTERM writes the queued rows before the process exits', async (t) => {
  const { a, dbUrl } = await pair(t);
  const ids = await traffic(t, a, 5);

  t.equal(await a.stop(), 0, 'exit code 0');
  const stored = logRows(await db.dump(dbUrl)).map((r) => r['request_id']);
  t.same(stored.sort(), [...ids].sort());
});
