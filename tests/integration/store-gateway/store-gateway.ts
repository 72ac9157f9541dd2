/**
 * A gateway on a given database, in front of a test upstream, with a
 * master key and model_info prices; plus the small clients the suites
 * share: admin calls, chat calls and waiting for the request log.
 */
import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Test } from 'tap';
import { startTestGateway } from '../../helpers/gateway.js';
import type { TestGateway } from '../../helpers/gateway.js';
import { get, json, post } from '../../helpers/http.js';
import type { Reply } from '../../helpers/http.js';
import type { StoreCounters } from '../../../src/store/index.js';

/** The master key of every gateway here (random per process). */
export const kMaster = `sk-master-${randomBytes(12).toString('base64url')}`;
/** USD per token in model_info, as the cost checks expect. */
export const kInputPrice = 0.001;
export const kOutputPrice = 0.002;

/** Options of `startStoreGateway`. */
export interface StoreGatewayOptions {
  /** Lines appended under `routeiq_settings:`. */
  readonly settings?: readonly string[];
  /** `routeiq_settings.key_refresh_ms` (default a minute: no refresh). */
  readonly keyRefreshMs?: number;
  /** No master key: the gateway is open and has no admin. */
  readonly open?: boolean;
  readonly env?: Record<string, string>;
  readonly providerKey?: string;
}

/** The gateway YAML: `test-model` and `other-model` on `upstream`. */
export function storeYaml(upstream: string, o: StoreGatewayOptions = {}) {
  const group = (name: string, i: number) => `  - model_name: ${name}
    litellm_params:
      model: openai/upstream-${i}
      api_base: ${upstream}
      api_key: ${o.providerKey ?? 'sk-test-provider-key'}
    model_info:
      id: dep-${i}
      input_cost_per_token: ${kInputPrice}
      output_cost_per_token: ${kOutputPrice}`;
  const settings = [
    `key_refresh_ms: ${o.keyRefreshMs ?? 60_000}`,
    ...(o.settings ?? []),
  ];
  return [
    'model_list:',
    group('test-model', 0),
    group('other-model', 1),
    o.open === true ? '' : 'general_settings:\n  master_key: ' + kMaster,
    'routeiq_settings:',
    ...settings.map((s) => `  ${s}`),
    '',
  ].join('\n');
}

/** Start a gateway whose store is `dbUrl`; closed at teardown. */
export function startStoreGateway(
  t: Test,
  dbUrl: string,
  upstream: string,
  o: StoreGatewayOptions = {},
): Promise<TestGateway> {
  const env = { DATABASE_URL: dbUrl, ...o.env };
  return startTestGateway(t, storeYaml(upstream, o), env);
}

/** `Authorization` header for `key`. */
export function bearer(key: string): Record<string, string> {
  return { authorization: `Bearer ${key}` };
}

/** POST /key/generate with the master key; the reply and its key. */
export async function generateKey(
  url: string,
  body: Record<string, unknown> = {},
): Promise<{ reply: Reply; key: string; keyId: string }> {
  const reply = await post(`${url}/key/generate`, body, bearer(kMaster));
  const parsed = json(reply) as { key?: unknown; key_id?: unknown };
  return {
    reply,
    key: String(parsed.key ?? ''),
    keyId: String(parsed.key_id ?? ''),
  };
}

/** One chat completion as `key` (streamed when `stream`). */
export function chat(
  url: string,
  key: string,
  model = 'test-model',
  stream = false,
): Promise<Reply> {
  const body = {
    model,
    stream,
    messages: [{ role: 'user', content: 'hello there' }],
  };
  return post(`${url}/v1/chat/completions`, body, bearer(key));
}

/** GET `path` with the master key and parse the JSON answer. */
export async function adminGet(url: string, path: string): Promise<unknown> {
  return json(await get(`${url}${path}`, bearer(kMaster)));
}

/** The store counters `/health` reports. */
export async function healthCounters(
  url: string,
): Promise<StoreCounters & { kind: string }> {
  const body = json(await get(`${url}/health`)) as {
    store: StoreCounters & { kind: string };
  };
  return body.store;
}

/**
 * Wait until at least `rows` rows were enqueued and none is waiting;
 * returns the counters then. Fails after `ms` (not a speed check: the
 * bound only keeps a broken writer from hanging the run).
 */
export async function settled(
  url: string,
  rows: number,
  ms = 30_000,
): Promise<StoreCounters & { kind: string }> {
  const until = Date.now() + ms;
  for (;;) {
    const c = await healthCounters(url);
    if (c.enqueued >= rows && c.queued === 0) return c;
    if (Date.now() > until)
      throw new Error(`log never settled: ${JSON.stringify(c)}`);
    await sleep(25);
  }
}
