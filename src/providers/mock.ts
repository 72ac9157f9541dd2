/**
 * The built-in `mock/` provider: answers in-process with deterministic
 * text, configurable latency, chunk count and usage, so the default
 * config runs with no network and no keys. It honours the abort signal.
 */
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { DeploymentConfig, MockParams } from '../config/types.js';
import { mockEmbedding, mockText, mockUsage, splitText } from './mock-text.js';
import type { Provider, UpstreamRequest, UpstreamResponse } from './types.js';

function frame(obj: unknown): Buffer {
  return Buffer.from(`data: ${JSON.stringify(obj)}\n\n`);
}

function wantsUsage(body: Record<string, unknown>): boolean {
  const so = body['stream_options'];
  return (
    typeof so === 'object' &&
    so !== null &&
    (so as Record<string, unknown>)['include_usage'] === true
  );
}

/** The mock deployment's client. */
export class MockProvider implements Provider {
  readonly family = 'mock';
  readonly address = null;
  readonly port = null;
  private readonly mock: MockParams;
  private readonly model: string;

  constructor(dep: DeploymentConfig) {
    this.mock = dep.mock ?? {
      latencyMs: 0,
      chunks: 8,
      chunkIntervalMs: 0,
      outputTokens: 16,
      response: null,
    };
    this.model = dep.upstreamModel;
  }

  async send(req: UpstreamRequest): Promise<UpstreamResponse> {
    if (this.mock.latencyMs > 0) {
      await sleep(this.mock.latencyMs, undefined, {
        signal: req.cancel.signal,
      });
    }
    const body = JSON.parse(req.body) as Record<string, unknown>;
    const chunks = req.stream
      ? this.streamChunks(req, body)
      : this.single(req, body);
    return {
      statusCode: 200,
      retryAfter: null,
      contentType: req.stream ? 'text/event-stream' : 'application/json',
      body: chunks,
      collect: async () => {
        const parts: Buffer[] = [];
        for await (const c of chunks) parts.push(c);
        return Buffer.concat(parts);
      },
      dispose: () => undefined,
    };
  }

  private async *single(req: UpstreamRequest, body: Record<string, unknown>) {
    const created = Math.floor(Date.now() / 1000);
    const usage = mockUsage(req.promptChars, this.mock.outputTokens);
    const text = mockText(this.mock);
    let out: unknown;
    if (req.operation === 'embeddings') {
      const input = body['input'];
      const items = Array.isArray(input) ? input : [input];
      const dims =
        typeof body['dimensions'] === 'number' ? body['dimensions'] : 8;
      out = {
        object: 'list',
        model: this.model,
        data: items.map((item, index) => ({
          object: 'embedding',
          index,
          embedding: mockEmbedding(String(item), dims),
        })),
        usage: {
          prompt_tokens: usage.prompt_tokens,
          total_tokens: usage.prompt_tokens,
        },
      };
    } else if (req.operation === 'completions') {
      out = {
        id: `cmpl-${randomUUID()}`,
        object: 'text_completion',
        created,
        model: this.model,
        choices: [{ index: 0, text, finish_reason: 'stop', logprobs: null }],
        usage,
      };
    } else {
      out = {
        id: `chatcmpl-${randomUUID()}`,
        object: 'chat.completion',
        created,
        model: this.model,
        choices: [
          {
            index: 0,
            message: { role: 'assistant', content: text, refusal: null },
            finish_reason: 'stop',
            logprobs: null,
          },
        ],
        usage,
      };
    }
    yield Buffer.from(JSON.stringify(out));
  }

  private async *streamChunks(
    req: UpstreamRequest,
    body: Record<string, unknown>,
  ) {
    const id = `chatcmpl-${randomUUID()}`;
    const created = Math.floor(Date.now() / 1000);
    const pieces = splitText(mockText(this.mock), this.mock.chunks);
    const isChat = req.operation === 'chat';
    const base = isChat
      ? { id, object: 'chat.completion.chunk', created, model: this.model }
      : { id, object: 'text_completion', created, model: this.model };

    for (let i = 0; i < pieces.length; i++) {
      if (i > 0 && this.mock.chunkIntervalMs > 0) {
        await sleep(this.mock.chunkIntervalMs, undefined, {
          signal: req.cancel.signal,
        });
      }
      const last = i === pieces.length - 1;
      const choice = isChat
        ? {
            index: 0,
            delta:
              i === 0
                ? { role: 'assistant', content: pieces[i] }
                : { content: pieces[i] },
            finish_reason: last ? 'stop' : null,
            logprobs: null,
          }
        : {
            index: 0,
            text: pieces[i],
            finish_reason: last ? 'stop' : null,
            logprobs: null,
          };
      yield frame({ ...base, choices: [choice] });
    }
    if (wantsUsage(body)) {
      const usage = mockUsage(req.promptChars, this.mock.outputTokens);
      yield frame({ ...base, choices: [], usage });
    }
    yield Buffer.from('data: [DONE]\n\n');
  }

  async close(): Promise<void> {}
}
