/**
 * Virtual keys through HTTP, against one kind of database: made with the
 * master key, used as bearer tokens, held to their model list, rpm limit
 * and budget, and refused once deleted.
 */
import type { Test } from 'tap';
import { request } from 'undici';
import { expectError, get, json, post } from '../../helpers/http.js';
import { startUpstream } from '../../helpers/upstream.js';
import type { GatewayDb } from './db-harness.js';
import {
  adminGet,
  bearer,
  chat,
  generateKey,
  kInputPrice,
  kMaster,
  kOutputPrice,
  settled,
  startStoreGateway,
} from './store-gateway.js';

async function start(t: Test, db: GatewayDb) {
  const up = await startUpstream(t);
  return startStoreGateway(t, await db.freshUrl(t), up.url);
}

/** Register the key lifecycle tests on `t`. */
export function keySuite(t: Test, db: GatewayDb): void {
  t.test(
    'a generated key serves requests and only its creation shows it',
    async (t) => {
      const { url } = await start(t, db);
      const made = await generateKey(url, { key_alias: 'team-a' });
      t.equal(made.reply.status, 200);
      t.match(made.key, /^sk-riq-[\w-]{43}$/);
      t.match(made.keyId, /^vk_[0-9a-f]{12}$/);

      t.equal((await chat(url, made.key)).status, 200);
      const q = `key=${encodeURIComponent(made.key)}`;
      const info = await get(`${url}/key/info?${q}`, bearer(kMaster));
      const list = await get(`${url}/key/list`, bearer(kMaster));
      t.match(json(info), {
        key_id: made.keyId,
        info: { key_alias: 'team-a' },
      });
      t.match(json(list), { total_count: 1, keys: [{ key_id: made.keyId }] });
      for (const r of [info, list]) {
        t.notOk(r.text.includes(made.key.slice(7, 15)), 'no part of the key');
      }
    },
  );

  t.test(
    'a key made on another replica is served on its first request here',
    async (t) => {
      const up = await startUpstream(t);
      const dbUrl = await db.freshUrl(t);
      const a = await startStoreGateway(t, dbUrl, up.url);
      const b = await startStoreGateway(t, dbUrl, up.url);
      const { key } = await generateKey(a.url);

      // B has not loaded the key: it looks it up while the body arrives,
      // which once lost the body and hung (the bound turns that into a
      // failure instead of a stalled run).
      const res = await request(`${b.url}/v1/chat/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...bearer(key) },
        body: JSON.stringify({
          model: 'test-model',
          messages: [{ role: 'user', content: 'hi' }],
        }),
        headersTimeout: 10_000,
      });
      await res.body.dump();
      t.equal(res.statusCode, 200);
    },
  );

  t.test('a key refuses a model it was not given with 403', async (t) => {
    const { url } = await start(t, db);
    const { key } = await generateKey(url, { models: ['test-model'] });

    t.equal((await chat(url, key, 'test-model')).status, 200);
    expectError(
      t,
      await chat(url, key, 'other-model'),
      403,
      'model_not_allowed',
    );
  });

  t.test(
    'a key over its rpm limit is refused 429 with retry-after',
    async (t) => {
      const { url } = await start(t, db);
      const { key } = await generateKey(url, { rpm_limit: 2 });

      t.equal((await chat(url, key)).status, 200);
      t.equal((await chat(url, key)).status, 200);
      const third = await chat(url, key);
      expectError(t, third, 429, 'rate_limited');
      const after = Number(third.headers['retry-after']);
      t.ok(after >= 1 && after <= 60, `retry-after ${after} within a minute`);
    },
  );

  t.test(
    'a key that has spent its budget is refused 429 budget_exceeded',
    async (t) => {
      const { url } = await start(t, db);
      const oneRequest = 5 * kInputPrice + 1 * kOutputPrice;
      const { key, keyId } = await generateKey(url, {
        max_budget: oneRequest / 2,
      });
      t.equal((await chat(url, key)).status, 200, 'within budget at first');

      // Spend counts on this replica when a request ends, but the one
      // refresh that creating the key starts may land after that and
      // hide the first request's spend: at most one more gets through.
      let refused = await chat(url, key);
      if (refused.status === 200) refused = await chat(url, key);
      expectError(t, refused, 429, 'budget_exceeded');
      await settled(url, 1);
      const info = await adminGet(url, `/key/info?key_id=${keyId}`);
      t.ok(
        (info as { info: { spend: number } }).info.spend >= oneRequest,
        'the logged spend covers the request',
      );
    },
  );

  t.test('a deleted key is refused 401 invalid_api_key', async (t) => {
    const { url } = await start(t, db);
    const byKey = await generateKey(url);
    const byId = await generateKey(url);
    const body = { keys: [byKey.key], key_ids: [byId.keyId] };
    const del = await post(`${url}/key/delete`, body, bearer(kMaster));

    t.equal(del.status, 200);
    const deleted = (json(del) as { deleted_keys: string[] }).deleted_keys;
    t.same([...deleted].sort(), [byKey.keyId, byId.keyId].sort());
    t.notOk(del.text.includes(byKey.key.slice(7, 15)), 'key not echoed');
    expectError(t, await chat(url, byKey.key), 401, 'invalid_api_key');
    expectError(t, await chat(url, byId.key), 401, 'invalid_api_key');
  });

  t.test('admin routes answer 401 to anyone but the master key', async (t) => {
    const { url } = await start(t, db);
    const { key } = await generateKey(url);
    const calls = [
      (h: Record<string, string>) => post(`${url}/key/generate`, {}, h),
      (h: Record<string, string>) => get(`${url}/key/info?key_id=x`, h),
      (h: Record<string, string>) => get(`${url}/key/list`, h),
      (h: Record<string, string>) =>
        post(`${url}/key/delete`, { key_ids: ['x'] }, h),
      (h: Record<string, string>) => get(`${url}/spend/logs`, h),
    ];
    for (const call of calls) {
      expectError(t, await call({}), 401, 'missing_api_key');
      expectError(t, await call(bearer(key)), 401, 'invalid_api_key');
      expectError(t, await call(bearer(`${kMaster}x`)), 401, 'invalid_api_key');
    }
  });

  t.test(
    'without a master key the proxy is open and there is no admin',
    async (t) => {
      const up = await startUpstream(t);
      const dbUrl = await db.freshUrl(t);
      const { url } = await startStoreGateway(t, dbUrl, up.url, { open: true });

      t.equal((await chat(url, '')).status, 200, 'open proxy');
      const h = bearer(kMaster);
      expectError(
        t,
        await post(`${url}/key/generate`, {}, h),
        401,
        'invalid_api_key',
      );
      expectError(t, await get(`${url}/key/list`), 401, 'missing_api_key');
    },
  );

  t.test('admin input outside the schema is refused 400', async (t) => {
    const { url } = await start(t, db);
    const h = bearer(kMaster);
    const bad = [
      { bogus: 1 },
      { duration: '3 days' },
      { duration: '1h', expires: '2999-01-01T00:00:00Z' },
      { expires: '2001-01-01T00:00:00Z' },
      { rpm_limit: 0 },
      { tpm_limit: 1.5 },
      { max_budget: -1 },
      { models: 'test-model' },
      { models: [1] },
      { key_alias: 7 },
      { metadata: [] },
    ];
    for (const body of bad) {
      const reply = await post(`${url}/key/generate`, body, h);
      expectError(t, reply, 400, 'invalid_request');
    }
    expectError(
      t,
      await post(`${url}/key/generate`, 'nope', h),
      400,
      'invalid_json',
    );
    expectError(
      t,
      await post(`${url}/key/delete`, {}, h),
      400,
      'invalid_request',
    );
    expectError(t, await get(`${url}/key/info`, h), 400, 'invalid_request');
    expectError(
      t,
      await get(`${url}/key/list?page=0`, h),
      400,
      'invalid_request',
    );
    expectError(
      t,
      await get(`${url}/spend/logs?x=1`, h),
      400,
      'invalid_request',
    );
    t.same(
      json(await get(`${url}/key/list`, h)),
      {
        keys: [],
        total_count: 0,
        current_page: 1,
        total_pages: 0,
      },
      'nothing was created',
    );
  });
}
