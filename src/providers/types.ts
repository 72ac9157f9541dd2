/**
 * The provider boundary: one call to one deployment, answered with a
 * status, headers and a body stream that the HTTP layer relays as it comes.
 */
import type { Cancellation } from './cancellation.js';

/** The OpenAI operations the gateway forwards. */
export type Operation = 'chat' | 'completions' | 'embeddings';

/** Path of each operation under an OpenAI-compatible `api_base`. */
export const kOperationPaths: Readonly<Record<Operation, string>> = {
  chat: '/chat/completions',
  completions: '/completions',
  embeddings: '/embeddings',
};

/** One upstream attempt. `body` already names the upstream model. */
export interface UpstreamRequest {
  readonly operation: Operation;
  readonly body: string;
  readonly stream: boolean;
  readonly cancel: Cancellation;
  /** Extra headers: trace context and the request id, allow-listed. */
  readonly headers: Readonly<Record<string, string>>;
  /** Characters of prompt text, for providers that estimate usage. */
  readonly promptChars: number;
}

/** The upstream's answer; `body` yields raw bytes as they arrive. */
export interface UpstreamResponse {
  readonly statusCode: number;
  readonly retryAfter: string | null;
  readonly contentType: string | null;
  readonly body: AsyncIterable<Buffer>;
  /**
   * True once nothing more will come: the answer ended and every byte
   * was handed out. Lets the relay send its last bytes with the end.
   */
  readonly drained?: () => boolean;
  /** The whole body at once (non-streaming answers), at most `cap`. */
  collect(cap: number): Promise<Buffer>;
  /** Stop reading and release the connection. */
  dispose(): void;
}

/** A client for one deployment's upstream. */
export interface Provider {
  readonly family: string;
  /** Host and port for span attributes (`server.address`). */
  readonly address: string | null;
  readonly port: number | null;
  send(req: UpstreamRequest): Promise<UpstreamResponse>;
  close(): Promise<void>;
}
