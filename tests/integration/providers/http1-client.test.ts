/**
 * The upstream HTTP/1.1 client against real servers on loopback:
 * keep-alive reuse, the keep-alive race, the connection cap, timeouts,
 * cancellation, backpressure and TLS.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { createServer as createTlsServer } from 'node:https';
import { createServer as createNetServer } from 'node:net';
import type { AddressInfo, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import t from 'tap';
import type { Test } from 'tap';
import { Cancellation } from '../../../src/providers/cancellation.js';
import { Exchange } from '../../../src/providers/http1/exchange.js';
import { OriginPool } from '../../../src/providers/http1/origin-pool.js';
import type { OriginOptions } from '../../../src/providers/http1/origin-pool.js';

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

async function listen(
  t: Test,
  server: Server | ReturnType<typeof createNetServer>,
) {
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  t.teardown(
    () =>
      new Promise<void>((r) => {
        if ('closeAllConnections' in server) server.closeAllConnections();
        server.close(() => r());
      }),
  );
  return (server.address() as AddressInfo).port;
}

/** A node:http server; counts the connections it accepted. */
async function httpServer(t: Test, handler: Handler) {
  const server = createServer(handler);
  const seen = { connections: 0, open: 0, peak: 0 };
  server.on('connection', (s: Socket) => {
    seen.connections += 1;
    seen.open += 1;
    seen.peak = Math.max(seen.peak, seen.open);
    s.on('close', () => (seen.open -= 1));
  });
  const port = await listen(t, server);
  return { port, seen };
}

function pool(t: Test, port: number, over: Partial<OriginOptions> = {}) {
  const p = new OriginPool({
    host: '127.0.0.1',
    port,
    tls: false,
    maxConnections: 8,
    connectTimeoutMs: 2000,
    keepAliveMs: 5000,
    ...over,
  });
  t.teardown(() => p.close());
  return p;
}

function request(body = '{}', path = '/v1/chat/completions'): string {
  return (
    `POST ${path} HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\n` +
    `content-length: ${Buffer.byteLength(body)}\r\n\r\n${body}`
  );
}

async function call(
  p: OriginPool,
  timeoutMs = 5000,
  cancel = new Cancellation(),
) {
  const ex = new Exchange(request(), timeoutMs, cancel);
  p.dispatch(ex);
  const head = await ex.head;
  return { head, ex, text: async () => (await ex.collect(1 << 24)).toString() };
}

t.test('sequential requests share one keep-alive socket', async (t) => {
  const { port, seen } = await httpServer(t, (_req, res) => res.end('ok'));
  const p = pool(t, port);
  for (let i = 0; i < 5; i += 1) {
    const r = await call(p);
    t.equal(r.head.statusCode, 200);
    t.equal(await r.text(), 'ok');
  }
  t.equal(seen.connections, 1, 'one connection for five requests');
});

t.test(
  'a socket closed by the server while idle is replaced once',
  async (t) => {
    // Answers the first request of each connection, hangs up on the second:
    // the keep-alive race as a client sees it.
    let connections = 0;
    const server = createNetServer((s) => {
      connections += 1;
      let requests = 0;
      s.on('data', () => {
        requests += 1;
        if (requests > 1) s.destroy();
        else s.write('HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\nok');
      });
    });
    const port = await listen(t, server);
    const p = pool(t, port);
    t.equal(await (await call(p)).text(), 'ok');
    const again = await call(p);
    t.equal(await again.text(), 'ok', 'the second request succeeds');
    t.equal(connections, 2, 'on a fresh connection');
  },
);

t.test('an answer with Connection: close is not reused', async (t) => {
  const { port, seen } = await httpServer(t, (_req, res) => {
    res.setHeader('connection', 'close');
    res.end('ok');
  });
  const p = pool(t, port);
  for (let i = 0; i < 3; i += 1) t.equal(await (await call(p)).text(), 'ok');
  t.equal(seen.connections, 3, 'a new connection per request');
});

t.test("idle sockets go before the server's keep-alive limit", async (t) => {
  const server = createServer((_req, res) => res.end('ok'));
  server.keepAliveTimeout = 3000; // announced as "keep-alive: timeout=3"
  let clientHungUp = false;
  // 'end' on the server's side: the client's FIN came first.
  server.on('connection', (s: Socket) =>
    s.on('end', () => (clientHungUp = true)),
  );
  const port = await listen(t, server);
  const p = pool(t, port, { keepAliveMs: 30_000 });
  t.equal(await (await call(p)).text(), 'ok');
  t.equal(p.connections, 1, 'kept after the answer');
  for (let i = 0; i < 100 && p.connections > 0; i += 1) await sleep(100);
  t.equal(p.connections, 0, 'the idle socket was closed');
  t.ok(clientHungUp, "by the client, inside the server's limit");
});

