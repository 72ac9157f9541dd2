/**
 * Master-key authentication (RELIABILITY.md row 17): 401 with one body
 * for every wrong key, the right key served, health paths open.
 */
import t from 'tap';
import { startTestGateway } from '../../helpers/gateway.js';
import { expectError, get, post } from '../../helpers/http.js';

const kMaster = 'sk-routeiq-master-0123456789abcdef';
const kYaml = `model_list:
  - model_name: chat-mock
    litellm_params:
      model: mock/chat-mock
general_settings:
  master_key: os.environ/ROUTEIQ_TEST_MASTER
`;
const kChatBody = {
  model: 'chat-mock',
  messages: [{ role: 'user', content: 'hi' }],
};

function start(t: Parameters<typeof startTestGateway>[0]) {
  return startTestGateway(t, kYaml, { ROUTEIQ_TEST_MASTER: kMaster });
}

t.test(
  'a request without an API key is refused 401 missing_api_key',
  async (t) => {
    const { url } = await start(t);
    const chat = await post(`${url}/v1/chat/completions`, kChatBody);
    const error = expectError(t, chat, 401, 'missing_api_key');
    t.equal(error['type'], 'authentication_error');
    const models = await get(`${url}/v1/models`);
    expectError(t, models, 401, 'missing_api_key');
  },
);

t.test(
  'wrong keys of any length or shape get one identical 401 body',
  async (t) => {
    const { url } = await start(t);
    const wrong = [
      'x',
      `${kMaster.slice(0, -1)}0`,
      kMaster.toUpperCase(),
      `${kMaster}${kMaster}`,
      'k'.repeat(4096),
      'not-a-key with spaces',
    ];
    const bodies = new Set<string>();
    for (const key of wrong) {
      const headers = { authorization: `Bearer ${key}` };
      const reply = await post(
        `${url}/v1/chat/completions`,
        kChatBody,
        headers,
      );
      expectError(t, reply, 401, 'invalid_api_key');
      bodies.add(reply.text);
    }
    t.equal(bodies.size, 1, 'the body does not depend on the key');
    t.notMatch([...bodies][0], /sk-routeiq|kkkkkkkk/, 'no key is echoed');
  },
);

t.test('the master key is accepted on the API routes', async (t) => {
  const { url } = await start(t);
  const headers = { authorization: `Bearer ${kMaster}` };
  const chat = await post(`${url}/v1/chat/completions`, kChatBody, headers);
  t.equal(chat.status, 200);
  t.match(chat.text, /"object":"chat\.completion"/);
  const lower = { authorization: `bearer ${kMaster}` };
  const models = await get(`${url}/v1/models`, lower);
  t.equal(models.status, 200, 'the scheme is case-insensitive');
});

t.test('health endpoints answer without a key', async (t) => {
  const { url } = await start(t);
  const paths = [
    '/health/liveliness',
    '/health/liveness',
    '/health/readiness',
    '/health',
  ];
  for (const path of paths) {
    const reply = await get(`${url}${path}`);
    t.equal(reply.status, 200, path);
  }
});
