/**
 * OpenAI wire protocol over our own keep-alive HTTP/1.1 client, one
 * origin pool per deployment (http1/). Timers: connect, then inactivity
 * while waiting for the head and between body bytes (RELIABILITY.md
 * row 1). Each request goes out in one socket write.
 */
import type { DeploymentConfig } from '../config/types.js';
import { ConfigInvalidError } from '../errors.js';
import { Exchange } from './http1/exchange.js';
import type { CallHead } from './http1/exchange.js';
import { OriginPool } from './http1/origin-pool.js';
import { mapTransportError } from './upstream-errors.js';
import { kOperationPaths } from './types.js';
import type { Provider, UpstreamRequest, UpstreamResponse } from './types.js';

/** Sockets per deployment; requests beyond wait for one. */
const kMaxConnections = 256;
/** Idle sockets are kept this long unless the server says less. */
const kKeepAliveMs = 30_000;
// Header text must not be able to start a new header or request.
const kUnsafe = /[\r\n\0]/;

/** Provider for `openai/`, `hosted_vllm/`, `ollama/`, `nvidia_nim/`. */
export class OpenAICompatibleProvider implements Provider {
  readonly family: string;
  readonly address: string;
  readonly port: number;
  private readonly pool: OriginPool;
  private readonly paths: Readonly<Record<string, string>>;
  private readonly fixedHead: string;
  private readonly dep: DeploymentConfig;

  constructor(dep: DeploymentConfig) {
    const url = new URL(dep.apiBase ?? '');
    const tls = url.protocol === 'https:';
    this.dep = dep;
    this.family = dep.provider;
    this.address = url.hostname;
    this.port = Number(url.port || (tls ? 443 : 80));
    const base = url.pathname.replace(/\/+$/, '');
    this.paths = Object.fromEntries(
      Object.entries(kOperationPaths).map(([op, p]) => [op, base + p]),
    );
    if (dep.apiKey && kUnsafe.test(dep.apiKey)) {
      throw new ConfigInvalidError({
        param: 'litellm_params.api_key',
        details: { expected: 'no CR, LF or NUL characters' },
      });
    }
    const auth = dep.apiKey ? `authorization: Bearer ${dep.apiKey}\r\n` : '';
    // `url.host` leaves out a default port, as a Host header should.
    this.fixedHead =
      `host: ${url.host}\r\ncontent-type: application/json\r\n` + auth;
    this.pool = new OriginPool({
      host: url.hostname.replace(/^\[|\]$/g, ''),
      port: this.port,
      tls,
      maxConnections: kMaxConnections,
      connectTimeoutMs: dep.connectTimeoutMs,
      keepAliveMs: kKeepAliveMs,
    });
  }

  async send(req: UpstreamRequest): Promise<UpstreamResponse> {
    const timeout = req.stream ? this.dep.streamTimeoutMs : this.dep.timeoutMs;
    const call = new Exchange(this.payload(req), timeout, req.cancel);
    this.pool.dispatch(call);
    let head: CallHead;
    try {
      head = await call.head;
    } catch (err) {
      throw mapTransportError(err);
    }
    return {
      statusCode: head.statusCode,
      retryAfter: head.headers['retry-after'] ?? null,
      contentType: head.headers['content-type'] ?? null,
      // Body errors are mapped by the consumer (mapTransportError).
      body: call.body(),
      drained: () => call.drained,
      collect: (cap) =>
        call.collect(cap).catch((err: unknown) => {
          throw mapTransportError(err);
        }),
      dispose: () => call.dispose(),
    };
  }

  close(): Promise<void> {
    this.pool.close();
    return Promise.resolve();
  }

  private payload(req: UpstreamRequest): string {
    let head =
      `POST ${this.paths[req.operation]} HTTP/1.1\r\n` +
      this.fixedHead +
      (req.stream
        ? 'accept: text/event-stream\r\n'
        : 'accept: application/json\r\n');
    for (const name in req.headers) {
      const value = req.headers[name] as string;
      // Allow-listed already; a CR or LF would still split the head.
      if (kUnsafe.test(name) || kUnsafe.test(value)) continue;
      head += `${name}: ${value}\r\n`;
    }
    const length = Buffer.byteLength(req.body);
    return `${head}content-length: ${length}\r\n\r\n${req.body}`;
  }
}
