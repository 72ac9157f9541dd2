import t from 'tap';
import { existsSync } from 'node:fs';
import { threadId } from 'node:worker_threads';
import { SqliteStore } from '../../../src/store/index.js';
import { openStore, storeContract } from './store-contract.js';
import { kSqliteHarness, sqlitePath } from './sqlite-harness.js';
import { makeRow } from './log-rows.js';

storeContract(t, kSqliteHarness);

t.test(
  'log rows are written by the worker thread, not the main thread',
  async (t) => {
    const store = await openStore(t, await kSqliteHarness.freshUrl(t));
    t.ok(store instanceof SqliteStore, 'a sqlite: URL makes a SqliteStore');
    store.enqueue(makeRow());
    await store.flush(10_000);

    const writer = (store as SqliteStore).diagnostics().writerThreadId;
    t.type(writer, 'number');
    t.not(writer, threadId, 'not the thread that enqueued');
    t.equal(store.counters().written, 1);
  },
);

t.test('the database file is in WAL mode', async (t) => {
  const url = await kSqliteHarness.freshUrl(t);
  const store = (await openStore(t, url)) as SqliteStore;
  store.enqueue(makeRow());
  await store.flush(10_000);

  t.equal(store.diagnostics().journalMode, 'wal');
  t.ok(existsSync(`${sqlitePath(url)}-wal`), 'a -wal file sits beside the db');
});
