/**
 * The behaviour every Store must show, run against SQLite and PostgreSQL
 * alike by `sqlite-store.test.ts` and `postgres-store.test.ts`. Each test
 * gets a fresh, empty database from the harness.
 */
import type { Test } from 'tap';
import { createStore, KeyCache } from '../../../src/store/index.js';
import type { Store, StoreOptions } from '../../../src/store/index.js';
import type { BatchWriteReport } from '../../../src/store/types.js';
import type { VirtualKeyRecord } from '../../../src/store/types.js';
import { kMigrations } from '../../../src/store/migrations.js';
import { BudgetExceededError, hasCode } from '../../../src/errors.js';
import { makeRow } from './log-rows.js';

/** Every row of every table, by table name. */
export type TableDump = Record<string, Record<string, unknown>[]>;

/** How a test file supplies databases of one kind. */
export interface StoreHarness {
  /** URL of a new empty database, removed at the test's teardown. */
  freshUrl(t: Test): Promise<string>;
  /** Read every table back, outside the store under test. */
  dump(url: string): Promise<TableDump>;
}

const kFast: StoreOptions = {
  flushIntervalMs: 5,
  retryInitialMs: 10,
  retryMaxMs: 100,
};

/** Start a store on `url`, closed at teardown. */
export async function openStore(
  t: Test,
  url: string,
  opts: StoreOptions = {},
): Promise<Store> {
  const store = createStore({ ...kFast, ...opts, url });
  t.teardown(() => store.close());
  await store.start();
  return store;
}

function keyRecord(over: Partial<VirtualKeyRecord> = {}): VirtualKeyRecord {
  return {
    keyId: 'vk_aaaaaaaaaaaa',
    keyHash: 'ab'.repeat(32),
    alias: 'team-a',
    models: ['gpt-4o-mini', 'claude-3-haiku'],
    rpmLimit: 60,
    tpmLimit: 100_000,
    maxBudget: 12.5,
    expiresAt: 1_900_000_000_000,
    createdAt: 1_700_000_000_000,
    spend: 0,
    ...over,
  };
}

