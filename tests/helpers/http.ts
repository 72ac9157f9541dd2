/**
 * Small HTTP clients for gateway tests: JSON posts through undici, SSE
 * frames through eventsource-parser, raw sockets for bodies a normal
 * client will not send, and the error-envelope assertion every error
 * test shares.
 */
import { connect } from 'node:net';
import { createParser } from 'eventsource-parser';
import type { Test } from 'tap';
import { request } from 'undici';
import { explain, kSchemas } from './openai-schema.js';

/** A whole response: status, headers and body text. */
export interface Reply {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly text: string;
}

/** POST `body` (an object is sent as JSON) and read the whole answer. */
export async function post(
  url: string,
  body: unknown,
  headers: Record<string, string> = {},
): Promise<Reply> {
  const res = await request(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return {
    status: res.statusCode,
    headers: res.headers,
    text: await res.body.text(),
  };
}

/** GET `url` and read the whole answer. */
export async function get(
  url: string,
  headers: Record<string, string> = {},
): Promise<Reply> {
  const res = await request(url, { headers });
  return {
    status: res.statusCode,
    headers: res.headers,
    text: await res.body.text(),
  };
}

/** The `data` of every SSE event in a stream, in order. */
export async function sseData(
  body: AsyncIterable<Uint8Array | string>,
): Promise<string[]> {
  const out: string[] = [];
  const parser = createParser({ onEvent: (e) => out.push(e.data) });
  const decoder = new TextDecoder();
  for await (const chunk of body) {
    parser.feed(
      typeof chunk === 'string'
        ? chunk
        : decoder.decode(chunk, { stream: true }),
    );
  }
  return out;
}

/** POST a streaming request and collect its SSE `data` fields. */
export async function postStream(
  url: string,
  body: unknown,
): Promise<{ status: number; contentType: unknown; data: string[] }> {
  const res = await request(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const contentType = res.headers['content-type'];
  return { status: res.statusCode, contentType, data: await sseData(res.body) };
}

/**
 * Write raw bytes to `port` and resolve with everything read until the
 * server closes, or what arrived by `waitMs`. The request is never ended
 * by the client, so an answer proves the server did not wait for it.
 */
export function rawExchange(
  port: number,
  writes: readonly string[],
  waitMs = 3000,
): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    let received = '';
    const done = () => {
      clearTimeout(timer);
      socket.destroy();
      resolve(received);
    };
    const timer = setTimeout(done, waitMs);
    socket.on('data', (d: Buffer) => (received += d.toString('latin1')));
    // The server may close while we still write: that is the point.
    socket.on('error', () => undefined);
    socket.on('close', done);
    for (const w of writes) socket.write(w);
  });
}

/** The parsed body of a JSON reply (undefined when it is not JSON). */
export function json(reply: Reply): unknown {
  try {
    return JSON.parse(reply.text) as unknown;
  } catch {
    return undefined;
  }
}

/**
 * Assert OpenAI's error envelope: status, schema-valid body, the error
 * `code`, and an `x-request-id` header. Returns the `error` object.
 */
export function expectError(
  t: Test,
  reply: Reply,
  status: number,
  code: string,
): Record<string, unknown> {
  t.equal(reply.status, status, `status ${status}`);
  const body = json(reply);
  const ok = kSchemas.error(body);
  t.ok(ok, `ErrorResponse: ${explain(kSchemas.error.errors)}`);
  const error = ok ? (body as { error: Record<string, unknown> }).error : {};
  t.equal(error['code'], code, `code ${code}`);
  t.match(reply.headers['x-request-id'], /^[0-9a-f-]{36}$/, 'x-request-id');
  return error;
}
