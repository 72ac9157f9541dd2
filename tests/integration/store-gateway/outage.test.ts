/**
 * PostgreSQL stopped in the middle of a load and started again
 * (RELIABILITY.md row 9): every request is still served, the counters on
 * `/health` always add up, and the rows arrive once the database is back
 * (or are counted as dropped when the queue was too small).
 */
import t from 'tap';
import type { Test } from 'tap';
import { setTimeout as sleep } from 'node:timers/promises';
import { expectError } from '../../helpers/http.js';
import { startPostgres } from '../../helpers/postgres.js';
import { startUpstream } from '../../helpers/upstream.js';
import { logRows, postgresDb } from './db-harness.js';
import {
  chat,
  generateKey,
  healthCounters,
  kMaster,
  settled,
  startStoreGateway,
} from './store-gateway.js';

const cluster = await startPostgres();
t.teardown(() => cluster.teardown());
const db = postgresDb(cluster);
const kRequests = 200;

interface Load {
  readonly statuses: number[];
  readonly ids: string[];
  readonly done: Promise<void>;
}

/** `kRequests` chats, 4 at a time, each client pausing 30 ms between. */
function load(url: string): Load {
  const statuses: number[] = [];
  const ids: string[] = [];
  let sent = 0;
  const client = async () => {
    while (sent < kRequests) {
      sent += 1;
      const reply = await chat(url, kMaster);
      statuses.push(reply.status);
      ids.push(String(reply.headers['x-request-id']));
      await sleep(30);
    }
  };
  const done = Promise.all([client(), client(), client(), client()]);
  return { statuses, ids, done: done.then(() => undefined) };
}

/**
 * Stop PostgreSQL after 40 answers and start it again 40 answers after it
 * is down, checking the counters on `/health` throughout; returns the
 * most rows seen queued while it was down.
 */
async function outage(t: Test, url: string, l: Load): Promise<number> {
  const check = async () => {
    const c = await healthCounters(url);
    if (c.enqueued !== c.written + c.dropped + c.queued) {
      t.fail('enqueued != written + dropped + queued', c);
    }
    return c;
  };
  while (l.statuses.length < 40) {
    await check();
    await sleep(20);
  }
  await cluster.stop();
  const downAt = l.statuses.length;
  let maxQueued = 0;
  while (l.statuses.length < Math.min(downAt + 40, kRequests)) {
    maxQueued = Math.max(maxQueued, (await check()).queued);
    await sleep(20);
  }
  await cluster.start();
  await l.done;
  await check();
  return maxQueued;
}

t.test(
  'requests succeed across an outage and every row arrives after it',
  async (t) => {
    const up = await startUpstream(t);
    const dbUrl = await db.freshUrl(t);
    const { url } = await startStoreGateway(t, dbUrl, up.url);
    const l = load(url);

    const maxQueued = await outage(t, url, l);
    t.ok(maxQueued > 0, `rows waited while the database was down`);
    t.equal(l.statuses.length, kRequests);
    t.ok(
      l.statuses.every((s) => s === 200),
      'every request answered 200',
    );

    const c = await settled(url, kRequests, 60_000);
    t.same(c, {
      kind: 'postgres',
      enqueued: 200,
      written: 200,
      dropped: 0,
      queued: 0,
    });
    const stored = logRows(await db.dump(dbUrl)).map((r) => r['request_id']);
    t.same(stored.sort(), [...l.ids].sort(), 'every row is in the database');
  },
);

t.test(
  'a log queue too small for the outage drops rows and counts them',
  async (t) => {
    const up = await startUpstream(t);
    const dbUrl = await db.freshUrl(t);
    const settings = ['log_queue_capacity: 20'];
    const { url } = await startStoreGateway(t, dbUrl, up.url, { settings });
    const l = load(url);

    await outage(t, url, l);
    t.ok(
      l.statuses.every((s) => s === 200),
      'every request answered 200',
    );
    const c = await settled(url, kRequests, 60_000);
    t.equal(c.enqueued, kRequests);
    t.equal(c.written + c.dropped, kRequests, 'written + dropped = enqueued');
    t.ok(c.dropped > 0, `${c.dropped} rows dropped and counted`);
    t.equal(logRows(await db.dump(dbUrl)).length, c.written);
  },
);

t.test(
  'with PostgreSQL down a held key is served and an unconfirmed one refused',
  async (t) => {
    const up = await startUpstream(t);
    const dbUrl = await db.freshUrl(t);
    const a = await startStoreGateway(t, dbUrl, up.url);
    const b = await startStoreGateway(t, dbUrl, up.url);
    const { key } = await generateKey(a.url);

    await cluster.stop();
    t.equal((await chat(a.url, key)).status, 200, 'A holds the key');
    expectError(t, await chat(b.url, key), 401, 'invalid_api_key');

    await cluster.start();
    t.equal((await chat(b.url, key)).status, 200, 'B confirms it once back');
  },
);