/** Register the shared store tests on `t`. */
export function storeContract(t: Test, h: StoreHarness): void {
  t.test('a second start on a migrated database applies nothing', async (t) => {
    const url = await h.freshUrl(t);
    await openStore(t, url);
    await openStore(t, url);

    const versions = (await h.dump(url)).schema_migrations?.map((r) =>
      Number(r.version),
    );
    t.same(
      versions,
      kMigrations.map((m) => m.version),
    );
  });

  t.test('a flushed row reads back through spendLogs unchanged', async (t) => {
    const store = await openStore(t, await h.freshUrl(t));
    const row = makeRow({ errorCode: 'GW_ERR_UPSTREAM', stream: false });
    store.enqueue(row);
    await store.flush(10_000);

    t.same(store.counters(), {
      enqueued: 1,
      written: 1,
      dropped: 0,
      queued: 0,
    });
    t.strictSame(await store.spendLogs({}), [row]);
  });

  t.test('spendLogs filters by key, by model and by time window', async (t) => {
    const store = await openStore(t, await h.freshUrl(t));
    const a = makeRow({
      keyId: 'vk_a',
      requestedModel: 'm1',
      modelGroup: 'm1',
      startedAt: 1000,
    });
    const b = makeRow({
      keyId: 'vk_a',
      requestedModel: 'alias',
      modelGroup: 'm2',
      startedAt: 2000,
    });
    const c = makeRow({
      keyId: 'vk_b',
      requestedModel: 'm1',
      modelGroup: 'm1',
      startedAt: 3000,
    });
    for (const row of [a, b, c]) store.enqueue(row);
    await store.flush(10_000);

    const ids = async (f: Parameters<Store['spendLogs']>[0]) =>
      (await store.spendLogs(f)).map((r) => r.requestId).sort();
    t.same(await ids({ keyId: 'vk_a' }), [a.requestId, b.requestId].sort());
    t.same(await ids({ model: 'm2' }), [b.requestId]);
    t.same(await ids({ model: 'm1', keyId: 'vk_b' }), [c.requestId]);
    t.same(await ids({ since: 2000, until: 3000 }), [b.requestId]);
  });

  t.test(
    'spendLogs returns the newest rows first, up to the limit',
    async (t) => {
      const store = await openStore(t, await h.freshUrl(t));
      const rows = [5000, 1000, 3000, 4000, 2000].map((startedAt) =>
        makeRow({ startedAt }),
      );
      for (const row of rows) store.enqueue(row);
      await store.flush(10_000);

      const got = await store.spendLogs({ limit: 3 });
      t.same(
        got.map((r) => r.startedAt),
        [5000, 4000, 3000],
      );
    },
  );

  t.test(
    'keys are created, read by hash and id, listed and deleted',
    async (t) => {
      const store = await openStore(t, await h.freshUrl(t));
      const one = keyRecord();
      const two = keyRecord({
        keyId: 'vk_bbbbbbbbbbbb',
        keyHash: 'cd'.repeat(32),
        alias: null,
        models: [],
        rpmLimit: null,
        tpmLimit: null,
        maxBudget: null,
        expiresAt: null,
        createdAt: 1_700_000_000_001,
      });
      await store.createKey(one);
      await store.createKey(two);

      t.strictSame(await store.getKeyByHash(one.keyHash), one);
      t.strictSame(await store.getKeyById(two.keyId), two);
      t.strictSame(await store.listKeys(), [one, two]);
      t.equal(await store.deleteKey(one.keyId), true);
      t.equal(await store.deleteKey(one.keyId), false);
      t.equal(await store.getKeyByHash(one.keyHash), null);
      t.strictSame(await store.listKeys(), [two]);
    },
  );

  t.test(
    'creating a key whose id or hash exists fails as a conflict',
    async (t) => {
      const store = await openStore(t, await h.freshUrl(t));
      await store.createKey(keyRecord());

      const sameId = store.createKey(keyRecord({ keyHash: 'ef'.repeat(32) }));
      const sameHash = store.createKey(keyRecord({ keyId: 'vk_cccccccccccc' }));
      for (const attempt of [sameId, sameHash]) {
        const err: unknown = await attempt.then(
          () => null,
          (e: unknown) => e,
        );
        t.ok(hasCode(err, 'GW_ERR_KEY_CONFLICT'), 'rejected as a conflict');
        t.match(err, { statusCode: 409 });
      }
    },
  );

  t.test(
    'no table holds the raw key or any 8-character window of it',
    async (t) => {
      const url = await h.freshUrl(t);
      const store = await openStore(t, url, { logText: true });
      const cache = new KeyCache(store);
      const { key, record } = await cache.createKey({
        alias: 'canary',
        models: ['m1'],
      });
      store.enqueue(
        makeRow({
          keyId: record.keyId,
          promptText: 'hello',
          completionText: 'hi',
        }),
      );
      await store.flush(10_000);

      const cells = Object.values(await h.dump(url)).flatMap((rows) =>
        rows.flatMap((row) => Object.values(row).map((v) => String(v))),
      );
      t.ok(cells.includes(record.keyHash), 'the hash is stored');
      const windows = Array.from({ length: key.length - 7 }, (_, i) =>
        key.slice(i, i + 8),
      );
      const leaks = windows.filter((w) => cells.some((c) => c.includes(w)));
      t.same(leaks, [], 'no window of the key in any cell');
    },
  );

  t.test(
    'spend per key sums the logged cost of each key, once per row',
    async (t) => {
      const store = await openStore(t, await h.freshUrl(t));
      await store.createKey(keyRecord({ keyId: 'vk_a' }));
      const rows = [
        makeRow({ keyId: 'vk_a', costUsd: 0.25 }),
        makeRow({ keyId: 'vk_a', costUsd: 0.5 }),
        makeRow({ keyId: 'vk_a', costUsd: null }),
        makeRow({ keyId: 'vk_b', costUsd: 1 }),
        makeRow({ keyId: null, costUsd: 3 }),
      ];
      for (const row of rows) store.enqueue(row);
      store.enqueue(rows[0]!); // a resent row (same request id) counts once
      await store.flush(10_000);

      t.same(
        await store.spendByKey(),
        new Map([
          ['vk_a', 0.75],
          ['vk_b', 1],
        ]),
      );
      t.equal((await store.getKeyById('vk_a'))?.spend, 0.75);
      t.equal((await store.spendLogs({ keyId: 'vk_a' })).length, 3);
    },
  );

  t.test(
    'prompt and completion text are stored only when logText is on',
    async (t) => {
      const row = makeRow({
        promptText: 'the prompt',
        completionText: 'the answer',
      });
      const off = await openStore(t, await h.freshUrl(t));
      const on = await openStore(t, await h.freshUrl(t), { logText: true });
      for (const store of [off, on]) {
        store.enqueue(row);
        await store.flush(10_000);
      }

      const [plain] = await off.spendLogs({});
      const [full] = await on.spendLogs({});
      t.equal(plain?.promptText, undefined);
      t.same(
        [full?.promptText, full?.completionText],
        ['the prompt', 'the answer'],
      );
    },
  );

  t.test(
    'onBatchWritten reports each batch with its rows and timings',
    async (t) => {
      const reports: BatchWriteReport[] = [];
      const hooks = {
        onBatchWritten: (r: BatchWriteReport) => void reports.push(r),
      };
      const store = await openStore(t, await h.freshUrl(t), {
        hooks,
        batchSize: 2,
      });
      const rows = [makeRow(), makeRow(), makeRow()];
      for (const row of rows) store.enqueue(row);
      await store.flush(10_000);

      t.same(
        reports.flatMap((r) => r.rows.map((x) => x.requestId)),
        rows.map((r) => r.requestId),
      );
      for (const r of reports) {
        t.match(r, {
          system: store.kind === 'sqlite' ? 'sqlite' : 'postgresql',
          operation: 'INSERT',
          table: 'request_log',
          error: undefined,
        });
        t.ok(
          r.endedAt >= r.startedAt && r.rows.length <= 2,
          'timed batch within size',
        );
      }
    },
  );

  t.test(
    'a burst larger than the queue is dropped and counted exactly',
    async (t) => {
      const url = await h.freshUrl(t);
      const store = await openStore(t, url, { queueCapacity: 5, batchSize: 2 });
      for (let i = 0; i < 50; i += 1) {
        store.enqueue(makeRow());
        const c = store.counters();
        if (c.enqueued !== c.written + c.dropped + c.queued)
          t.fail(`invariant broken at ${i}`);
      }
      t.same(store.counters(), {
        enqueued: 50,
        written: 0,
        dropped: 45,
        queued: 5,
      });
      await store.flush(10_000);

      t.same(store.counters(), {
        enqueued: 50,
        written: 5,
        dropped: 45,
        queued: 0,
      });
      t.equal((await h.dump(url)).request_log?.length, 5);
    },
  );

  t.test(
    "usage exchange: a replica reads only the others' sums, resends replace",
    async (t) => {
      const store = await openStore(t, await h.freshUrl(t));
      const m = 1_800_000_000_000; // a minute boundary
      const exchange = (replicaId: string, requests: number) =>
        store.exchangeKeyUsage({
          replicaId,
          own: [{ keyId: 'vk_a', minute: m, requests, tokens: requests * 10 }],
          since: m - 60_000,
          expireBefore: m - 120_000,
        });

      t.same(await exchange('r1', 3), [], 'nobody else yet');
      t.same(await exchange('r2', 4), [
        { keyId: 'vk_a', minute: m, requests: 3, tokens: 30 },
      ]);
      await exchange('r1', 5); // r1 now counts 5, not 3 + 5
      t.same(await exchange('r3', 0), [
        { keyId: 'vk_a', minute: m, requests: 9, tokens: 90 },
      ]);

      const later = await store.exchangeKeyUsage({
        replicaId: 'r3',
        own: [],
        since: m + 120_000,
        expireBefore: m + 60_000,
      });
      t.same(later, [], 'minutes past both windows are expired');
    },
  );

  t.test(
    'two key caches on one database enforce one rpm limit together',
    async (t) => {
      const url = await h.freshUrl(t);
      const clock = { now: 1_800_000_000_000 + 5000 };
      const cacheOn = async () => {
        const cache = new KeyCache(await openStore(t, url), {
          now: () => clock.now,
          usageSyncMs: 60_000,
        });
        t.teardown(() => cache.stop());
        return cache;
      };
      const a = await cacheOn();
      const b = await cacheOn();
      const { record } = await a.createKey({ rpmLimit: 10 });
      for (let i = 0; i < 6; i += 1) t.equal(a.admit(record, 'm1'), null);

      await a.syncUsage();
      await b.syncUsage();
      t.same(b.usageOf(record.keyId), { requests: 6, tokens: 0 });
      let admitted = 0;
      while (b.admit(record, 'm1') === null) admitted += 1;
      t.equal(admitted, 4, 'B admits what is left of the shared limit');
      t.equal(a.admit(record, 'm1'), null, 'A has not heard of them yet');
      await b.syncUsage();
      await a.syncUsage();
      t.match(a.admit(record, 'm1'), { details: { limit: 'rpm' } });

      // Tokens: each replica alone is under 500, together over it.
      const tpm = (await a.createKey({ tpmLimit: 500 })).record;
      a.recordUsage(tpm.keyId, 300, 0);
      b.recordUsage(tpm.keyId, 250, 0);
      t.equal(b.admit(tpm, 'm1'), null, 'B alone: 250 of 500');
      await a.syncUsage();
      await b.syncUsage();
      t.match(b.admit(tpm, 'm1'), { details: { limit: 'tpm' } });
      clock.now += 120_000;
      await b.syncUsage();
      t.equal(b.admit(tpm, 'm1'), null, 'two minutes on, all aged out');
    },
  );

  t.test(
    'a refresh keeps the spend of rows not yet written, and counts once',
    async (t) => {
      const url = await h.freshUrl(t);
      const store = await openStore(t, url, { flushIntervalMs: 60_000 });
      const cache = new KeyCache(store);
      t.teardown(() => cache.stop());
      const { record } = await cache.createKey({ maxBudget: 1 });
      const spend = (cost: number) => {
        store.enqueue(makeRow({ keyId: record.keyId, costUsd: cost }));
        cache.recordUsage(record.keyId, 10, cost);
      };

      spend(0.75);
      await cache.refresh();
      t.equal(cache.spendOf(record.keyId), 0.75, 'queued spend survives');
      spend(0.25);
      t.type(cache.admit(record, 'm1'), BudgetExceededError);

      await store.flush(10_000);
      await cache.refresh();
      t.equal(cache.spendOf(record.keyId), 1, 'written spend counted once');
      t.type(cache.admit(record, 'm1'), BudgetExceededError);
    },
  );

  t.test('close writes the queued rows before it returns', async (t) => {
    const url = await h.freshUrl(t);
    const store = createStore({ ...kFast, url, flushIntervalMs: 60_000 });
    await store.start();
    for (let i = 0; i < 7; i += 1) store.enqueue(makeRow());
    await store.close();

    t.same(store.counters(), {
      enqueued: 7,
      written: 7,
      dropped: 0,
      queued: 0,
    });
    t.equal((await h.dump(url)).request_log?.length, 7);
  });
}
