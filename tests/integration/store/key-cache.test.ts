import t from 'tap';
import type { Test } from 'tap';
import {
  BudgetExceededError,
  ModelNotAllowedError,
  RateLimitedError,
} from '../../../src/errors.js';
import { generateKey, KeyCache } from '../../../src/store/index.js';
import type { Store } from '../../../src/store/index.js';
import { openStore } from './store-contract.js';
import { kSqliteHarness } from './sqlite-harness.js';
import { makeRow } from './log-rows.js';

interface Setup {
  readonly store: Store;
  readonly cache: KeyCache;
  readonly clock: { now: number };
}

/** A cache over a fresh SQLite store, on a clock the test moves. */
async function setup(t: Test): Promise<Setup> {
  const store = await openStore(t, await kSqliteHarness.freshUrl(t));
  const clock = { now: 1_800_000_000_000 };
  const cache = new KeyCache(store, {
    now: () => clock.now,
    negativeTtlMs: 5000,
  });
  t.teardown(() => cache.stop());
  await cache.start();
  return { store, cache, clock };
}

t.test(
  'a created key authenticates and a near miss of it does not',
  async (t) => {
    const { cache } = await setup(t);
    const { key, record } = await cache.createKey({ models: ['m1'] });

    t.equal((await cache.authenticate(key))?.keyId, record.keyId);
    t.equal(
      await cache.authenticate(
        key.slice(0, -1) + (key.endsWith('A') ? 'B' : 'A'),
      ),
      null,
    );
    t.equal(await cache.authenticate(''), null);
  },
);

t.test('an expired key is rejected', async (t) => {
  const { cache, clock } = await setup(t);
  const { key } = await cache.createKey({ expiresAt: clock.now + 1000 });
  t.not(await cache.authenticate(key), null, 'valid before expiry');

  clock.now += 1000;
  t.equal(await cache.authenticate(key), null);
});

t.test('a key deleted here stops authenticating at once', async (t) => {
  const { cache } = await setup(t);
  const { key, record } = await cache.createKey({});
  t.equal(await cache.deleteKey(record.keyId), true);

  t.equal(await cache.authenticate(key), null);
  t.equal(cache.size, 0);
});

t.test(
  'an unknown key stays a miss until the negative TTL passes',
  async (t) => {
    const { store, cache, clock } = await setup(t);
    const made = generateKey();
    t.equal(await cache.authenticate(made.key), null, 'unknown');

    // Another replica creates it; this cache still remembers the miss.
    await store.createKey({
      keyId: made.keyId,
      keyHash: made.keyHash,
      alias: null,
      models: [],
      rpmLimit: null,
      tpmLimit: null,
      maxBudget: null,
      expiresAt: null,
      createdAt: clock.now,
      spend: 0,
    });
    t.equal(await cache.authenticate(made.key), null, 'miss remembered');
    clock.now += 5000;
    t.equal((await cache.authenticate(made.key))?.keyId, made.keyId);
  },
);

t.test(
  'a model outside the key’s list is refused as not allowed',
  async (t) => {
    const { cache } = await setup(t);
    const { record } = await cache.createKey({ models: ['m1'] });

    t.equal(cache.admit(record, 'm1'), null);
    t.type(cache.admit(record, 'm2'), ModelNotAllowedError);
  },
);

t.test(
  'the rpm limit refuses requests past it until the window moves on',
  async (t) => {
    const { cache, clock } = await setup(t);
    const { record } = await cache.createKey({ rpmLimit: 3 });
    for (let i = 0; i < 3; i += 1) t.equal(cache.admit(record, 'm1'), null);

    const err = cache.admit(record, 'm1');
    t.type(err, RateLimitedError);
    t.ok((err?.retryAfter ?? 0) >= 1, 'says when to retry');
    clock.now += 120_000;
    t.equal(cache.admit(record, 'm1'), null);
  },
);

t.test(
  'the tpm limit refuses requests once used tokens reach it',
  async (t) => {
    const { cache } = await setup(t);
    const { record } = await cache.createKey({ tpmLimit: 100 });
    t.equal(cache.admit(record, 'm1'), null);

    cache.recordUsage(record.keyId, 100, 0);
    t.match(cache.admit(record, 'm1'), {
      code: 'GW_ERR_RATE_LIMITED',
      details: { limit: 'tpm' },
    });
  },
);

t.test(
  'logged spend reaching max_budget blocks the key after a refresh',
  async (t) => {
    const { store, cache } = await setup(t);
    const { record } = await cache.createKey({ maxBudget: 1 });
    store.enqueue(makeRow({ keyId: record.keyId, costUsd: 0.6 }));
    store.enqueue(makeRow({ keyId: record.keyId, costUsd: 0.4 }));
    await store.flush(10_000);

    await cache.refresh();
    t.equal(cache.spendOf(record.keyId), 1);
    t.type(cache.admit(record, 'm1'), BudgetExceededError);
  },
);

t.test(
  'usage recorded here counts toward the budget before any refresh',
  async (t) => {
    const { cache } = await setup(t);
    const { record } = await cache.createKey({ maxBudget: 1 });
    cache.recordUsage(record.keyId, 10, 0.5);
    t.equal(cache.admit(record, 'm1'), null);

    cache.recordUsage(record.keyId, 10, 0.5);
    t.type(cache.admit(record, 'm1'), BudgetExceededError);
  },
);
