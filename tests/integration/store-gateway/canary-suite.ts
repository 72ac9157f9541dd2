/**
 * The canary (RELIABILITY.md, Security): a planted master key, virtual
 * key and provider key must not appear, whole or as any 8-character
 * window, in a database row, a log line, an exported span or a response
 * other than the one `/key/generate` answer that hands the key out.
 */
import { randomBytes } from 'node:crypto';
import type { Test } from 'tap';
import { startTestGateway } from '../../helpers/gateway.js';
import { get, post } from '../../helpers/http.js';
import type { Reply } from '../../helpers/http.js';
import { startOtlpReceiver } from '../../helpers/otlp-receiver.js';
import { startUpstream } from '../../helpers/upstream.js';
import { configureLogging } from '../../../src/telemetry/logger.js';
import type { GatewayDb } from './db-harness.js';
import { settled, storeYaml } from './store-gateway.js';

/** A random secret: no natural word may form one of its windows. */
function canary(): string {
  return `sk-${randomBytes(24).toString('base64url')}`;
}

function windows(secret: string): string[] {
  const out: string[] = [];
  for (let i = 0; i + 8 <= secret.length; i += 1)
    out.push(secret.slice(i, i + 8));
  return out;
}

/** Collects every log line the gateway writes while the test runs. */
function captureLogs(t: Test): string[] {
  const lines: string[] = [];
  configureLogging({
    level: 'trace',
    destination: { write: (s: string) => void lines.push(s) },
  });
  t.teardown(() => void configureLogging({ level: 'silent' }));
  return lines;
}

/** Register the canary test on `t`. */
export function canarySuite(t: Test, db: GatewayDb): void {
  t.test(
    'planted keys reach no row, log, span or later response',
    async (t) => {
      const master = canary();
      const provider = canary();
      const logs = captureLogs(t);
      const rx = await startOtlpReceiver(t);
      // An upstream that quotes the key it was given, as OpenAI's 401 does.
      const up = await startUpstream(t);
      const dbUrl = await db.freshUrl(t);
      const yaml = storeYaml(up.url, { providerKey: provider }).replace(
        /master_key: .*/,
        'master_key: os.environ/CANARY_MASTER',
      );
      const { url } = await startTestGateway(t, yaml, {
        DATABASE_URL: dbUrl,
        CANARY_MASTER: master,
        OTEL_EXPORTER_OTLP_ENDPOINT: rx.endpoint,
      });
      const as = (key: string) => ({ authorization: `Bearer ${key}` });
      const chatBody = {
        model: 'test-model',
        messages: [{ role: 'user', content: 'x' }],
      };
      const made = await post(
        `${url}/key/generate`,
        { key_alias: 'c' },
        as(master),
      );
      const vk = (JSON.parse(made.text) as { key: string }).key;
      const q = encodeURIComponent(vk);

      const replies: Reply[] = [
        await post(`${url}/v1/chat/completions`, chatBody, as(vk)),
        await post(
          `${url}/v1/chat/completions`,
          { ...chatBody, stream: true },
          as(vk),
        ),
        await post(`${url}/v1/chat/completions`, chatBody, as(`${master}x`)),
        await post(`${url}/v1/chat/completions`, chatBody, as(vk.slice(0, -2))),
        await get(`${url}/key/info?key=${q}`, as(master)),
        await get(`${url}/key/list`, as(master)),
        await get(`${url}/spend/logs?api_key=${q}`, as(master)),
        await post(`${url}/key/generate`, { [vk]: 1 }, as(master)),
      ];
      up.behaviour = {
        status: 401,
        errorBody: `{"error":{"message":"Incorrect API key provided: ${provider}","type":"invalid_request_error","param":null,"code":"invalid_api_key"}}`,
      };
      replies.push(
        await post(`${url}/v1/chat/completions`, chatBody, as(master)),
      );
      replies.push(await post(`${url}/key/delete`, { keys: [vk] }, as(master)));
      replies.push(await post(`${url}/v1/chat/completions`, chatBody, as(vk)));
      t.equal(replies[0]?.status, 200, 'the virtual key worked');
      t.equal(replies.at(-1)?.status, 401, 'and stopped once deleted');

      await settled(url, 6);
      await rx.waitFor((s) => s.some((x) => x.name === 'INSERT request_log'));
      const sinks: Record<string, string> = {
        rows: JSON.stringify(await db.dump(dbUrl)),
        logs: logs.join(''),
        spans: JSON.stringify(rx.spans),
        responses: replies
          .map((r) => JSON.stringify(r.headers) + r.text)
          .join('\n'),
      };
      t.match(sinks['logs'], /"msg":"request"/, 'the logs were captured');
      const names = new Map([
        [master, 'master key'],
        [vk, 'virtual key'],
        [provider, 'provider key'],
      ]);
      for (const [sink, text] of Object.entries(sinks)) {
        for (const secret of names.keys()) {
          const leaked = windows(secret).filter((w) => text.includes(w));
          t.same(leaked, [], `${sink}: nothing of the ${names.get(secret)}`);
        }
      }
    },
  );
}
