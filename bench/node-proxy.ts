/**
 * The floor every gateway should beat: a plain `node:http` server that
 * forwards each request to the upstream through an undici Pool and pipes
 * the answer back, with no parsing, routing or telemetry. Written the
 * way most people would write one, not tuned.
 *
 *   node dist/bench/node-proxy.js --upstream http://127.0.0.1:PORT
 */
import { createServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { once } from 'node:events';
import { parseArgs } from 'node:util';
import { Pool } from 'undici';

async function readAll(req: IncomingMessage): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const chunk of req) parts.push(chunk as Buffer);
  return Buffer.concat(parts);
}

function handler(pool: Pool) {
  return async (req: IncomingMessage, res: ServerResponse) => {
    try {
      const body = await readAll(req);
      const up = await pool.request({
        method: 'POST',
        path: req.url ?? '/',
        headers: { 'content-type': 'application/json' },
        body,
      });
      const type = up.headers['content-type'] ?? 'application/json';
      res.writeHead(up.statusCode, { 'content-type': type });
      for await (const chunk of up.body) {
        if (!res.write(chunk)) await once(res, 'drain');
      }
      res.end();
    } catch {
      if (!res.headersSent) res.writeHead(502);
      res.end();
    }
  };
}

function main(): void {
  const { values } = parseArgs({
    options: {
      upstream: { type: 'string' },
      port: { type: 'string', default: '0' },
    },
  });
  if (values.upstream === undefined) throw new Error('--upstream is needed');
  const pool = new Pool(values.upstream, {
    connections: 256,
    pipelining: 1,
    keepAliveTimeout: 30_000,
  });
  const server = createServer(handler(pool));
  server.keepAliveTimeout = 30_000;
  server.listen(Number(values.port), '127.0.0.1', () => {
    const addr = server.address();
    const port = typeof addr === 'object' && addr !== null ? addr.port : 0;
    process.send?.({ type: 'ready', port });
  });
  process.on('disconnect', () => process.exit(0));
  process.on('SIGTERM', () => process.exit(0));
}

main();
