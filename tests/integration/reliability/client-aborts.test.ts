/**
 * RELIABILITY.md row 4: a client that leaves at any point (mid-upload,
 * before the answer's headers, waiting for the first token, mid-stream,
 * during a retry wait) stops the upstream call at once, releases every
 * slot and leaves one `client_aborted` row; the gateway writes nothing
 * after the abort (uWS would throw on it and fail the run).
 */
import fc from 'fast-check';
import t from 'tap';
import { setTimeout as sleep } from 'node:timers/promises';
import { startUpstream } from '../../helpers/upstream.js';
import type { SeenRequest } from '../../helpers/upstream.js';
import {
  chatBody,
  deployment,
  gatewayYaml,
  kChat,
  logRows,
  settledRows,
  startChecked,
  storeCounters,
  until,
  watchSuite,
} from './harness.js';
import { rawPost } from './raw-client.js';

watchSuite(t);

/** The answer is complete on the client's side. */
function complete(text: string, stream: boolean): boolean {
  return stream ? text.includes('data: [DONE]') : text.includes('"usage"');
}

t.test(
  'a client leaving at any moment stops the upstream and leaves one row',
  async (t) => {
    // Body 30 ms after the head, first byte after 80 ms, then 5 chunks
    // 40 ms apart: abort points cover every phase of a request.
    const up = await startUpstream(t, {
      headerDelayMs: 80,
      chunks: 5,
      chunkIntervalMs: 40,
    });
    const { gw } = await startChecked(
      t,
      gatewayYaml([deployment('test-model', up.url, 'dep-0')]),
    );
    let runs = 0;
    const seen = new Set<string>();
    const point = fc.record({
      stream: fc.boolean(),
      abortMs: fc.integer({ min: 0, max: 400 }),
    });
    await fc.assert(
      fc.asyncProperty(point, async ({ stream, abortMs }) => {
        const seenBefore = up.seen.length;
        const body = JSON.stringify(chatBody({ stream }));
        const c = rawPost(gw.port, kChat, body, { bodyDelayMs: 30 });
        // From when the head is out: a socket never connected sent nothing.
        await c.sent;
        await sleep(abortMs);
        const upstream: SeenRequest | undefined = up.seen[seenBefore];
        // Certain: the upstream has a whole chunk interval or more to go,
        // so the gateway cannot have finished before it sees the abort.
        const certain =
          !complete(c.text(), stream) &&
          (upstream === undefined ||
            (stream
              ? upstream.chunksSent < 4
              : performance.now() - upstream.receivedAt < 60));
        c.socket.destroy();
        runs++;

        await until(() => storeCounters(gw).enqueued >= runs, 'a row');
        const rows = await settledRows(gw, runs);
        t.equal(rows.length, runs, `${abortMs} ms: exactly one row`);
        await until(() => gw.services.state.inFlight === 0, 'slot free');
        if (upstream !== undefined) {
          await until(
            () => upstream.finished || upstream.closedEarly,
            'the upstream call ended',
          );
        }
        if (certain) {
          const row = rows.find((r) => !seen.has(String(r['request_id'])));
          t.equal(row?.['outcome'], 'client_aborted', `${abortMs} ms`);
          t.notOk(up.seen[seenBefore]?.finished, 'the upstream was cut off');
        }
        for (const r of rows) seen.add(String(r['request_id']));
      }),
      { numRuns: 12 },
    );
    t.equal(logRows(gw).length, runs, 'no row appeared late');
  },
);

t.test('a client gone mid-upload frees its slot at once', async (t) => {
  const up = await startUpstream(t);
  const { gw } = await startChecked(
    t,
    gatewayYaml([deployment('test-model', up.url, 'dep-0')]),
  );
  const body = JSON.stringify(chatBody());
  const c = rawPost(gw.port, kChat, body, { bodyBytes: 10 });
  await until(() => gw.services.state.inFlight === 1, 'admitted');
  c.socket.destroy();
  await until(() => gw.services.state.inFlight === 0, 'slot released');
  const [row] = await settledRows(gw, 1);
  t.equal(row?.['outcome'], 'client_aborted');
  t.equal(up.seen.length, 0, 'no upstream call');
});

t.test('a client gone during a retry wait is let go at once', async (t) => {
  const up = await startUpstream(t);
  up.script.push({ status: 429, retryAfter: '5' });
  const { gw } = await startChecked(
    t,
    gatewayYaml(
      [deployment('test-model', up.url, 'dep-0')],
      'router_settings:\n  num_retries: 1\n',
    ),
  );
  const c = rawPost(gw.port, kChat, JSON.stringify(chatBody()));
  await up.waitFor(1);
  c.socket.destroy();
  // Well inside the 5 s wait: the abort, not the timer, ended it.
  await until(() => gw.services.state.inFlight === 0, 'slot released', 2000);
  const [row] = await settledRows(gw, 1);
  t.equal(row?.['outcome'], 'client_aborted');
  t.equal(up.seen.length, 1, 'no retry for a client that left');
});
