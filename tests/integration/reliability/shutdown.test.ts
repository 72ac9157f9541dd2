/**
 * RELIABILITY.md row 19, on the built gateway as a process: on SIGTERM
 * readiness fails and the listener closes, streams in flight finish,
 * one that outlives `drain_timeout_ms` is cut at the deadline, and
 * before exiting 0 the request log and the spans are flushed, the cut
 * stream included. (tests/smoke/graceful-shutdown.test.ts shows the
 * plain drain; store-gateway/replicas.test.ts the log flush alone.)
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import t from 'tap';
import { request } from 'undici';
import { sseData } from '../../helpers/http.js';
import { startOtlpReceiver } from '../../helpers/otlp-receiver.js';
import { spawnGateway, waitReady } from '../../helpers/process.js';
import { startUpstream } from '../../helpers/upstream.js';
import {
  chatBody,
  deployment,
  gatewayYaml,
  kChat,
  until,
  watchSuite,
} from './harness.js';

watchSuite(t);

/** Whether a new TCP connection to `port` is accepted. */
function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect(port, '127.0.0.1');
    s.once('connect', () => (s.destroy(), resolve(true)));
    s.once('error', () => resolve(false));
  });
}

async function openStream(url: string) {
  const res = await request(`${url}${kChat}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(chatBody({ stream: true })),
  });
  const it = res.body[Symbol.asyncIterator]();
  await it.next();
  return {
    id: String(res.headers['x-request-id']),
    rest: sseData({ [Symbol.asyncIterator]: () => it }).catch(() => ['cut']),
  };
}

t.test(
  'SIGTERM drains, cuts what outlives the deadline, flushes, exits 0',
  async (t) => {
    const dir = mkdtempSync(join(tmpdir(), 'routeiq-shutdown-'));
    t.teardown(() => rmSync(dir, { recursive: true, force: true }));
    const rx = await startOtlpReceiver(t);
    const short = { chunks: 10, chunkIntervalMs: 100 };
    const up = await startUpstream(t);
    // The fourth stream would take 20 s: past the 2 s drain deadline.
    up.script.push(short, short, short, { chunks: 200, chunkIntervalMs: 100 });
    const config = join(dir, 'gateway.yaml');
    writeFileSync(
      config,
      gatewayYaml(
        [deployment('test-model', up.url, 'dep-0')],
        'routeiq_settings:\n  drain_timeout_ms: 2000\n',
      ),
    );
    const db = join(dir, 'log.db');
    const gw = await spawnGateway(t, ['--config', config], {
      DATABASE_URL: db,
      OTEL_EXPORTER_OTLP_ENDPOINT: rx.endpoint,
    });
    await waitReady(gw);
    const streams = [];
    for (let i = 0; i < 4; i++) streams.push(await openStream(gw.url));

    gw.child.kill('SIGTERM');
    await until(async () => !(await accepts(gw.port)), 'listener closed');
    const ends = await Promise.all(streams.map((s) => s.rest));
    for (const end of ends.slice(0, 3)) {
      t.equal(end.at(-1), '[DONE]', 'a stream in flight finished');
    }
    t.not(ends[3]?.at(-1), '[DONE]', 'the long one was cut');
    t.equal(await gw.exited, 0, 'exit 0');

    const rows = new Database(db, { readonly: true })
      .prepare('SELECT request_id, outcome FROM request_log')
      .all() as Array<{ request_id: string; outcome: string }>;
    const outcome = new Map(rows.map((r) => [r.request_id, r.outcome]));
    const ids = streams.map((s) => s.id);
    t.same(
      ids.map((id) => outcome.get(id)),
      ['ok', 'ok', 'ok', 'client_aborted'],
      'every row written before exit',
    );
    const servers = new Set(
      rx.spans
        .filter((s) => s.kind === 2)
        .map((s) => s.attributes['routeiq.request_id']),
    );
    t.ok(
      ids.every((id) => servers.has(id)),
      'every span exported before exit',
    );
  },
);
