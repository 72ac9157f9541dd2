/**
 * RELIABILITY.md row 17 and the Security section: a bad key of any kind
 * (unknown, near miss, truncated, deleted, expired virtual key) gets
 * one and the same 401 body and reaches no upstream; tokens are
 * compared as SHA-256 digests, so no length or content can make the
 * check throw or pass; and a gateway without a master key will not bind
 * beyond loopback.
 */
import fc from 'fast-check';
import t from 'tap';
import { setTimeout as sleep } from 'node:timers/promises';
import { json, post } from '../../helpers/http.js';
import { startUpstream } from '../../helpers/upstream.js';
import { MasterKeyAuth } from '../../../src/auth/master-key.js';
import { loadConfig } from '../../../src/config/load.js';
import { hasCode } from '../../../src/errors.js';
import { startGateway } from '../../../src/gateway.js';
import {
  chatBody,
  deployment,
  gatewayYaml,
  kChat,
  startChecked,
  watchSuite,
} from './harness.js';

watchSuite(t);

const kMaster = 'sk-master-reliability-0123456789';
const bearer = (key: string) => ({ authorization: `Bearer ${key}` });

async function makeKey(url: string, body: Record<string, unknown> = {}) {
  const reply = await post(`${url}/key/generate`, body, bearer(kMaster));
  return String((json(reply) as { key?: unknown }).key);
}

t.test('every bad key gets one 401 body and no upstream call', async (t) => {
  const up = await startUpstream(t);
  const { url } = await startChecked(
    t,
    gatewayYaml(
      [deployment('test-model', up.url, 'dep-0')],
      `general_settings:\n  master_key: ${kMaster}\n`,
    ),
  );
  const good = await makeKey(url);
  const deleted = await makeKey(url);
  await post(`${url}/key/delete`, { keys: [deleted] }, bearer(kMaster));
  const expired = await makeKey(url, { duration: '1s' });
  await sleep(1100);
  const invalid = {
    unknown: 'sk-0000000000000000000000000000',
    'near miss': `${kMaster}x`,
    truncated: good.slice(0, -1),
    deleted,
    expired,
    'another case': good.toUpperCase(),
  };
  const bodies = new Map<string, string[]>();
  for (const [cause, key] of Object.entries(invalid)) {
    const reply = await post(`${url}${kChat}`, chatBody(), bearer(key));
    t.equal(reply.status, 401, cause);
    t.notOk(reply.text.includes(key), `${cause}: the key is not echoed`);
    bodies.set(reply.text, [...(bodies.get(reply.text) ?? []), cause]);
  }
  t.equal(bodies.size, 1, `one body: ${JSON.stringify([...bodies.values()])}`);
  t.match([...bodies.keys()][0], /"code":"invalid_api_key"/);
  const ok = await post(`${url}${kChat}`, chatBody(), bearer(good));
  t.equal(ok.status, 200, 'the good key still works');
  t.equal(up.seen.length, 1, 'only the good key reached the upstream');
});

t.test('no token can make the digest check throw or pass', async (t) => {
  const auth = new MasterKeyAuth(kMaster);
  const refused = (token: string) => {
    try {
      auth.authenticate(`Bearer ${token}`);
      return false;
    } catch (err) {
      return (
        hasCode(err, 'GW_ERR_INVALID_API_KEY') ||
        hasCode(err, 'GW_ERR_MISSING_API_KEY')
      );
    }
  };
  const tokens = fc.oneof(
    fc.string({ unit: 'binary', maxLength: 4096 }),
    fc.string().map((s) => kMaster + s),
    fc.nat({ max: kMaster.length - 1 }).map((n) => kMaster.slice(0, n)),
  );
  fc.assert(
    fc.property(tokens, (token) => token.trim() === kMaster || refused(token)),
    { numRuns: 500 },
  );
  const caller = await auth.authenticate(bearer(kMaster).authorization);
  t.equal(caller.keyId, 'master', 'and the key itself passes');
});

t.test(
  'a gateway with no master key refuses to bind off loopback',
  async (t) => {
    const { config } = loadConfig({
      path: null,
      text: gatewayYaml([
        deployment('test-model', 'http://127.0.0.1:9/v1', 'd'),
      ]),
      port: 0,
      host: '0.0.0.0',
      env: {},
    });
    await t.rejects(startGateway(config), /master_key is required/);
  },
);
