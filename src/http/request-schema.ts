/**
 * Parses and checks request bodies before anything else sees them:
 * valid JSON, an object, bounded depth, no prototype-pollution keys, and
 * the fields each OpenAI operation requires with the right types
 * (RELIABILITY.md row 10). Errors name the offending `param`.
 */
import { InvalidJsonError, InvalidRequestError } from '../errors.js';
import type { Operation } from '../providers/types.js';

/** A parsed body plus what routing needs from it. */
export interface ParsedRequest {
  readonly body: Record<string, unknown>;
  readonly model: string;
  readonly stream: boolean;
  /** Characters of prompt text (usage estimates, mock provider). */
  readonly promptChars: number;
}

const kMaxDepth = 32;
const kForbiddenKeys: ReadonlySet<string> = new Set([
  '__proto__',
  'constructor',
  'prototype',
]);
const kRoles: ReadonlySet<string> = new Set([
  'system',
  'developer',
  'user',
  'assistant',
  'tool',
  'function',
]);

function bad(param: string): never {
  throw new InvalidRequestError({ param });
}

function checkTree(value: unknown, depth: number, path: string): void {
  if (value === null || typeof value !== 'object') return;
  if (depth > kMaxDepth) bad(path);
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      checkTree(value[i], depth + 1, path);
    }
    return;
  }
  for (const key in value) {
    if (kForbiddenKeys.has(key)) bad(path === '' ? key : `${path}.${key}`);
    const v = (value as Record<string, unknown>)[key];
    checkTree(v, depth + 1, path === '' ? key : `${path}.${key}`);
  }
}

/** Length of the text parts of a message `content`. */
export function contentChars(content: unknown): number {
  if (typeof content === 'string') return content.length;
  if (!Array.isArray(content)) return 0;
  let n = 0;
  for (const part of content) {
    const text = (part as { text?: unknown } | null)?.text;
    if (typeof text === 'string') n += text.length;
  }
  return n;
}

function checkMessages(messages: unknown): number {
  if (!Array.isArray(messages) || messages.length === 0) bad('messages');
  let chars = 0;
  for (let i = 0; i < messages.length; i++) {
    const m = messages[i] as Record<string, unknown> | null;
    if (m === null || typeof m !== 'object' || Array.isArray(m)) {
      bad(`messages[${i}]`);
    }
    if (typeof m['role'] !== 'string' || !kRoles.has(m['role'])) {
      bad(`messages[${i}].role`);
    }
    const c = m['content'];
    if (
      c !== undefined &&
      c !== null &&
      typeof c !== 'string' &&
      !Array.isArray(c)
    ) {
      bad(`messages[${i}].content`);
    }
    chars += contentChars(c);
  }
  return chars;
}

function checkInput(value: unknown, param: string): number {
  if (typeof value === 'string') return value.length;
  if (!Array.isArray(value) || value.length === 0) bad(param);
  let n = 0;
  for (const item of value) {
    if (typeof item === 'string') n += item.length;
    else if (typeof item !== 'number' && !Array.isArray(item)) bad(param);
  }
  return n;
}

function optional(body: Record<string, unknown>, key: string, type: string) {
  const v = body[key];
  if (v !== undefined && v !== null && typeof v !== type) bad(key);
}

/** Parse and validate the body of `op`; throws 400-class errors. */
export function parseRequest(raw: Buffer, op: Operation): ParsedRequest {
  let body: unknown;
  try {
    body = JSON.parse(raw.toString('utf8'));
  } catch {
    throw new InvalidJsonError();
  }
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    bad('body');
  }
  checkTree(body, 0, '');
  const b = body as Record<string, unknown>;
  const model = b['model'];
  if (typeof model !== 'string' || model === '') bad('model');
  optional(b, 'stream', 'boolean');
  optional(b, 'temperature', 'number');
  optional(b, 'top_p', 'number');
  optional(b, 'max_tokens', 'number');
  optional(b, 'n', 'number');
  optional(b, 'stream_options', 'object');

  let chars: number;
  if (op === 'chat') chars = checkMessages(b['messages']);
  else if (op === 'completions') chars = checkInput(b['prompt'], 'prompt');
  else chars = checkInput(b['input'], 'input');
  const stream = op !== 'embeddings' && b['stream'] === true;
  return { body: b, model, stream, promptChars: chars };
}

/** The prompt text a learned router featurizes: every message's text. */
export function promptText(body: Record<string, unknown>): string {
  const messages = body['messages'];
  if (!Array.isArray(messages)) {
    const p = body['prompt'];
    return typeof p === 'string' ? p : Array.isArray(p) ? p.join('\n') : '';
  }
  const parts: string[] = [];
  for (const m of messages as Array<Record<string, unknown>>) {
    const c = m['content'];
    if (typeof c === 'string') parts.push(c);
    else if (Array.isArray(c)) {
      for (const part of c) {
        const t = (part as { text?: unknown } | null)?.text;
        if (typeof t === 'string') parts.push(t);
      }
    }
  }
  return parts.join('\n');
}
