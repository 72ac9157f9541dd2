/**
 * RELIABILITY.md rows 11-13, the limits at the socket: oversized bodies
 * cost no memory past the limit; header blocks uWS will not take (more
 * than it buffers across reads, or too many lines) are refused and the
 * process serves on; slowloris clients, dribbling a head or a body, are
 * closed by uWS's idle timeout (10 s) without touching other traffic,
 * and a body that never completes gives its admission slot back.
 */
import { connect } from 'node:net';
import t from 'tap';
import { setTimeout as sleep } from 'node:timers/promises';
import { post } from '../../helpers/http.js';
import { startUpstream } from '../../helpers/upstream.js';
import {
  chatBody,
  deployment,
  gatewayYaml,
  kChat,
  settledRows,
  startChecked,
  storeCounters,
  until,
  watchSuite,
} from './harness.js';

watchSuite(t);

/**
 * Write `parts` with a pause between, then wait up to `waitMs` more;
 * resolve with what came back and whether the server closed first.
 */
function dribble(
  port: number,
  parts: readonly string[],
  gapMs: number,
  waitMs = 2000,
): Promise<{ text: string; closedByServer: boolean }> {
  return new Promise((resolve) => {
    const s = connect(port, '127.0.0.1');
    let text = '';
    let ours = false;
    let i = 0;
    const timer = setInterval(() => {
      if (i < parts.length) s.write(parts[i++] as string);
    }, gapMs);
    const giveUp = setTimeout(
      () => {
        ours = true;
        s.destroy();
      },
      gapMs * (parts.length + 1) + waitMs,
    );
    s.on('data', (d: Buffer) => (text += d.toString('latin1')));
    s.on('error', () => undefined);
    s.on('close', () => {
      clearInterval(timer);
      clearTimeout(giveUp);
      resolve({ text, closedByServer: !ours });
    });
  });
}

async function gateway(t: Parameters<typeof startChecked>[0], extra = '') {
  const up = await startUpstream(t);
  const started = await startChecked(
    t,
    gatewayYaml([deployment('test-model', up.url, 'dep-0')], extra),
  );
  return { up, ...started };
}

t.test('oversized chunked bodies leave memory flat', async (t) => {
  const { up, gw } = await gateway(
    t,
    'routeiq_settings:\n  max_body_bytes: 65536\n',
  );
  // 40 bodies of 4 MiB each (160 MiB offered), refused at 64 KiB.
  const piece = Buffer.alloc(64 * 1024, 'x');
  const chunk = Buffer.concat([
    Buffer.from(`${piece.length.toString(16)}\r\n`),
    piece,
    Buffer.from('\r\n'),
  ]);
  const rss = process.memoryUsage().rss;
  for (let i = 0; i < 40; i++) {
    const s = connect(gw.port, '127.0.0.1');
    s.on('error', () => undefined);
    let head = '';
    s.on('data', (d: Buffer) => (head += d.toString('latin1')));
    s.write(
      `POST ${kChat} HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n`,
    );
    const closed = new Promise((r) => s.once('close', r));
    for (let j = 0; j < 64 && !s.destroyed; j++) {
      if (s.write(chunk)) continue;
      await Promise.race([new Promise((r) => s.once('drain', r)), closed]);
    }
    await closed;
    t.match(head, /^HTTP\/1\.1 413 /, `body ${i}: 413, connection closed`);
  }
  const growth = process.memoryUsage().rss - rss;
  t.ok(growth < 64 * 2 ** 20, `RSS grew ${Math.round(growth / 2 ** 20)} MiB`);
  t.equal(up.seen.length, 0, 'no upstream call');
  const rows = await settledRows(gw, 40);
  t.ok(
    rows.every((r) => r['status'] === 413),
    'one 413 row each',
  );
});

t.test('header blocks uWS will not take are never served', async (t) => {
  const { gw, url } = await gateway(t);
  const body = JSON.stringify(chatBody());
  const head = `POST ${kChat} HTTP/1.1\r\nHost: x\r\nContent-Length: ${body.length}\r\n`;
  // More than uWS buffers (4 KiB) while a head arrives in pieces.
  const big = [head, 'X-Big: ', ...Array(8).fill('a'.repeat(1024)), '\r\n\r\n'];
  // More than uWS's 50 header lines: ignored until its idle timeout.
  const many = Array.from({ length: 80 }, (_, i) => `X-H${i}: v\r\n`);
  const [pieces, lines] = await Promise.all([
    dribble(gw.port, big, 20),
    dribble(gw.port, [head + many.join('') + '\r\n' + body], 20, 15_000),
  ]);
  t.equal(pieces.text, '', 'an 8 KiB head in pieces: no answer');
  t.ok(pieces.closedByServer, 'and the connection closed');
  t.equal(lines.text, '', '80 header lines: no answer');
  t.ok(lines.closedByServer, 'and the connection closed');
  t.equal(storeCounters(gw).enqueued, 0, 'neither reached a route');
  const after = await post(`${url}${kChat}`, chatBody());
  t.equal(after.status, 200, 'the process serves on');
});

t.test(
  'slowloris heads and bodies are closed while others are served',
  async (t) => {
    const { gw, url } = await gateway(t);
    const body = JSON.stringify(chatBody());
    // A head, one byte every 500 ms, for 15 s: longer than uWS allows.
    const head = `POST ${kChat} HTTP/1.1\r\nHost: x\r\nX-Slow: `.split('');
    const heads = Array.from({ length: 10 }, () =>
      dribble(gw.port, [...head, ...'x'.repeat(30)], 500),
    );
    // A whole head, then the body a byte at a time.
    const start = `POST ${kChat} HTTP/1.1\r\nHost: x\r\nContent-Length: ${body.length}\r\n\r\n`;
    const bodies = Array.from({ length: 4 }, () =>
      dribble(gw.port, [start, ...body.slice(0, 30).split('')], 500),
    );
    await until(() => gw.services.state.inFlight === 4, 'bodies admitted');
    for (let i = 0; i < 5; i++) {
      const reply = await post(`${url}${kChat}`, chatBody());
      t.equal(reply.status, 200, `request ${i} during the attack`);
      await sleep(200);
    }
    for (const r of await Promise.all([...heads, ...bodies])) {
      t.ok(r.closedByServer, 'closed by the server before it finished');
    }
    await until(() => gw.services.state.inFlight === 0, 'slots released');
    const rows = await settledRows(gw, 9);
    const cut = rows.filter((r) => r['outcome'] === 'client_aborted');
    t.equal(cut.length, 4, 'each slow body is one client_aborted row');
  },
);
