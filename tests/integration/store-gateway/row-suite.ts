/**
 * The request log as the gateway writes it, read back from the database
 * itself: one row per proxy request with its outcome, routing, usage and
 * cost, and the trace it belongs to.
 */
import type { Test } from 'tap';
import { request } from 'undici';
import { get, json, post } from '../../helpers/http.js';
import type { Reply } from '../../helpers/http.js';
import { startOtlpReceiver } from '../../helpers/otlp-receiver.js';
import { startUpstream } from '../../helpers/upstream.js';
import type { GatewayDb, LogRow } from './db-harness.js';
import { logRows } from './db-harness.js';
import {
  bearer,
  chat,
  generateKey,
  kInputPrice,
  kMaster,
  kOutputPrice,
  settled,
  startStoreGateway,
} from './store-gateway.js';

/** The stored rows by request id, once `n` rows are written. */
async function rowsById(db: GatewayDb, dbUrl: string, url: string, n: number) {
  await settled(url, n);
  const rows = logRows(await db.dump(dbUrl));
  return new Map(rows.map((r) => [String(r['request_id']), r]));
}

function idOf(reply: Reply): string {
  return String(reply.headers['x-request-id']);
}

function cost(input: number, output: number): number {
  return input * kInputPrice + output * kOutputPrice;
}

