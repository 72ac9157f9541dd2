/**
 * RELIABILITY.md row 5: a client that reads slowly gets backpressure,
 * not buffering (the gateway stops reading the upstream while the
 * client's socket is full, and resumes when it drains); a client that
 * stops reading is disconnected after the stall limit; other requests
 * go on meanwhile.
 */
import t from 'tap';
import { setTimeout as sleep } from 'node:timers/promises';
import { post } from '../../helpers/http.js';
import { startUpstream } from '../../helpers/upstream.js';
import type { TestUpstream } from '../../helpers/upstream.js';
import {
  chatBody,
  deployment,
  gatewayYaml,
  kChat,
  settledRows,
  startChecked,
  until,
  watchSuite,
} from './harness.js';
import { rawPost } from './raw-client.js';

watchSuite(t);

// 400 chunks of 64 KiB: 26 MiB, far past every socket buffer on the way.
const kChunks = 400;
const kBig = { chunks: kChunks, chunkBytes: 64 * 1024 };

/** Wait until the upstream has sent nothing new for `quietMs`. */
async function heldBack(up: TestUpstream, quietMs: number): Promise<number> {
  let last = -1;
  for (;;) {
    const now = up.seen[0]?.chunksSent ?? 0;
    if (now === last) return now;
    last = now;
    await sleep(quietMs);
  }
}

function config(upstream: string, settings: string) {
  return gatewayYaml(
    [deployment('test-model', upstream, 'dep-0', ['stream_timeout: 1'])],
    `routeiq_settings:\n${settings}`,
  );
}

t.test(
  'a client that stops reading holds the upstream back, then gets it all',
  async (t) => {
    const up = await startUpstream(t, kBig);
    const { gw } = await startChecked(
      t,
      config(up.url, '  stream_stall_timeout_ms: 20000\n'),
    );
    const body = JSON.stringify(chatBody({ stream: true }));
    const c = rawPost(gw.port, kChat, body, {
      paused: true,
      count: '"chat.completion.chunk"',
    });
    await up.waitFor(1);
    const sent = await heldBack(up, 300);
    t.ok(sent < kChunks, `the upstream stopped at ${sent} of ${kChunks}`);
    // Past stream_timeout and undici's timer tick: paused is not idle.
    await sleep(2500);
    c.socket.resume();
    await until(() => c.tail().includes('data: [DONE]'), 'the end', 20_000);
    t.equal(c.counted(), kChunks, 'every chunk arrived');
    t.notMatch(c.tail(), /"error"/, 'no error frame at the end');
    c.socket.destroy();
    const [row] = await settledRows(gw, 1);
    t.equal(row?.['outcome'], 'ok');
  },
);

t.test(
  'a client that never reads is cut off at the stall limit, others go on',
  async (t) => {
    const up = await startUpstream(t, kBig);
    const { gw, url } = await startChecked(
      t,
      config(up.url, '  stream_stall_timeout_ms: 300\n'),
    );
    const body = JSON.stringify(chatBody({ stream: true }));
    const stuck = rawPost(gw.port, kChat, body, { paused: true });
    await up.waitFor(1);
    const other = await post(`${url}${kChat}`, chatBody());
    t.equal(other.status, 200, 'another request is served meanwhile');
    await until(() => up.seen[0]?.closedEarly === true, 'upstream aborted');
    const rows = await settledRows(gw, 2);
    // A paused socket sees no FIN: read what was buffered, then the end.
    stuck.socket.resume();
    await stuck.closed;
    t.notMatch(stuck.tail(), /data: \[DONE\]/, 'the stream was cut short');
    const cut = rows.find((r) => r['outcome'] !== 'ok');
    t.match(cut, {
      outcome: 'client_aborted',
      error_code: 'GW_ERR_STREAM_STALLED',
    });
  },
);
