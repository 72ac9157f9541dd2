/**
 * Messages between the SQLite store (main thread) and its worker
 * (`workers/sqlite-writer.ts`). Requests carry typed records (log rows as flat values); replies carry
 * raw database rows that the main thread narrows with the codecs, the
 * thread id that did the work, and timings for DB spans.
 */
import type { SqlValue } from '../log-codec.js';
import type {
  KeyUsageExchange,
  SpendLogFilter,
  VirtualKeyRecord,
} from '../types.js';
import { asRecord, num, str } from '../narrow.js';

/** One operation the worker performs. */
export type SqliteCommand =
  | { readonly op: 'open'; readonly path: string }
  | {
      readonly op: 'insertLog';
      /**
       * The rows flattened: `kLogColumns.length` values per row, in
       * column order (`logRowParams`). Primitives in one array cost
       * half as much to post as row objects (3 against 6 µs a row, to
       * serialize and read back).
       */
      readonly values: readonly SqlValue[];
    }
  | { readonly op: 'createKey'; readonly record: VirtualKeyRecord }
  | {
      readonly op: 'getKey';
      readonly by: 'hash' | 'id';
      readonly value: string;
    }
  | { readonly op: 'deleteKey'; readonly keyId: string }
  | { readonly op: 'listKeys' }
  | { readonly op: 'spendLogs'; readonly filter: SpendLogFilter }
  | { readonly op: 'spendByKey' }
  | { readonly op: 'exchangeUsage'; readonly exchange: KeyUsageExchange }
  | { readonly op: 'close' };

/** A command as posted, with the id its reply echoes. */
export type SqliteRequest = SqliteCommand & { readonly id: number };

/** A successful reply. */
export interface SqliteOk {
  readonly id: number;
  readonly ok: true;
  readonly threadId: number;
  readonly value: unknown;
  readonly startedAt: number;
  readonly endedAt: number;
}

/** A failed reply: a code (SQLITE_*, GW_ERR_*), never a driver message. */
export interface SqliteFailed {
  readonly id: number;
  readonly ok: false;
  readonly threadId: number;
  readonly code: string;
}

/** What the worker posts back. */
export type SqliteReply = SqliteOk | SqliteFailed;

/** Narrow a message from the worker. */
export function parseReply(msg: unknown): SqliteReply {
  const r = asRecord(msg, 'sqlite reply');
  const id = num(r.id, 'id');
  const threadId = num(r.threadId, 'threadId');
  if (r.ok !== true)
    return { id, ok: false, threadId, code: str(r.code, 'code') };

  return {
    id,
    ok: true,
    threadId,
    value: r.value,
    startedAt: num(r.startedAt, 'startedAt'),
    endedAt: num(r.endedAt, 'endedAt'),
  };
}