t.test('requests beyond the connection cap wait their turn', async (t) => {
  const { port, seen } = await httpServer(t, (_req, res) => {
    setTimeout(() => res.end('ok'), 30);
  });
  const p = pool(t, port, { maxConnections: 2 });
  const texts = await Promise.all(
    Array.from({ length: 6 }, async () => (await call(p)).text()),
  );
  t.same(texts, Array(6).fill('ok'));
  t.equal(seen.peak, 2, 'never more than two sockets at once');
  t.equal(p.connections, 2);
});

t.test(
  'an upstream that never answers times out waiting for the head',
  async (t) => {
    const { port } = await httpServer(t, () => undefined);
    const p = pool(t, port);
    await t.rejects(call(p, 200), { code: 'UPSTREAM_HEADERS_TIMEOUT' });
  },
);

t.test('a stream that stalls mid-body times out between bytes', async (t) => {
  const { port } = await httpServer(t, (_req, res) => {
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    res.write('data: 1\n\n');
  });
  const p = pool(t, port);
  const r = await call(p, 200);
  const chunks: string[] = [];
  await t.rejects(
    (async () => {
      for await (const c of r.ex.body()) chunks.push(c.toString());
    })(),
    { code: 'UPSTREAM_BODY_TIMEOUT' },
  );
  t.same(chunks, ['data: 1\n\n'], 'what came before the stall was read');
});

t.test('cancelling mid-stream closes the upstream socket', async (t) => {
  let closed: Promise<void> = Promise.resolve();
  const { port } = await httpServer(t, (req, res) => {
    closed = new Promise((r) => req.socket.once('close', () => r()));
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    res.write('data: 1\n\n');
  });
  const p = pool(t, port);
  const cancel = new Cancellation();
  const r = await call(p, 5000, cancel);
  const it = r.ex.body()[Symbol.asyncIterator]();
  t.equal(String((await it.next()).value), 'data: 1\n\n');
  cancel.cancel();
  await closed;
  await t.rejects(it.next(), { name: 'AbortError' });
  t.equal(p.connections, 0, 'the socket is not kept');
});

t.test('a consumer that stops reading stops the socket', async (t) => {
  let blocked = false;
  const { port } = await httpServer(t, (_req, res) => {
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    const chunk = Buffer.alloc(64 * 1024, 'a');
    let left = 1024; // 64 MiB in all
    const pump = (): void => {
      while (left > 0) {
        left -= 1;
        if (!res.write(chunk)) {
          blocked = true;
          res.once('drain', pump);
          return;
        }
      }
      res.end();
    };
    pump();
  });
  const p = pool(t, port);
  const r = await call(p);
  const it = r.ex.body()[Symbol.asyncIterator]();
  const first = await it.next();
  await sleep(300); // read nothing meanwhile
  t.ok(blocked, 'the server had to wait for the client');
  let bytes = first.done === true ? 0 : first.value.length;
  for (let n = await it.next(); n.done !== true; n = await it.next()) {
    bytes += n.value.length;
  }
  t.equal(bytes, 64 * 1024 * 1024, 'the rest arrives once read');
});

t.test('https upstreams are reached over TLS', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'riq-tls-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  const key = join(dir, 'key.pem');
  const cert = join(dir, 'cert.pem');
  await promisify(execFile)('openssl', [
    'req',
    '-x509',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-days',
    '1',
    '-subj',
    '/CN=localhost',
    '-addext',
    'subjectAltName=DNS:localhost',
    '-keyout',
    key,
    '-out',
    cert,
  ]);
  const pem = await readFile(cert, 'utf8');
  const server = createTlsServer(
    { key: await readFile(key), cert: pem },
    (req, res) => res.end(`tls ${req.socket.constructor.name}`),
  );
  const port = await listen(t, server);
  const p = pool(t, port, { host: 'localhost', tls: true, ca: pem });
  const r = await call(p);
  t.equal(r.head.statusCode, 200);
  t.equal(await r.text(), 'tls TLSSocket');

  const untrusted = pool(t, port, { host: 'localhost', tls: true });
  await t.rejects(call(untrusted), 'an unknown CA is refused');
});
