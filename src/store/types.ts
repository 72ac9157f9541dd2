/**
 * The store boundary: what the gateway writes (request-log rows) and reads
 * (virtual keys, spend) without knowing which database is behind it.
 * Implementations: SQLite (default, writes in a worker thread) and
 * PostgreSQL (async `pg` pool). Neither ever blocks the event loop.
 */

/** How a request ended, as written in the log. */
export type RequestOutcome =
  | 'ok'
  | 'client_aborted'
  | 'invalid_request'
  | 'auth_failed'
  | 'rejected'
  | 'upstream_error'
  | 'upstream_timeout'
  | 'mid_stream_error'
  | 'internal_error';

/** One row per accepted request. Never holds a key or, by default, text. */
export interface RequestLogRow {
  readonly requestId: string;
  /** W3C trace id (32 hex) of the request, when traced. */
  readonly traceId: string | null;
  /** The request's SERVER span id; DB-write spans become its children. */
  readonly parentSpanId: string | null;
  readonly traceFlags: number;
  /** Start of the request, epoch milliseconds. */
  readonly startedAt: number;
  readonly route: string;
  /** Virtual key id (or 'master'); never the key itself. */
  readonly keyId: string | null;
  readonly requestedModel: string;
  readonly modelGroup: string | null;
  readonly deployment: string | null;
  readonly strategy: string | null;
  readonly routingScore: number | null;
  readonly stream: boolean;
  readonly status: number;
  readonly outcome: RequestOutcome;
  /** GW_ERR_* code when the request failed. */
  readonly errorCode: string | null;
  readonly latencyMs: number;
  readonly ttftMs: number | null;
  readonly inputTokens: number | null;
  readonly outputTokens: number | null;
  readonly costUsd: number | null;
  /** Prompt and completion text, only when an option asks for them. */
  readonly promptText?: string | null;
  readonly completionText?: string | null;
}

/** Counters of the write path; enqueued = written + dropped + queued. */
export interface StoreCounters {
  readonly enqueued: number;
  readonly written: number;
  readonly dropped: number;
  readonly queued: number;
}

/** A virtual key as stored: the SHA-256 of the key, never the key. */
export interface VirtualKeyRecord {
  /** Public id, safe for logs, spans and rows (e.g. 'vk_3f9a1c2b'). */
  readonly keyId: string;
  /** Hex SHA-256 of the full key. */
  readonly keyHash: string;
  readonly alias: string | null;
  /** Model names the key may use; empty means all. */
  readonly models: readonly string[];
  readonly rpmLimit: number | null;
  readonly tpmLimit: number | null;
  readonly maxBudget: number | null;
  /** Epoch ms, or null for no expiry. */
  readonly expiresAt: number | null;
  readonly createdAt: number;
  /** Sum of logged costUsd for this key, as last read. */
  readonly spend: number;
}

/** A key's requests and tokens in one minute, as replicas share them. */
export interface KeyMinuteUsage {
  readonly keyId: string;
  /** Start of the minute, epoch ms (a multiple of 60,000). */
  readonly minute: number;
  readonly requests: number;
  readonly tokens: number;
}

/** One replica's rate-limit counts out, the other replicas' back. */
export interface KeyUsageExchange {
  /** Distinct per process; its rows are replaced, never added to. */
  readonly replicaId: string;
  readonly own: readonly KeyMinuteUsage[];
  /** Read other replicas' minutes from this one on (epoch ms). */
  readonly since: number;
  /** Delete every replica's minutes before this (epoch ms). */
  readonly expireBefore: number;
}

/** Filter for `GET /spend/logs`. */
export interface SpendLogFilter {
  readonly keyId?: string;
  readonly model?: string;
  readonly since?: number;
  readonly until?: number;
  readonly limit?: number;
}

/** What a batch write reports, so telemetry can make DB spans. */
export interface BatchWriteReport {
  readonly system: 'sqlite' | 'postgresql';
  readonly operation: 'INSERT';
  readonly table: string;
  readonly rows: readonly RequestLogRow[];
  readonly startedAt: number;
  readonly endedAt: number;
  readonly error?: string;
}

/** Optional hooks the store calls; they must not throw. */
export interface StoreHooks {
  onBatchWritten?(report: BatchWriteReport): void;
}

/** The store interface both databases implement. */
export interface Store {
  readonly kind: 'sqlite' | 'postgres';
  /** Connect and run migrations. Resolves even if the DB is down later. */
  start(): Promise<void>;
  /** Queue a row; never throws, never waits. Overflow is counted. */
  enqueue(row: RequestLogRow): void;
  counters(): StoreCounters;
  /** Resolve once queued rows are written or the deadline passes. */
  flush(timeoutMs: number): Promise<void>;
  createKey(rec: VirtualKeyRecord): Promise<void>;
  getKeyByHash(keyHash: string): Promise<VirtualKeyRecord | null>;
  getKeyById(keyId: string): Promise<VirtualKeyRecord | null>;
  deleteKey(keyId: string): Promise<boolean>;
  listKeys(): Promise<VirtualKeyRecord[]>;
  spendLogs(filter: SpendLogFilter): Promise<RequestLogRow[]>;
  /** Spend per key id, summed from the log. */
  spendByKey(): Promise<Map<string, number>>;
  /**
   * Start counting the spend of rows written from now on; call right
   * before reading spend (`listKeys`), then `unsettledSpend` after it.
   */
  beginSpendWindow(): void;
  /**
   * Spend per key that a read begun at the last `beginSpendWindow` may
   * not include: rows still queued plus rows written since. Rows written
   * during the read may be counted twice until the next read: budgets
   * err on the strict side.
   */
  unsettledSpend(): Map<string, number>;
  /** Publish this replica's rate-limit counts; the others' come back. */
  exchangeKeyUsage(x: KeyUsageExchange): Promise<KeyMinuteUsage[]>;
  close(): Promise<void>;
}
