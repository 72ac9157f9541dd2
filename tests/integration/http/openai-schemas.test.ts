/**
 * Every successful answer of the gateway, from the built-in mock and
 * from a real upstream relayed through it, against OpenAI's own response
 * schemas: JSON bodies and each streamed chunk.
 */
import t from 'tap';
import type { Test } from 'tap';
import type { ValidateFunction } from 'ajv/dist/2020.js';
import { startTestGateway, upstreamConfig } from '../../helpers/gateway.js';
import { get, json, post, postStream } from '../../helpers/http.js';
import { explain, kSchemas } from '../../helpers/openai-schema.js';
import { startUpstream } from '../../helpers/upstream.js';

const kMockYaml = `model_list:
  - model_name: chat-mock
    litellm_params:
      model: mock/chat-mock
      mock_chunks: 4
  - model_name: embed-mock
    litellm_params:
      model: mock/embed-mock
    model_info:
      mode: embedding
`;
const kMessages = [{ role: 'user', content: 'Say hello.' }];

function check(t: Test, v: ValidateFunction, value: unknown, what: string) {
  t.ok(v(value), `${what}: ${explain(v.errors)}`);
}

/** Parse every frame but the final [DONE]; assert the stream ended so. */
function chunks(t: Test, data: readonly string[]): unknown[] {
  t.equal(data.at(-1), '[DONE]', 'stream ends with [DONE]');
  return data.slice(0, -1).map((d) => JSON.parse(d) as unknown);
}

t.test(
  'a mock chat completion matches CreateChatCompletionResponse',
  async (t) => {
    const { url } = await startTestGateway(t, kMockYaml);
    const reply = await post(`${url}/v1/chat/completions`, {
      model: 'chat-mock',
      messages: kMessages,
    });
    t.equal(reply.status, 200);
    check(t, kSchemas.chatCompletion, json(reply), 'body');
  },
);

t.test(
  'every chunk of a mock chat stream matches the stream schema',
  async (t) => {
    const { url } = await startTestGateway(t, kMockYaml);
    const res = await postStream(`${url}/v1/chat/completions`, {
      model: 'chat-mock',
      messages: kMessages,
      stream: true,
      stream_options: { include_usage: true },
    });
    t.equal(res.status, 200);
    const list = chunks(t, res.data);
    t.ok(list.length >= 5, 'four content chunks and a usage chunk');
    list.forEach((c, i) => check(t, kSchemas.chatCompletionChunk, c, `#${i}`));
  },
);

t.test(
  'an upstream chat answer relayed as JSON and as a stream matches',
  async (t) => {
    const up = await startUpstream(t, { chunks: 3 });
    const { url } = await startTestGateway(t, upstreamConfig([up.url]));
    const body = { model: 'test-model', messages: kMessages };
    const reply = await post(`${url}/v1/chat/completions`, body);
    check(t, kSchemas.chatCompletion, json(reply), 'JSON body');
    const res = await postStream(`${url}/v1/chat/completions`, {
      ...body,
      stream: true,
    });
    const list = chunks(t, res.data);
    t.equal(list.length, 3, 'three chunks, usage stripped');
    list.forEach((c, i) => check(t, kSchemas.chatCompletionChunk, c, `#${i}`));
  },
);

t.test('GET /v1/models matches ListModelsResponse', async (t) => {
  const { url } = await startTestGateway(t, kMockYaml);
  const reply = await get(`${url}/v1/models`);
  t.equal(reply.status, 200);
  const body = json(reply);
  check(t, kSchemas.listModels, body, 'body');
  const ids = (body as { data: Array<{ id: string }> }).data.map((m) => m.id);
  t.same(ids.sort(), ['chat-mock', 'embed-mock']);
});

t.test('a mock text completion matches CreateCompletionResponse', async (t) => {
  const { url } = await startTestGateway(t, kMockYaml);
  const reply = await post(`${url}/v1/completions`, {
    model: 'chat-mock',
    prompt: 'Once upon a time',
  });
  t.equal(reply.status, 200);
  check(t, kSchemas.completion, json(reply), 'body');
});

t.test('mock embeddings match CreateEmbeddingResponse', async (t) => {
  const { url } = await startTestGateway(t, kMockYaml);
  const reply = await post(`${url}/v1/embeddings`, {
    model: 'embed-mock',
    input: ['first text', 'second text'],
  });
  t.equal(reply.status, 200);
  const body = json(reply);
  check(t, kSchemas.embedding, body, 'body');
  t.equal((body as { data: unknown[] }).data.length, 2, 'one per input');
});
