/**
 * The benchmark's OpenAI-compatible upstream, in its own process: as fast
 * as this machine allows (uWS, prebuilt payloads), JSON or SSE with a
 * configurable chunk count and gap. Every streamed chunk is its own write
 * in its own event-loop turn, so a relay sees chunks, not one blob.
 * Started by the runner with `fork`; it reports its port over IPC.
 *
 *   node dist/bench/mock-upstream.js --chunks 20 --chunk-interval-ms 0
 */
import { parseArgs } from 'node:util';
import { loadUws } from '../src/http/uws.js';
import type { HttpRequest, HttpResponse } from '../src/http/uws.js';
import { buildPayloads } from './mock-payloads.js';
import type { MockPayloads } from './mock-payloads.js';

const kStreamTrue = [
  Buffer.from('"stream":true'),
  Buffer.from('"stream": true'),
];
const kUsageTrue = [
  Buffer.from('"include_usage":true'),
  Buffer.from('"include_usage": true'),
];

/** What the mock has served, read by the runner at `/__bench/stats`. */
const stats = { requests: 0, streams: 0 };

function has(body: Buffer, needles: readonly Buffer[]): boolean {
  return needles.some((n) => body.indexOf(n) !== -1);
}

function later(gapMs: number, fn: () => void): void {
  if (gapMs > 0) setTimeout(fn, gapMs);
  else setImmediate(fn);
}

function streamAnswer(
  res: HttpResponse,
  p: MockPayloads,
  usage: boolean,
  gapMs: number,
  aborted: () => boolean,
): void {
  res.writeStatus('200 OK');
  res.writeHeader('content-type', 'text/event-stream');
  res.writeHeader('cache-control', 'no-cache');
  res.write(p.events[0] as Buffer);
  let i = 1;
  const next = () => {
    if (aborted()) return;
    res.cork(() => {
      if (i < p.events.length) {
        res.write(p.events[i++] as Buffer);
        return later(gapMs, next);
      }
      if (usage) res.write(p.usageEvent);
      res.end(p.done);
    });
  };
  later(gapMs, next);
}

function answer(
  res: HttpResponse,
  body: Buffer,
  p: MockPayloads,
  gapMs: number,
  aborted: () => boolean,
): void {
  stats.requests++;
  if (!has(body, kStreamTrue)) {
    res.cork(() => {
      res.writeStatus('200 OK');
      res.writeHeader('content-type', 'application/json');
      res.end(p.json);
    });
    return;
  }
  stats.streams++;
  res.cork(() => streamAnswer(res, p, has(body, kUsageTrue), gapMs, aborted));
}

function chatRoute(p: MockPayloads, gapMs: number, latencyMs: number) {
  return (res: HttpResponse, _req: HttpRequest) => {
    let gone = false;
    const aborted = () => gone;
    res.onAborted(() => {
      gone = true;
    });
    const parts: Buffer[] = [];
    res.onData((chunk, isLast) => {
      // The ArrayBuffer dies after this callback: copy before keeping it.
      parts.push(Buffer.from(new Uint8Array(chunk)));
      if (!isLast) return;
      const body =
        parts.length === 1 ? (parts[0] as Buffer) : Buffer.concat(parts);
      if (latencyMs > 0) {
        setTimeout(
          () => !gone && answer(res, body, p, gapMs, aborted),
          latencyMs,
        );
      } else {
        answer(res, body, p, gapMs, aborted);
      }
    });
  };
}

function main(): void {
  const { values } = parseArgs({
    options: {
      port: { type: 'string', default: '0' },
      chunks: { type: 'string', default: '20' },
      'chunk-interval-ms': { type: 'string', default: '0' },
      'latency-ms': { type: 'string', default: '0' },
    },
  });
  const payloads = buildPayloads(Number(values.chunks));
  const gapMs = Number(values['chunk-interval-ms']);
  const route = chatRoute(payloads, gapMs, Number(values['latency-ms']));
  const uws = loadUws();
  const app = uws.App();
  app.post('/v1/chat/completions', route);
  app.post('/chat/completions', route);
  app.get('/__bench/stats', (res) => {
    res.writeHeader('content-type', 'application/json');
    res.end(JSON.stringify(stats));
  });
  app.any('/*', (res) => {
    res.writeStatus('404 Not Found').end('{"error":"not found"}');
  });
  app.listen('127.0.0.1', Number(values.port), (socket) => {
    if (socket === false) throw new Error('mock upstream cannot listen');
    const port = uws.us_socket_local_port(socket as never);
    process.send?.({ type: 'ready', port });
  });
  // The runner owns this process: leave when it goes away.
  process.on('disconnect', () => process.exit(0));
  process.on('SIGTERM', () => process.exit(0));
}

main();
