/**
 * A real OpenAI-compatible upstream on 127.0.0.1 port 0 whose behaviour
 * each test sets: delays, chunk count and interval, status codes, resets,
 * in-band errors, silence. It records every request it receives.
 */
import { createServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Test } from 'tap';

/** How the upstream answers the next requests. */
export interface UpstreamBehaviour {
  status?: number;
  /** Body for non-2xx answers. */
  errorBody?: string;
  retryAfter?: string;
  /** Delay before the status line, ms. */
  headerDelayMs?: number;
  chunks?: number;
  chunkIntervalMs?: number;
  /** Destroy the socket after this many stream chunks. */
  resetAfterChunks?: number;
  /** Send an in-band error frame after this many chunks. */
  errorAfterChunks?: number;
  /** Never answer at all. */
  silent?: boolean;
  /** Omit the final [DONE]. */
  omitDone?: boolean;
  /** Go quiet, connection open, after this many stream chunks. */
  stallAfterChunks?: number;
  /** Pad each stream chunk's content to about this many bytes. */
  chunkBytes?: number;
  /** End events with CRLF pairs, as sse-starlette does. */
  crlf?: boolean;
  /** Keep the response open this long after [DONE], ms. */
  lingerAfterDoneMs?: number;
}

/** A request as the upstream saw it. */
export interface SeenRequest {
  readonly url: string;
  readonly headers: IncomingMessage['headers'];
  readonly body: Record<string, unknown>;
  /** Set when the connection closed before the response finished. */
  closedEarly: boolean;
  finished: boolean;
  /** `performance.now()` when the request body was read. */
  readonly receivedAt: number;
  /** Stream chunks written so far (each after the last one drained). */
  chunksSent: number;
}

/** A running upstream. */
export interface TestUpstream {
  readonly url: string;
  readonly seen: SeenRequest[];
  behaviour: UpstreamBehaviour;
  /** Behaviours for the next requests, one each, before `behaviour`. */
  script: UpstreamBehaviour[];
  /** Resolves when `n` requests have been seen. */
  waitFor(n: number): Promise<void>;
}

function chatJson(model: string) {
  return JSON.stringify({
    id: 'chatcmpl-up',
    object: 'chat.completion',
    created: 1700000000,
    model,
    choices: [
      {
        index: 0,
        message: { role: 'assistant', content: 'hello', refusal: null },
        finish_reason: 'stop',
        logprobs: null,
      },
    ],
    usage: { prompt_tokens: 5, completion_tokens: 1, total_tokens: 6 },
  });
}

function chunk(model: string, i: number, last: boolean, bytes = 0) {
  const content = `c${i}`.padEnd(bytes, '.');
  const delta = i === 0 ? { role: 'assistant', content } : { content };
  return `data: ${JSON.stringify({
    id: 'chatcmpl-up',
    object: 'chat.completion.chunk',
    created: 1700000000,
    model,
    choices: [
      { index: 0, delta, finish_reason: last ? 'stop' : null, logprobs: null },
    ],
  })}\n\n`;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Write and wait for the socket to drain (or close), as a server must. */
function send(res: ServerResponse, text: string): Promise<void> {
  if (res.write(text)) return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      res.off('drain', done);
      res.off('close', done);
      resolve();
    };
    res.on('drain', done);
    res.on('close', done);
  });
}

async function answer(
  b: UpstreamBehaviour,
  body: Record<string, unknown>,
  res: ServerResponse,
  rec: SeenRequest,
) {
  if (b.silent === true) return;
  if (b.headerDelayMs) await sleep(b.headerDelayMs);
  const model = String(body['model']);
  const status = b.status ?? 200;
  if (status !== 200) {
    const h: Record<string, string> = { 'content-type': 'application/json' };
    if (b.retryAfter !== undefined) h['retry-after'] = b.retryAfter;
    res
      .writeHead(status, h)
      .end(
        b.errorBody ??
          '{"error":{"message":"upstream says no","type":"server_error","param":null,"code":null}}',
      );
    return;
  }
  if (body['stream'] !== true) {
    res
      .writeHead(200, { 'content-type': 'application/json' })
      .end(chatJson(model));
    return;
  }
  res.writeHead(200, { 'content-type': 'text/event-stream' });
  const sep = (ev: string) =>
    b.crlf === true ? ev.replace(/\n\n$/, '\r\n\r\n') : ev;
  const n = b.chunks ?? 3;
  for (let i = 0; i < n; i++) {
    if (i > 0 && b.chunkIntervalMs) await sleep(b.chunkIntervalMs);
    if (res.destroyed) return;
    if (b.resetAfterChunks === i) return void res.socket?.destroy();
    if (b.stallAfterChunks === i) return;
    if (b.errorAfterChunks === i) {
      res.write(
        'data: {"error":{"message":"model overloaded","type":"server_error","param":null,"code":"overloaded"}}\n\n',
      );
      break;
    }
    await send(res, sep(chunk(model, i, i === n - 1, b.chunkBytes)));
    rec.chunksSent++;
  }
  const so = body['stream_options'] as { include_usage?: boolean } | undefined;
  if (so?.include_usage === true) {
    res.write(
      sep(
        `data: ${JSON.stringify({ id: 'chatcmpl-up', object: 'chat.completion.chunk', created: 1700000000, model, choices: [], usage: { prompt_tokens: 5, completion_tokens: n, total_tokens: 5 + n } })}\n\n`,
      ),
    );
  }
  if (b.omitDone !== true) res.write(sep('data: [DONE]\n\n'));
  if (b.lingerAfterDoneMs) await sleep(b.lingerAfterDoneMs);
  res.end();
}

/** Start an upstream; closed at teardown. */
export async function startUpstream(
  t: Test,
  behaviour: UpstreamBehaviour = {},
): Promise<TestUpstream> {
  const seen: SeenRequest[] = [];
  const waiters: Array<{ n: number; resolve: () => void }> = [];
  const up: TestUpstream = {
    url: '',
    seen,
    behaviour,
    script: [],
    waitFor: (n) =>
      seen.length >= n
        ? Promise.resolve()
        : new Promise((resolve) => waiters.push({ n, resolve })),
  };
  const server = createServer((req, res) => {
    const parts: Buffer[] = [];
    req.on('data', (c: Buffer) => parts.push(c));
    req.on('end', () => {
      const body = JSON.parse(
        Buffer.concat(parts).toString() || '{}',
      ) as Record<string, unknown>;
      const rec: SeenRequest = {
        url: req.url ?? '',
        headers: req.headers,
        body,
        closedEarly: false,
        finished: false,
        receivedAt: performance.now(),
        chunksSent: 0,
      };
      seen.push(rec);
      res.on('close', () => {
        if (!res.writableFinished) rec.closedEarly = true;
      });
      res.on('finish', () => (rec.finished = true));
      for (const w of waiters.filter((w) => seen.length >= w.n)) w.resolve();
      void answer(up.script.shift() ?? up.behaviour, body, res, rec);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  (up as { url: string }).url = `http://127.0.0.1:${port}/v1`;
  t.teardown(
    () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  );
  return up;
}
