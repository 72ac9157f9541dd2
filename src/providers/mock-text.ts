/**
 * Deterministic payloads of the built-in mock provider, shaped exactly as
 * OpenAI's schemas (CreateChatCompletionResponse, ...StreamResponse,
 * CreateCompletionResponse, CreateEmbeddingResponse).
 */
import type { MockParams } from '../config/types.js';

const kWords = [
  'RouteIQ',
  'mock',
  'reply',
  'from',
  'a',
  'deterministic',
  'provider',
  'that',
  'needs',
  'no',
  'network',
  'and',
  'no',
  'keys',
];

/** The mock's completion text: `outputTokens` words, or the fixed reply. */
export function mockText(mock: MockParams): string {
  if (mock.response !== null) return mock.response;
  const words: string[] = [];
  for (let i = 0; i < mock.outputTokens; i++) {
    words.push(kWords[i % kWords.length] ?? 'x');
  }
  return words.join(' ');
}

/** Split text into `n` roughly equal, non-empty pieces (n may shrink). */
export function splitText(text: string, n: number): string[] {
  const size = Math.max(1, Math.ceil(text.length / n));
  const out: string[] = [];
  for (let i = 0; i < text.length; i += size) out.push(text.slice(i, i + size));
  return out.length === 0 ? [''] : out;
}

/** OpenAI usage block; prompt tokens estimated as chars / 4. */
export function mockUsage(promptChars: number, outputTokens: number) {
  const prompt = Math.max(1, Math.ceil(promptChars / 4));
  return {
    prompt_tokens: prompt,
    completion_tokens: outputTokens,
    total_tokens: prompt + outputTokens,
  };
}

/** A deterministic unit vector for embeddings of `input` at `dims`. */
export function mockEmbedding(input: string, dims: number): number[] {
  const v = new Array<number>(dims);
  let h = 2166136261;
  for (let i = 0; i < input.length; i++) {
    h = Math.imul(h ^ input.charCodeAt(i), 16777619);
  }
  let norm = 0;
  for (let i = 0; i < dims; i++) {
    h = Math.imul(h ^ (h >>> 13), 0x5bd1e995);
    const x = ((h >>> 0) / 0xffffffff) * 2 - 1;
    v[i] = x;
    norm += x * x;
  }
  const s = 1 / Math.sqrt(norm || 1);
  return v.map((x) => x * s);
}
