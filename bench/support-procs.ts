/**
 * The processes every target shares: the mock upstream (with a request
 * counter the runner reads over HTTP) and the OTLP receiver (with a span
 * counter it reads over IPC).
 */
import { join } from 'node:path';
import { request } from 'undici';
import { forkChild, nextMessage } from './child.js';
import type { Child } from './child.js';

/** The running mock upstream. */
export interface Upstream {
  readonly origin: string;
  readonly child: Child;
  /** Requests the mock has answered so far. */
  requests(): Promise<number>;
}

/** Start the mock with `chunks` per stream and `gapMs` between them. */
export async function startUpstream(
  root: string,
  workDir: string,
  chunks: number,
  gapMs: number,
): Promise<Upstream> {
  const child = forkChild(
    join(root, 'dist/bench/mock-upstream.js'),
    ['--chunks', String(chunks), '--chunk-interval-ms', String(gapMs)],
    { logPath: join(workDir, 'mock-upstream.log') },
  );
  const { port } = await nextMessage<{ port: number }>(child, 'ready');
  const origin = `http://127.0.0.1:${port}`;
  const requests = async () => {
    const res = await request(`${origin}/__bench/stats`);
    const body = (await res.body.json()) as { requests?: unknown };
    return Number(body.requests);
  };
  return { origin, child, requests };
}

/** The running OTLP/gRPC receiver. */
export interface OtlpSink {
  readonly endpoint: string;
  readonly child: Child;
  spans(): Promise<number>;
}

/** Start the receiver in its own process. */
export async function startOtlpSink(
  root: string,
  workDir: string,
): Promise<OtlpSink> {
  const child = forkChild(join(root, 'dist/bench/otlp-sink.js'), [], {
    logPath: join(workDir, 'otlp-sink.log'),
  });
  const { port } = await nextMessage<{ port: number }>(child, 'ready');
  const spans = async () => {
    const reply = nextMessage<{ spans: number }>(child, 'stats', 5000);
    child.proc.send({ type: 'stats' });
    return (await reply).spans;
  };
  return { endpoint: `http://127.0.0.1:${port}`, child, spans };
}