/** Register the request-log tests on `t`. */
export function rowSuite(t: Test, db: GatewayDb): void {
  t.test(
    'each proxy request leaves one row with routing, usage and cost',
    async (t) => {
      const up = await startUpstream(t, { chunks: 3 });
      const dbUrl = await db.freshUrl(t);
      const { url } = await startStoreGateway(t, dbUrl, up.url);
      const { key, keyId } = await generateKey(url);
      const plain = await chat(url, key);
      const streamed = await chat(url, key, 'test-model', true);

      const rows = await rowsById(db, dbUrl, url, 2);
      t.equal(rows.size, 2, 'one row per request');
      const common = {
        key_id: keyId,
        requested_model: 'test-model',
        model_group: 'test-model',
        deployment: 'dep-0',
        strategy: 'simple-shuffle',
        status: 200,
        outcome: 'ok',
        error_code: null,
        prompt_text: null,
      };
      t.match(rows.get(idOf(plain)), {
        ...common,
        stream: false,
        input_tokens: 5,
        output_tokens: 1,
        cost_usd: cost(5, 1),
      });
      t.match(rows.get(idOf(streamed)), {
        ...common,
        stream: true,
        input_tokens: 5,
        output_tokens: 3,
        cost_usd: cost(5, 3),
      });
      for (const row of rows.values()) {
        t.type(row['ttft_ms'], 'number', 'ttft recorded');
        t.notOk(JSON.stringify(row).includes(key.slice(7, 15)), 'no key');
      }
    },
  );

  t.test('failed requests leave one row each with their outcome', async (t) => {
    const up = await startUpstream(t, { status: 400 });
    const dbUrl = await db.freshUrl(t);
    const { url } = await startStoreGateway(t, dbUrl, up.url);
    const replies = [
      await chat(url, 'sk-riq-not-a-key'),
      await chat(url, kMaster, 'no-such-model'),
      await chat(url, kMaster),
    ];

    const rows = await rowsById(db, dbUrl, url, 3);
    t.equal(rows.size, 3);
    const [badKey, noModel, upstream400] = replies.map((r) =>
      rows.get(idOf(r)),
    );
    t.match(badKey, { status: 401, outcome: 'auth_failed', key_id: null });
    t.match(noModel, {
      status: 404,
      outcome: 'invalid_request',
      key_id: 'master',
    });
    t.match(upstream400, {
      status: 400,
      outcome: 'invalid_request',
      deployment: 'dep-0',
    });
  });

  t.test(
    'a client that leaves mid-stream leaves one client_aborted row',
    async (t) => {
      const up = await startUpstream(t, { chunks: 200, chunkIntervalMs: 20 });
      const dbUrl = await db.freshUrl(t);
      const { url } = await startStoreGateway(t, dbUrl, up.url);
      const ac = new AbortController();
      const res = await request(`${url}/v1/chat/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...bearer(kMaster) },
        body: JSON.stringify({
          model: 'test-model',
          stream: true,
          messages: [{ role: 'user', content: 'hi' }],
        }),
        signal: ac.signal,
      });
      const id = String(res.headers['x-request-id']);
      for await (const _chunk of res.body) break;
      ac.abort();

      const rows = await rowsById(db, dbUrl, url, 1);
      t.equal(rows.size, 1);
      t.match(rows.get(id), {
        status: 200,
        outcome: 'client_aborted',
        stream: true,
        deployment: 'dep-0',
      });
    },
  );

  t.test('a row carries its trace and the write is a span in it', async (t) => {
    const rx = await startOtlpReceiver(t);
    const up = await startUpstream(t);
    const dbUrl = await db.freshUrl(t);
    const env = { OTEL_EXPORTER_OTLP_ENDPOINT: rx.endpoint };
    const { url } = await startStoreGateway(t, dbUrl, up.url, { env });
    const trace = '4bf92f3577b34da6a3ce929d0e0e4736';
    const headers = {
      ...bearer(kMaster),
      traceparent: `00-${trace}-00f067aa0ba902b7-01`,
    };
    const body = {
      model: 'test-model',
      messages: [{ role: 'user', content: 'hi' }],
    };
    const reply = await post(`${url}/v1/chat/completions`, body, headers);

    const row = (await rowsById(db, dbUrl, url, 1)).get(idOf(reply));
    t.equal(row?.['trace_id'], trace);
    await rx.waitFor((s) => s.some((x) => x.name === 'INSERT request_log'));
    const server = rx.spans.find((s) => s.kind === 2);
    const write = rx.spans.find((s) => s.name === 'INSERT request_log');
    t.equal(write?.traceId, trace, 'the DB span is in the request trace');
    t.equal(write?.parentSpanId, server?.spanId, 'under the SERVER span');
    t.equal(
      write?.attributes['db.system.name'],
      db.kind === 'sqlite' ? 'sqlite' : 'postgresql',
    );
  });

  t.test('spend logs filter by key, model, date and limit', async (t) => {
    const up = await startUpstream(t);
    const { url } = await startStoreGateway(t, await db.freshUrl(t), up.url);
    const a = await generateKey(url);
    const b = await generateKey(url);
    await chat(url, a.key);
    await chat(url, a.key);
    await chat(url, a.key, 'other-model');
    await chat(url, b.key);
    await settled(url, 4);

    const logs = async (q: string) => {
      const reply = await get(`${url}/spend/logs?${q}`, bearer(kMaster));
      t.notOk(reply.text.includes(a.key.slice(7, 15)), 'no key in answer');
      return json(reply) as LogRow[];
    };
    const byKey = await logs(`api_key=${encodeURIComponent(a.key)}`);
    t.equal(byKey.length, 3);
    t.ok(byKey.every((r) => r['key_id'] === a.keyId));
    t.equal((await logs(`key_id=${b.keyId}`)).length, 1);
    t.equal((await logs(`key_id=${a.keyId}&model=other-model`)).length, 1);
    const day = String(byKey[0]?.['started_at']).slice(0, 10);
    t.equal((await logs(`start_date=${day}&end_date=${day}`)).length, 4);
    t.equal((await logs(`end_date=${day}T00:00:00Z`)).length, 0);
    t.equal((await logs('start_date=2999-01-01')).length, 0);
    const two = await logs('limit=2');
    t.equal(two.length, 2);
    t.ok(
      String(two[0]?.['started_at']) >= String(two[1]?.['started_at']),
      'newest first',
    );
  });

  t.test('prompt text is stored only when log_text is on', async (t) => {
    const up = await startUpstream(t);
    const dbUrl = await db.freshUrl(t);
    const settings = ['log_text: true'];
    const { url } = await startStoreGateway(t, dbUrl, up.url, { settings });
    const reply = await chat(url, kMaster);

    const row = (await rowsById(db, dbUrl, url, 1)).get(idOf(reply));
    t.equal(row?.['prompt_text'], 'hello there');
  });
}
