import t from 'tap';
import type { Test } from 'tap';
import { setTimeout as sleep } from 'node:timers/promises';
import { generateKey, KeyCache } from '../../../src/store/index.js';
import type { BatchWriteReport, Store } from '../../../src/store/index.js';
import { startPostgres } from '../../helpers/postgres.js';
import { openStore } from './store-contract.js';
import { makeRow } from './log-rows.js';

const cluster = await startPostgres();
t.teardown(() => cluster.teardown());

const kPg = { connectionTimeoutMs: 500, statementTimeoutMs: 2000 };

/** Enqueue `n` rows 5 ms apart, failing `t` if the counters ever disagree. */
async function feed(t: Test, store: Store, n: number): Promise<void> {
  for (let i = 0; i < n; i += 1) {
    store.enqueue(makeRow());
    const c = store.counters();
    if (c.enqueued !== c.written + c.dropped + c.queued) {
      t.fail('enqueued != written + dropped + queued', c);
    }
    await sleep(5);
  }
}

t.test(
  'rows enqueued across an outage are all written once PostgreSQL returns',
  async (t) => {
    const reports: BatchWriteReport[] = [];
    const hooks = {
      onBatchWritten: (r: BatchWriteReport) => void reports.push(r),
    };
    const store = await openStore(t, await cluster.createDatabase(), {
      pg: kPg,
      hooks,
    });

    await feed(t, store, 40);
    await Promise.all([cluster.stop(), feed(t, store, 40)]);
    await feed(t, store, 40);
    t.ok(store.counters().queued > 0, 'rows wait while the database is down');
    await Promise.all([cluster.start(), feed(t, store, 40)]);
    await store.flush(30_000);

    t.same(store.counters(), {
      enqueued: 160,
      written: 160,
      dropped: 0,
      queued: 0,
    });
    t.equal((await store.spendLogs({ limit: 1000 })).length, 160);
    t.ok(
      reports.some((r) => r.error !== undefined),
      'writes failed meanwhile',
    );
  },
);

t.test(
  'a queue too small for the outage drops the overflow and counts it',
  async (t) => {
    const store = await openStore(t, await cluster.createDatabase(), {
      pg: kPg,
      queueCapacity: 20,
    });
    await cluster.stop();
    await feed(t, store, 100);
    t.same(store.counters(), {
      enqueued: 100,
      written: 0,
      dropped: 80,
      queued: 20,
    });

    await cluster.start();
    await store.flush(30_000);
    t.same(store.counters(), {
      enqueued: 100,
      written: 20,
      dropped: 80,
      queued: 0,
    });
    t.equal((await store.spendLogs({ limit: 1000 })).length, 20);
  },
);

t.test(
  'with the database down a cached key works and an uncached key fails closed',
  async (t) => {
    const store = await openStore(t, await cluster.createDatabase(), {
      pg: kPg,
    });
    const cache = new KeyCache(store, { negativeTtlMs: 1 });
    t.teardown(() => cache.stop());
    await cache.start();
    const cached = await cache.createKey({ alias: 'cached' });
    // A valid key this replica has never seen (made by another replica).
    const other = generateKey();
    await store.createKey({
      ...cached.record,
      keyId: other.keyId,
      keyHash: other.keyHash,
    });

    await cluster.stop();
    t.equal((await cache.authenticate(cached.key))?.keyId, cached.record.keyId);
    t.equal(await cache.authenticate(other.key), null, 'fails closed');

    await cluster.start();
    t.equal(
      (await cache.authenticate(other.key))?.keyId,
      other.keyId,
      'found once back',
    );
  },
);
