/**
 * The gateway as a user starts it (`node dist/src/main.js` with the
 * default config/gateway.yaml) driven by the official `openai` client.
 */
import t from 'tap';
import OpenAI from 'openai';
import { spawnGateway, waitReady } from '../helpers/process.js';

const gw = await spawnGateway(t);
await waitReady(gw);
const client = new OpenAI({
  baseURL: `${gw.url}/v1`,
  apiKey: 'unused-on-loopback',
  maxRetries: 0,
  timeout: 10_000,
});
const kMessages = [{ role: 'user' as const, content: 'Say hello.' }];

t.test('the openai client gets a chat completion', async (t) => {
  const res = await client.chat.completions.create({
    model: 'gpt-4o-mini',
    messages: kMessages,
  });
  t.equal(res.object, 'chat.completion');
  t.equal(res.choices[0]?.message.role, 'assistant');
  t.ok((res.choices[0]?.message.content ?? '').length > 0, 'has text');
  t.equal(res.choices[0]?.finish_reason, 'stop');
  t.ok((res.usage?.total_tokens ?? 0) > 0, 'usage is reported');
});

t.test(
  'the openai client streams a chat completion chunk by chunk',
  async (t) => {
    const stream = await client.chat.completions.create({
      model: 'gpt-4o-mini',
      messages: kMessages,
      stream: true,
      stream_options: { include_usage: true },
    });
    let text = '';
    let chunks = 0;
    let usage = 0;
    for await (const chunk of stream) {
      chunks++;
      text += chunk.choices[0]?.delta.content ?? '';
      usage = chunk.usage?.total_tokens ?? usage;
    }
    // config/gateway.yaml: mock_chunks 8, then the usage chunk.
    t.equal(chunks, 9);
    t.ok(text.length > 0, 'the deltas carry text');
    t.ok(usage > 0, 'the last chunk carries usage');
  },
);

t.test('the openai client lists the configured models', async (t) => {
  const ids: string[] = [];
  for await (const model of client.models.list()) ids.push(model.id);
  t.ok(ids.includes('gpt-4o-mini'));
  t.ok(ids.includes('text-embedding-3-small'));
  t.equal(new Set(ids).size, ids.length, 'each model group once');
});
