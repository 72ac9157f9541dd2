/**
 * One trace from ingress through worker threads, upstream and database,
 * across two gateway replicas sharing one PostgreSQL (issue #4).
 */
import { randomBytes } from 'node:crypto';
import t from 'tap';
import { request } from 'undici';
import { startOtlpReceiver } from '../../helpers/otlp-receiver.js';
import type { ReceivedSpan } from '../../helpers/otlp-receiver.js';
import { startPostgres } from '../../helpers/postgres.js';
import { startUpstream } from '../../helpers/upstream.js';
import {
  configFile,
  replicaConfig,
  startIngress,
  startReplica,
} from './harness.js';

const kServer = 2;
const kClient = 3;

const prompts = [
  'What is 17 * 23? Show your working.',
  'Write a Python function that reverses a linked list.',
  'Which planet is known as the Red Planet?\nA. Venus\nB. Mars\nC. Jupiter',
  'Summarise the causes of the First World War in two sentences.',
];

t.test(
  'every request is one trace across threads, upstream, DB and replicas',
  async (t) => {
    const pg = await startPostgres();
    t.teardown(() => pg.teardown());
    const db = await pg.createDatabase();
    const rx = await startOtlpReceiver(t);
    const up = await startUpstream(t, { chunks: 3 });
    const yaml = configFile(replicaConfig(up.url));
    const a = await startReplica(t, 'replica-a', yaml, rx.endpoint, db);
    const b = await startReplica(t, 'replica-b', yaml, rx.endpoint, db);
    const ingress = await startIngress(t, [a.url, b.url]);

    // One client session: one trace id, a new client span per request.
    const session = randomBytes(16).toString('hex');
    for (const [i, content] of prompts.entries()) {
      const res = await request(`${ingress.url}/v1/chat/completions`, {
        method: 'POST',
        headers: {
          traceparent: `00-${session}-${randomBytes(8).toString('hex')}-01`,
        },
        body: JSON.stringify({
          model: 'auto',
          stream: i % 2 === 0,
          messages: [{ role: 'user', content }],
        }),
      });
      t.equal(res.statusCode, 200);
      await res.body.text();
    }
    const byName = (s: ReceivedSpan[], n: string) =>
      s.filter((x) => x.name === n);
    await rx.waitFor(
      (s) => byName(s, 'INSERT request_log').length >= prompts.length,
      20_000,
    );

    for (const [i, hop] of ingress.spans.entries()) {
      const spans = rx.spans.filter((s) => s.traceId === session);
      const server = spans.find(
        (s) => s.kind === kServer && s.parentSpanId === hop.spanId,
      );
      t.ok(server, `request ${i}: SERVER span under the ingress span`);
      const under = (p: string) => spans.filter((s) => s.parentSpanId === p);
      const routing = under(server?.spanId ?? '').find(
        (s) => s.name === 'router.route',
      );
      t.equal(
        routing?.attributes['router.strategy'],
        'knn',
        `request ${i}: routed by knn`,
      );
      const worker = under(routing?.spanId ?? '').find(
        (s) => s.name === 'router.inference',
      );
      t.ok(worker, `request ${i}: worker span is a child of the routing span`);
      t.not(
        worker?.attributes['thread.id'],
        0,
        'the worker span reports another thread',
      );
      const client = under(server?.spanId ?? '').find(
        (s) => s.kind === kClient && s.name.startsWith('chat '),
      );
      const seen = up.seen.map((r) => String(r.headers['traceparent']));
      t.ok(
        seen.includes(`00-${session}-${client?.spanId}-01`),
        `request ${i}: upstream parent is the CLIENT span`,
      );
      const dbSpan = under(server?.spanId ?? '').find(
        (s) => s.name === 'INSERT request_log',
      );
      t.equal(
        dbSpan?.attributes['db.system'],
        'postgresql',
        `request ${i}: DB write in the trace`,
      );
    }
    const instances = new Set(
      rx.spans
        .filter((s) => s.traceId === session && s.kind === kServer)
        .map((s) => s.resource['service.instance.id']),
    );
    t.same(
      [...instances].sort(),
      ['replica-a', 'replica-b'],
      'the session spans both replicas',
    );
  },
);

t.test('a request chained through two replicas stays one trace', async (t) => {
  const pg = await startPostgres();
  t.teardown(() => pg.teardown());
  const db = await pg.createDatabase();
  const rx = await startOtlpReceiver(t);
  const up = await startUpstream(t, { chunks: 3 });
  const b = await startReplica(
    t,
    'replica-b',
    configFile(replicaConfig(up.url)),
    rx.endpoint,
    db,
  );
  const chain = `  - model_name: via-b
    litellm_params:
      model: openai/auto
      api_base: ${b.url}/v1`;
  const a = await startReplica(
    t,
    'replica-a',
    configFile(replicaConfig(up.url, chain)),
    rx.endpoint,
    db,
  );

  const res = await request(`${a.url}/v1/chat/completions`, {
    method: 'POST',
    body: JSON.stringify({
      model: 'via-b',
      messages: [{ role: 'user', content: 'What is 2 + 2?' }],
    }),
  });
  t.equal(res.statusCode, 200);
  await res.body.text();
  // Health checks make SERVER spans too: look at the chat requests only.
  const chats = (s: ReceivedSpan[]) =>
    s.filter(
      (x) => x.kind === kServer && x.name === 'POST /v1/chat/completions',
    );
  await rx.waitFor((s) => chats(s).length >= 2, 20_000);
  const servers = chats(rx.spans);
  const onA = servers.find(
    (s) => s.resource['service.instance.id'] === 'replica-a',
  );
  const onB = servers.find(
    (s) => s.resource['service.instance.id'] === 'replica-b',
  );
  t.equal(onB?.traceId, onA?.traceId, 'both replicas in one trace');
  const clientA = rx.spans.find(
    (s) =>
      s.kind === kClient &&
      s.resource['service.instance.id'] === 'replica-a' &&
      s.name.startsWith('chat '),
  );
  t.equal(
    onB?.parentSpanId,
    clientA?.spanId,
    "B's SERVER span is the child of A's CLIENT span",
  );
  t.match(
    String(up.seen[0]?.headers['traceparent']),
    new RegExp(`^00-${onA?.traceId}-`),
  );
});
