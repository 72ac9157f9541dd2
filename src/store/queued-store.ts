/**
 * What both stores share: the request-log queue (`LogWriter`) in front of
 * their batch INSERT, its counters and flush, the spend bookkeeping the
 * key cache reads around a refresh, and the narrowing of spend rows.
 * Subclasses supply the database: `writeBatch`, `isRetryable` and the
 * key and spend queries of `Store`.
 */
import type {
  BatchWriteReport,
  RequestLogRow,
  StoreCounters,
} from './types.js';
import type { ResolvedStoreOptions } from './store-options.js';
import { LogWriter } from './log-writer.js';
import type { BatchSink, BatchTiming } from './log-writer.js';
import { asRecord, num, str } from './narrow.js';

/** Spend per key id from `key_spend` rows of either driver. */
export function spendFromRows(rows: readonly unknown[]): Map<string, number> {
  const out = new Map<string, number>();
  for (const row of rows) {
    const r = asRecord(row, 'key_spend row');
    out.set(str(r.key_id, 'key_id'), num(r.spend, 'spend'));
  }
  return out;
}

/** The queued write path of a store. */
export abstract class QueuedStore implements BatchSink {
  abstract readonly system: BatchWriteReport['system'];
  protected readonly writer: LogWriter;
  protected readonly closeTimeoutMs: number;

  constructor(opts: ResolvedStoreOptions) {
    this.writer = new LogWriter(this, opts);
    this.closeTimeoutMs = opts.closeTimeoutMs;
  }

  abstract writeBatch(rows: readonly RequestLogRow[]): Promise<BatchTiming>;
  abstract isRetryable(err: unknown): boolean;

  /** Queue a row; never throws, never waits. Overflow is counted. */
  enqueue(row: RequestLogRow): void {
    this.writer.enqueue(row);
  }

  counters(): StoreCounters {
    return this.writer.counters();
  }

  flush(timeoutMs: number): Promise<void> {
    return this.writer.flush(timeoutMs);
  }

  beginSpendWindow(): void {
    this.writer.beginSpendWindow();
  }

  unsettledSpend(): Map<string, number> {
    return this.writer.unsettledSpend();
  }
}
