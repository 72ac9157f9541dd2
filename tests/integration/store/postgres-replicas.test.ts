import t from 'tap';
import pg from 'pg';
import type { Test } from 'tap';
import { createStore, KeyCache } from '../../../src/store/index.js';
import type { Store } from '../../../src/store/index.js';
import { kMigrations } from '../../../src/store/migrations.js';
import { startPostgres } from '../../helpers/postgres.js';
import { openStore } from './store-contract.js';
import { makeRow } from './log-rows.js';

const cluster = await startPostgres();
t.teardown(() => cluster.teardown());

async function startedCache(t: Test, store: Store): Promise<KeyCache> {
  const cache = new KeyCache(store, { refreshIntervalMs: 60_000 });
  t.teardown(() => cache.stop());
  await cache.start();
  return cache;
}

t.test(
  'replicas starting at once apply each migration exactly once',
  async (t) => {
    const url = await cluster.createDatabase();
    const stores = [1, 2, 3, 4].map(() => createStore({ url }));
    for (const store of stores) t.teardown(() => store.close());
    await Promise.all(stores.map((store) => store.start()));

    const client = new pg.Client({ connectionString: url });
    await client.connect();
    t.teardown(() => client.end());
    const { rows } = await client.query(
      'SELECT version FROM schema_migrations ORDER BY version',
    );
    t.same(
      rows.map((r: { version: number }) => r.version),
      kMigrations.map((m) => m.version),
    );
  },
);

t.test(
  'a key made on one replica reaches the other, and so does its deletion',
  async (t) => {
    const url = await cluster.createDatabase();
    const a = await startedCache(t, await openStore(t, url));
    const b = await startedCache(t, await openStore(t, url));
    const { key, record } = await a.createKey({ alias: 'shared' });

    await b.refresh();
    t.equal(b.size, 1, 'the refresh brought the key');
    t.equal((await b.authenticate(key))?.keyId, record.keyId);

    await a.deleteKey(record.keyId);
    await b.refresh();
    t.equal(b.size, 0);
    t.equal(await b.authenticate(key), null);
  },
);

t.test('both replicas write to one log and one spend total', async (t) => {
  const url = await cluster.createDatabase();
  const a = await openStore(t, url);
  const b = await openStore(t, url);
  for (let i = 0; i < 10; i += 1) {
    a.enqueue(makeRow({ keyId: 'vk_shared', costUsd: 0.5 }));
    b.enqueue(makeRow({ keyId: 'vk_shared', costUsd: 0.25 }));
  }
  await Promise.all([a.flush(10_000), b.flush(10_000)]);

  t.equal((await a.spendLogs({ keyId: 'vk_shared' })).length, 20);
  t.same(await b.spendByKey(), new Map([['vk_shared', 7.5]]));
});
