/**
 * OpenAI wire protocol over an undici Pool per deployment (keep-alive,
 * pipelining off). Timers: connect, first byte (headers) and idle between
 * body chunks are separate undici timeouts (RELIABILITY.md row 1).
 */
import { Pool } from 'undici';
import { UpstreamCall } from './upstream-call.js';
import type { CallHead } from './upstream-call.js';
import type { DeploymentConfig } from '../config/types.js';
import { mapUndiciError } from './upstream-errors.js';
import { kOperationPaths } from './types.js';
import type { Provider, UpstreamRequest, UpstreamResponse } from './types.js';

function headerValue(v: string | string[] | undefined): string | null {
  if (v === undefined) return null;
  return Array.isArray(v) ? (v[0] ?? null) : v;
}

/** Provider for `openai/`, `hosted_vllm/`, `ollama/`, `nvidia_nim/`. */
export class OpenAICompatibleProvider implements Provider {
  readonly family: string;
  readonly address: string;
  readonly port: number;
  private readonly pool: Pool;
  private readonly basePath: string;
  private readonly auth: string | null;
  private readonly dep: DeploymentConfig;

  constructor(dep: DeploymentConfig) {
    const url = new URL(dep.apiBase ?? '');
    this.dep = dep;
    this.family = dep.provider;
    this.address = url.hostname;
    this.port = Number(url.port || (url.protocol === 'https:' ? 443 : 80));
    this.basePath = url.pathname.replace(/\/+$/, '');
    this.auth = dep.apiKey ? `Bearer ${dep.apiKey}` : null;
    this.pool = new Pool(url.origin, {
      connections: 256,
      pipelining: 1,
      keepAliveTimeout: 30_000,
      connect: { timeout: dep.connectTimeoutMs },
    });
    // A pool error must never become an unhandled 'error' event.
    this.pool.on('connectionError', () => undefined);
  }

  async send(req: UpstreamRequest): Promise<UpstreamResponse> {
    const timeout = req.stream ? this.dep.streamTimeoutMs : this.dep.timeoutMs;
    const headers: Record<string, string> = {
      'content-type': 'application/json',
      accept: req.stream ? 'text/event-stream' : 'application/json',
      ...req.headers,
    };
    if (this.auth !== null) headers['authorization'] = this.auth;

    // dispatch() with our own handler: no Readable stream per response.
    const call = new UpstreamCall(req.signal);
    this.pool.dispatch(
      {
        method: 'POST',
        path: this.basePath + kOperationPaths[req.operation],
        headers,
        body: req.body,
        headersTimeout: timeout,
        bodyTimeout: timeout,
      },
      call,
    );
    let head: CallHead;
    try {
      head = await call.head;
    } catch (err) {
      throw mapUndiciError(err);
    }
    return {
      statusCode: head.statusCode,
      retryAfter: headerValue(head.headers['retry-after']),
      contentType: headerValue(head.headers['content-type']),
      // Body errors are mapped by the consumer (mapUndiciError).
      body: call.body(),
      collect: (cap) =>
        call.collect(cap).catch((err: unknown) => {
          throw mapUndiciError(err);
        }),
      dispose: () => call.dispose(),
    };
  }

  async close(): Promise<void> {
    await this.pool.destroy();
  }
}
