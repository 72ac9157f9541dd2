/**
 * The request-log write path both stores share: a bounded queue, batched
 * writes to a sink, retry with backoff while the database is down, and
 * counters for which enqueued = written + dropped + queued holds after
 * every synchronous step (a row being written still counts as queued).
 *
 * One batch is in flight at a time, always the oldest rows, so the log
 * keeps arrival order and a retry resends exactly what failed. A full
 * queue drops the arriving row; rows already waiting are never evicted.
 */
import type {
  BatchWriteReport,
  RequestLogRow,
  StoreCounters,
  StoreHooks,
} from './types.js';
import { RingQueue } from './ring-queue.js';
import { BurstCounter } from './burst-counter.js';
import { errorCode } from './error-code.js';
import { getLogger } from '../telemetry/logger.js';
import type { Logger } from '../telemetry/logger.js';

/** When a batch started and ended, epoch ms, as the sink measured it. */
export interface BatchTiming {
  readonly startedAt: number;
  readonly endedAt: number;
}

/** Where batches go: one database, one transaction per call. */
export interface BatchSink {
  readonly system: BatchWriteReport['system'];
  /** Insert all rows or none; rows already present count as written. */
  writeBatch(rows: readonly RequestLogRow[]): Promise<BatchTiming>;
  /** True when the same rows may succeed later (connection, lock). */
  isRetryable(err: unknown): boolean;
}

/** The part of the store options the writer uses. */
export interface LogWriterOptions {
  readonly queueCapacity: number;
  readonly batchSize: number;
  readonly flushIntervalMs: number;
  readonly logText: boolean;
  readonly retryInitialMs: number;
  readonly retryMaxMs: number;
  readonly hooks: StoreHooks;
}

type Attempt = 'ok' | 'retry' | 'reject';

const kDropBurstMs = 1000;

function withoutText(row: RequestLogRow): RequestLogRow {
  if (row.promptText == null && row.completionText == null) return row;
  return { ...row, promptText: null, completionText: null };
}

function addSpend(
  into: Map<string, number>,
  rows: readonly RequestLogRow[],
): void {
  for (const { keyId, costUsd } of rows) {
    if (keyId === null || costUsd === null || !(costUsd > 0)) continue;
    into.set(keyId, (into.get(keyId) ?? 0) + costUsd);
  }
}

/** Queue, batcher and counters in front of one `BatchSink`. */
export class LogWriter {
  readonly #sink: BatchSink;
  readonly #opts: LogWriterOptions;
  readonly #queue: RingQueue<RequestLogRow>;
  readonly #log: Logger;
  readonly #drops: BurstCounter;
  readonly #waiters = new Set<() => void>();
  #enqueued = 0;
  #written = 0;
  #dropped = 0;
  #timer: NodeJS.Timeout | null = null;
  #timerDelay = 0;
  #pumping: Promise<void> | null = null;
  #failures = 0;
  #backoffMs = 0;
  #closed = false;
  #closing: Promise<void> | null = null;
  #stopped = false;
  #writtenSpend = new Map<string, number>();

