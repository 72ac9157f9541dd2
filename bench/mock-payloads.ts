/**
 * The mock upstream's answers, built once at start so a request costs
 * only writes. Shapes follow OpenAI's CreateChatCompletionResponse and
 * CreateChatCompletionStreamResponse; the text is fixed so every target's
 * output can be checked word for word.
 */

/** Model name the mock reports (clients may ask for any). */
export const kMockModel = 'bench-model';

const kPiece = 'tok ';

/** The content pieces of an answer in `chunks` parts, in order. */
export function mockPieces(chunks: number): string[] {
  const out: string[] = [];
  for (let i = 0; i < chunks; i++) out.push(`${kPiece}${i} `);
  return out;
}

/** The whole answer text of `chunks` pieces. */
export function mockText(chunks: number): string {
  return mockPieces(chunks).join('');
}

const kUsage = { prompt_tokens: 32, completion_tokens: 0, total_tokens: 0 };

function usageFor(chunks: number) {
  const completion = chunks * 2;
  return {
    ...kUsage,
    completion_tokens: completion,
    total_tokens: kUsage.prompt_tokens + completion,
  };
}

/** Prebuilt bytes for one chunk count. */
export interface MockPayloads {
  readonly json: Buffer;
  /** One SSE event per content piece. */
  readonly events: readonly Buffer[];
  /** The usage-only event sent when `include_usage` is asked for. */
  readonly usageEvent: Buffer;
  readonly done: Buffer;
}

function sse(obj: unknown): Buffer {
  return Buffer.from(`data: ${JSON.stringify(obj)}\n\n`);
}

/** Build the payloads for answers of `chunks` pieces. */
export function buildPayloads(chunks: number): MockPayloads {
  const base = {
    id: 'chatcmpl-bench',
    created: 1_700_000_000,
    model: kMockModel,
    system_fingerprint: null,
  };
  const json = Buffer.from(
    JSON.stringify({
      ...base,
      object: 'chat.completion',
      choices: [
        {
          index: 0,
          message: { role: 'assistant', content: mockText(chunks) },
          finish_reason: 'stop',
          logprobs: null,
        },
      ],
      usage: usageFor(chunks),
    }),
  );
  const chunk = { ...base, object: 'chat.completion.chunk' };
  const events = mockPieces(chunks).map((content, i) =>
    sse({
      ...chunk,
      choices: [
        {
          index: 0,
          delta: i === 0 ? { role: 'assistant', content } : { content },
          finish_reason: i === chunks - 1 ? 'stop' : null,
          logprobs: null,
        },
      ],
    }),
  );
  // `"choices":[]` is how OpenAI marks the usage-only chunk.
  const usageEvent = sse({ ...chunk, choices: [], usage: usageFor(chunks) });
  return { json, events, usageEvent, done: Buffer.from('data: [DONE]\n\n') };
}
