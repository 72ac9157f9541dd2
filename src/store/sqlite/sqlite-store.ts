/**
 * The SQLite store: every statement, reads included, runs in one worker
 * thread (`workers/sqlite-writer.ts`), so the main thread never touches
 * the file. Log rows reach it through the shared `LogWriter`.
 */
import type {
  KeyMinuteUsage,
  KeyUsageExchange,
  RequestLogRow,
  SpendLogFilter,
  Store,
  VirtualKeyRecord,
} from '../types.js';
import type { ResolvedStoreOptions } from '../store-options.js';
import { QueuedStore, spendFromRows } from '../queued-store.js';
import type { BatchTiming } from '../log-writer.js';
import { errorCode, toStoreError } from '../error-code.js';
import { logRowFromDb, logRowParams } from '../log-codec.js';
import type { SqlValue } from '../log-codec.js';
import { keyFromDb } from '../key-codec.js';
import { usageFromDb } from '../key-usage-query.js';
import { asRecord, str } from '../narrow.js';
import { SqliteClient, kWorkerLost } from './sqlite-client.js';
import type { SqliteCommand } from './sqlite-messages.js';

// Codes after which the same batch may succeed: locks, I/O, a lost worker.
const kRetryable =
  /^SQLITE_(BUSY|LOCKED|IOERR|FULL|CANTOPEN|READONLY|PROTOCOL|NOMEM)/;

/** Where and how the worker writes, for tests and health output. */
export interface SqliteDiagnostics {
  readonly path: string;
  /** Thread id of the last successful write; the main thread's is 0. */
  readonly writerThreadId: number | null;
  readonly journalMode: string | null;
}

/** Store backed by one SQLite file, written from a worker thread. */
export class SqliteStore extends QueuedStore implements Store {
  readonly kind = 'sqlite';
  readonly system = 'sqlite';
  readonly #path: string;
  readonly #client: SqliteClient;
  #writerThreadId: number | null = null;
  #journalMode: string | null = null;

  constructor(path: string, opts: ResolvedStoreOptions) {
    super(opts);
    this.#path = path;
    this.#client = new SqliteClient(path);
  }

  /** Open the file and migrate; rejects with StoreUnavailableError. */
  async start(): Promise<void> {
    const value = await this.#keyCall({ op: 'open', path: this.#path });
    this.#journalMode = str(asRecord(value, 'open').journalMode, 'journalMode');
  }

  /** Part of BatchSink: one transaction in the worker. */
  async writeBatch(rows: readonly RequestLogRow[]): Promise<BatchTiming> {
    const values: SqlValue[] = [];
    for (const row of rows) values.push(...logRowParams(row));
    const reply = await this.#client.call({ op: 'insertLog', values });
    this.#writerThreadId = reply.threadId;
    return { startedAt: reply.startedAt, endedAt: reply.endedAt };
  }

  /** Part of BatchSink. */
  isRetryable(err: unknown): boolean {
    const code = errorCode(err);
    return code === kWorkerLost || kRetryable.test(code);
  }

  async createKey(rec: VirtualKeyRecord): Promise<void> {
    await this.#keyCall({ op: 'createKey', record: rec });
  }

  async getKeyByHash(keyHash: string): Promise<VirtualKeyRecord | null> {
    const raw = await this.#keyCall({
      op: 'getKey',
      by: 'hash',
      value: keyHash,
    });
    return raw === null ? null : keyFromDb(raw);
  }

  async getKeyById(keyId: string): Promise<VirtualKeyRecord | null> {
    const raw = await this.#keyCall({ op: 'getKey', by: 'id', value: keyId });
    return raw === null ? null : keyFromDb(raw);
  }

  async deleteKey(keyId: string): Promise<boolean> {
    return (await this.#keyCall({ op: 'deleteKey', keyId })) === true;
  }

  async listKeys(): Promise<VirtualKeyRecord[]> {
    return this.#rows(await this.#keyCall({ op: 'listKeys' })).map(keyFromDb);
  }

  async spendLogs(filter: SpendLogFilter): Promise<RequestLogRow[]> {
    const raw = await this.#keyCall({ op: 'spendLogs', filter });
    return this.#rows(raw).map(logRowFromDb);
  }

  async spendByKey(): Promise<Map<string, number>> {
    const raw = await this.#keyCall({ op: 'spendByKey' });
    return spendFromRows(this.#rows(raw));
  }

  async exchangeKeyUsage(x: KeyUsageExchange): Promise<KeyMinuteUsage[]> {
    const raw = await this.#keyCall({ op: 'exchangeUsage', exchange: x });
    return this.#rows(raw).map(usageFromDb);
  }

  /** Flush (bounded by closeTimeoutMs), then close the file and thread. */
  async close(): Promise<void> {
    await this.writer.close(this.closeTimeoutMs);
    await this.#client.close();
  }

  /** Where writes happen; see SqliteDiagnostics. */
  diagnostics(): SqliteDiagnostics {
    return {
      path: this.#path,
      writerThreadId: this.#writerThreadId,
      journalMode: this.#journalMode,
    };
  }

  async #keyCall(cmd: SqliteCommand): Promise<unknown> {
    try {
      return (await this.#client.call(cmd)).value;
    } catch (err: unknown) {
      throw toStoreError(err, errorCode(err).startsWith('SQLITE_CONSTRAINT'));
    }
  }

  #rows(value: unknown): unknown[] {
    if (!Array.isArray(value)) throw new TypeError('expected rows');
    return value;
  }
}
