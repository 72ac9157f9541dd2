/**
 * Calls to one worker thread, each answered by one reply carrying the
 * call's id. The thread starts on the first call and keeps the process
 * alive only while a call is pending; a thread that exits fails every
 * call it held (the callback gets null) and the next call starts a
 * fresh one. Replies are matched, never parsed: callers narrow them.
 */
import { Worker } from 'node:worker_threads';
import { workerExecArgv } from './worker-path.js';

/** How to start the thread. */
export interface ThreadCallsOptions {
  /** Compiled entry point (`workerFile(name)`). */
  readonly file: string;
  readonly workerData?: unknown;
  /** A message every new thread gets first (its reply is ignored). */
  readonly greeting?: Readonly<Record<string, unknown>>;
  /** Told of an uncaught error in the thread; its exit follows. */
  readonly onError?: (err: Error) => void;
}

/** The reply to a call, or null when the thread exited first. */
export type ReplyCallback = (reply: unknown) => void;

/** One worker thread and the calls pending on it. */
export class ThreadCalls {
  readonly #opts: ThreadCallsOptions;
  readonly #pending = new Map<number, ReplyCallback>();
  #worker: Worker | null = null;
  #nextId = 1;

  constructor(opts: ThreadCallsOptions) {
    this.#opts = opts;
  }

  /** Whether a thread is running now. */
  get started(): boolean {
    return this.#worker !== null;
  }

  /**
   * Post `msg` with a fresh `id`; `done` gets the reply (null: lost).
   * Buffers in `transfer` move to the thread and are unusable here.
   */
  post(
    msg: Readonly<Record<string, unknown>>,
    done: ReplyCallback,
    transfer?: readonly ArrayBuffer[],
  ): void {
    const worker = this.#worker ?? this.#spawn();
    const id = this.#nextId++;
    if (this.#pending.size === 0) worker.ref();
    this.#pending.set(id, done);
    worker.postMessage({ ...msg, id }, transfer);
  }

  /** End the thread; what was pending is failed by its exit. */
  async terminate(): Promise<void> {
    const worker = this.#worker;
    if (worker === null) return;
    this.#worker = null;
    await worker.terminate();
  }

  #spawn(): Worker {
    const worker = new Worker(this.#opts.file, {
      workerData: this.#opts.workerData,
      execArgv: workerExecArgv(process.execArgv),
    });
    worker.unref();
    worker.on('message', (msg: unknown) => this.#onReply(msg));
    worker.on('error', (err: Error) => this.#opts.onError?.(err));
    worker.on('exit', () => this.#onExit(worker));
    this.#worker = worker;

    const greeting = this.#opts.greeting;
    if (greeting !== undefined) {
      worker.postMessage({ ...greeting, id: this.#nextId++ });
    }
    return worker;
  }

  #onReply(msg: unknown): void {
    const id = (msg as { id?: unknown } | null)?.id;
    const done = typeof id === 'number' ? this.#pending.get(id) : undefined;
    if (done === undefined) return;
    this.#pending.delete(id as number);
    if (this.#pending.size === 0) this.#worker?.unref();
    done(msg);
  }

  #onExit(worker: Worker): void {
    if (this.#worker === worker) this.#worker = null;
    const lost = [...this.#pending.values()];
    this.#pending.clear();
    for (const done of lost) done(null);
  }
}
