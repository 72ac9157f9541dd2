/**
 * RELIABILITY.md rows 11-13, the limits at the socket: oversized bodies
 * cost no memory past the limit; headers uWS hands over but that sum
 * past `max_header_bytes` are answered 431 and closed, while header
 * blocks uWS will not take (over 4 KiB across reads, over 48 fields) are
 * never served nor answered, and the process serves on
 * (docs/reliability.md has the measured limits); slowloris clients,
 * dribbling a head or a body, are closed by uWS's idle timeout (10 s)
 * without touching other traffic, and a body that never completes gives
 * its admission slot back.
 */
import { connect } from 'node:net';
import fc from 'fast-check';
import t from 'tap';
import { setTimeout as sleep } from 'node:timers/promises';
import { post } from '../../helpers/http.js';
import { kSchemas } from '../../helpers/openai-schema.js';
import { startUpstream } from '../../helpers/upstream.js';
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

const kClose = 'Connection: close\r\n';
const kOk = /^HTTP\/1\.1 200 /;
const inPieces = (s: string) => s.match(/[^]{1,1024}/g) ?? [];

/** A liveness GET of exactly `bytes`, padded by one long header. */
function headOf(bytes: number): string {
  const top = `GET /health/liveness HTTP/1.1\r\nHost: x\r\n${kClose}X-Big: `;
  return `${top}${'a'.repeat(bytes - top.length - 4)}\r\n\r\n`;
}

/** A liveness GET with `fields` header fields in all. */
function headWith(fields: number): string {
  const extra = Array.from({ length: fields - 2 }, (_, i) => `X-H${i}: v`);
  const lines = ['Host: x', kClose.trimEnd(), ...extra];
  return `GET /health/liveness HTTP/1.1\r\n${lines.join('\r\n')}\r\n\r\n`;
}

// Measured with @trufflesuite/uws-js-unofficial 20.30 (the latest on
// npm): it never answers 400 or 431 and reads no UWS_HTTP_* variable.
t.test('a head arriving in pieces is cut off past 4 KiB', async (t) => {
  const { gw } = await gateway(t);
  const [small, big] = await Promise.all([
    dribble(gw.port, inPieces(headOf(4096)), 20),
    dribble(gw.port, inPieces(headOf(8192)), 20),
  ]);
  t.match(small.text, kOk, '4 KiB in 1 KiB pieces: served');
  // TODO(#6): RELIABILITY.md row 12 wants a 431/400 here.
  t.equal(big.text, '', '8 KiB in 1 KiB pieces: no answer at all');
  t.ok(big.closedByServer, 'the connection closed at once');
});

/** Status, headers (lower-cased names) and body of a raw answer. */
function answer(text: string) {
  const [head = '', body = ''] = text.split('\r\n\r\n', 2);
  const [line = '', ...fields] = head.split('\r\n');
  const headers = new Map(
    fields.map((f) => {
      const i = f.indexOf(':');
      return [f.slice(0, i).toLowerCase(), f.slice(i + 1).trim()] as const;
    }),
  );
  return { status: Number(line.split(' ')[1]), headers, body };
}

t.test('a large head in one read is answered 431 and closed', async (t) => {
  const { up, gw, url } = await gateway(t);
  const body = JSON.stringify(chatBody());
  // 32 KiB in one write: uWS parses it; the gateway's 16 KiB default
  // refuses it before authentication, admission or the body.
  const top = `POST ${kChat} HTTP/1.1\r\nHost: x\r\n${kClose}X-Big: `;
  const pad = 'a'.repeat(32 * 1024 - top.length);
  const head = `${top}${pad}\r\nContent-Length: ${body.length}\r\n\r\n`;
  const one = await dribble(gw.port, [head + body], 20);
  const reply = answer(one.text);
  t.equal(reply.status, 431, 'a 32 KiB head in one write: 431');
  const parsed: unknown = JSON.parse(reply.body);
  t.ok(kSchemas.error(parsed), 'in the OpenAI error envelope');
  t.match(
    parsed,
    { error: { code: 'headers_too_large', param: null } },
    'code headers_too_large',
  );
  t.ok(reply.headers.get('x-request-id'), 'with x-request-id');
  t.ok(one.closedByServer, 'the connection closed');
  t.equal(up.seen.length, 0, 'no upstream call');
  const [row] = await settledRows(gw, 1);
  t.match(
    row,
    { status: 431, error_code: 'GW_ERR_HEADERS_TOO_LARGE' },
    'one 431 row, as for a 413',
  );
  t.equal(gw.services.state.inFlight, 0, 'no admission slot taken');

  // TODO(#6): past what uWS reads at once, the binary still decides.
  const huge = await dribble(gw.port, [headOf(2 ** 20)], 20);
  t.equal(huge.text, '', 'a 1 MiB head in one write: no answer');
  t.ok(huge.closedByServer, 'the connection closed');
  const after = await post(`${url}${kChat}`, chatBody());
  t.equal(after.status, 200, 'the process serves on');
});

/** A liveness GET whose header names and values sum to `total`. */
function headSumming(total: number, weights: readonly number[]): string {
  const fixed: Array<[string, string]> = [
    ['Host', 'x'],
    ['Connection', 'close'],
  ];
  const names = weights.map((_, i) => `X-F${i}`);
  let left = total;
  for (const [k, v] of fixed) left -= k.length + v.length;
  for (const n of names) left -= n.length;
  // Share what is left between the values, each at least one byte.
  const sum = weights.reduce((a, b) => a + b, 0);
  const sizes = weights.map(
    (w) => 1 + Math.floor(((left - names.length) * w) / sum),
  );
  sizes[0] = (sizes[0] ?? 0) + left - sizes.reduce((a, b) => a + b, 0);
  const fields = [
    ...fixed,
    ...names.map((n, i) => [n, 'v'.repeat(sizes[i] ?? 1)] as const),
  ];
  const lines = fields.map(([k, v]) => `${k}: ${v}\r\n`).join('');
  return `GET /health/liveness HTTP/1.1\r\n${lines}\r\n`;
}

t.test('heads are served up to max_header_bytes, 431 past it', async (t) => {
  const limit = 2048;
  const { gw } = await gateway(
    t,
    `routeiq_settings:\n  max_header_bytes: ${limit}\n`,
  );
  let served = 0;
  let refused = 0;
  await fc.assert(
    fc.asyncProperty(
      fc.oneof(
        fc.constantFrom(limit, limit + 1),
        fc.integer({ min: limit - 300, max: limit + 300 }),
      ),
      fc.array(fc.integer({ min: 1, max: 50 }), {
        minLength: 1,
        maxLength: 40,
      }),
      async (total, weights) => {
        const head = headSumming(total, weights);
        const { text } = await dribble(gw.port, [head], 5);
        const want = total <= limit ? 200 : 431;
        if (want === 200) served++;
        else refused++;
        return answer(text).status === want;
      },
    ),
    { numRuns: 40 },
  );
  t.ok(served > 0 && refused > 0, `${served} served, ${refused} refused`);
});

t.test('a head over 48 header fields is ignored until idle', async (t) => {
  const { gw, url } = await gateway(t);
  const [fits, over] = await Promise.all([
    dribble(gw.port, [headWith(48)], 20),
    dribble(gw.port, [headWith(49)], 20, 15_000),
  ]);
  t.match(fits.text, kOk, '48 fields: served');
  // TODO(#6): no answer; only uWS's idle timeout (10 s) closes it.
  t.equal(over.text, '', '49 fields: no answer');
  t.ok(over.closedByServer, 'closed by the server within 15 s');
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