  constructor(sink: BatchSink, opts: LogWriterOptions) {
    this.#sink = sink;
    this.#opts = opts;
    this.#queue = new RingQueue(opts.queueCapacity);
    this.#log = getLogger('store');
    this.#drops = new BurstCounter(kDropBurstMs, (dropped, reasons) =>
      this.#log.warn({ dropped, reasons }, 'request log rows dropped'),
    );
  }

  /** Queue one row; never throws or waits. Overflow is counted. */
  enqueue(row: RequestLogRow): void {
    this.#enqueued += 1;
    if (this.#closed) return this.#drop(1, 'closed');

    const kept = this.#opts.logText ? row : withoutText(row);
    if (!this.#queue.push(kept)) return this.#drop(1, 'queue_full');
    this.#schedule();
  }

  /** A consistent snapshot of the counters. */
  counters(): StoreCounters {
    return {
      enqueued: this.#enqueued,
      written: this.#written,
      dropped: this.#dropped,
      queued: this.#queue.size,
    };
  }

  /** Count the spend of rows written from now on, afresh. */
  beginSpendWindow(): void {
    this.#writtenSpend = new Map();
  }

  /** Spend per key of queued rows and of rows written in the window. */
  unsettledSpend(): Map<string, number> {
    const out = new Map(this.#writtenSpend);
    addSpend(out, this.#queue.peek(this.#queue.size));
    return out;
  }

  /** Write now; resolve when rows queued so far are done or at deadline. */
  flush(timeoutMs: number): Promise<void> {
    const target = this.#enqueued;
    if (this.#done(target)) return Promise.resolve();

    return new Promise((resolve) => {
      const finish = (): void => {
        clearTimeout(deadline);
        this.#waiters.delete(check);
        resolve();
      };
      const check = (): void => {
        if (this.#done(target)) finish();
      };
      const deadline = setTimeout(finish, timeoutMs);
      this.#waiters.add(check);
      this.#wake();
    });
  }

  /** Flush for up to `timeoutMs`, then drop (and count) what is left. */
  close(timeoutMs: number): Promise<void> {
    this.#closing ??= this.#close(timeoutMs);
    return this.#closing;
  }

  async #close(timeoutMs: number): Promise<void> {
    this.#closed = true;
    await this.flush(timeoutMs);

    this.#stopped = true;
    this.#clearTimer();
    this.#drop(this.#queue.remove(this.#queue.size), 'closed');
    this.#drops.end();
    await this.#pumping;
    this.#notify();
  }

  #done(target: number): boolean {
    return this.#written + this.#dropped >= target;
  }

  #drop(n: number, reason: string): void {
    this.#dropped += n;
    this.#drops.add(n, reason);
  }

  #notify(): void {
    for (const check of [...this.#waiters]) check();
  }

  #clearTimer(): void {
    if (this.#timer !== null) clearTimeout(this.#timer);
    this.#timer = null;
  }

  #schedule(): void {
    if (this.#pumping !== null || this.#stopped) return;
    const full = this.#queue.size >= this.#opts.batchSize;

    // While failing, wait out the backoff; when healthy, a full batch goes
    // at once and a partial one waits up to the flush interval for company.
    const delay =
      this.#failures > 0
        ? this.#backoffMs
        : full
          ? 0
          : this.#opts.flushIntervalMs;
    if (this.#timer !== null && this.#timerDelay <= delay) return;

    this.#clearTimer();
    this.#timerDelay = delay;
    this.#timer = setTimeout(() => {
      this.#timer = null;
      this.#startPump();
    }, delay);
    this.#timer.unref();
  }

  #wake(): void {
    if (this.#stopped || this.#pumping !== null) return;
    this.#clearTimer();
    this.#startPump();
  }

  #startPump(): void {
    this.#pumping = this.#pump().finally(() => {
      this.#pumping = null;
      this.#notify();
      if (this.#queue.size > 0) this.#schedule();
    });
  }

  async #pump(): Promise<void> {
    let healthy = true;
    while (healthy && this.#queue.size > 0 && !this.#stopped) {
      healthy = await this.#writeHead();
    }
  }

  async #writeHead(): Promise<boolean> {
    const rows = this.#queue.peek(this.#opts.batchSize);
    const result = await this.#attempt(rows);
    if (result === 'retry') return this.#fail();
    if (result === 'ok') return this.#commit(rows);

    // A row the database refuses must not sink the rows batched with it:
    // write them one at a time and drop only the refused ones.
    if (rows.length === 1) return this.#reject();
    return this.#writeSingly(rows.length);
  }

  async #writeSingly(n: number): Promise<boolean> {
    for (let i = 0; i < n && !this.#stopped; i += 1) {
      const rows = this.#queue.peek(1);
      const result = await this.#attempt(rows);
      if (result === 'retry') return this.#fail();
      if (result === 'ok') this.#commit(rows);
      else this.#reject();
    }
    return true;
  }

  async #attempt(rows: RequestLogRow[]): Promise<Attempt> {
    const startedAt = Date.now();
    try {
      const timing = await this.#sink.writeBatch(rows);
      this.#report(rows, timing, undefined);
      return 'ok';
    } catch (err: unknown) {
      this.#report(rows, { startedAt, endedAt: Date.now() }, errorCode(err));
      return this.#sink.isRetryable(err) ? 'retry' : 'reject';
    }
  }

  #commit(rows: readonly RequestLogRow[]): boolean {
    this.#written += this.#queue.remove(rows.length);
    addSpend(this.#writtenSpend, rows);
    if (this.#failures > 0) {
      this.#log.info({ failedAttempts: this.#failures }, 'log writes resumed');
      this.#failures = 0;
      this.#backoffMs = 0;
    }
    this.#notify();
    return true;
  }

  #reject(): boolean {
    this.#drop(this.#queue.remove(1), 'rejected');
    this.#notify();
    return true;
  }

  #fail(): boolean {
    this.#failures += 1;
    const { retryInitialMs, retryMaxMs } = this.#opts;
    const base = Math.min(
      retryMaxMs,
      retryInitialMs * 2 ** (this.#failures - 1),
    );
    // Half fixed, half random, so replicas do not retry in lockstep.
    this.#backoffMs = Math.ceil(base / 2 + (Math.random() * base) / 2);
    if (this.#failures === 1) {
      this.#log.warn({ queued: this.#queue.size }, 'log writes failing');
    }
    return false;
  }

  #report(
    rows: readonly RequestLogRow[],
    timing: BatchTiming,
    error: string | undefined,
  ): void {
    const hook = this.#opts.hooks.onBatchWritten;
    if (hook === undefined) return;

    const report: BatchWriteReport = {
      system: this.#sink.system,
      operation: 'INSERT',
      table: 'request_log',
      rows,
      startedAt: timing.startedAt,
      endedAt: timing.endedAt,
      ...(error === undefined ? {} : { error }),
    };
    try {
      hook(report);
    } catch {
      // Hooks must not throw (types.ts); one that does loses its report,
      // never the rows.
    }
  }
}
