/**
 * The main thread's side of the SQLite worker: posts commands, matches
 * replies by id, and replaces a worker that died (the next call starts a
 * fresh one, which reopens the file). The worker keeps the process alive
 * only while a call is pending.
 */
import { Worker } from 'node:worker_threads';
import { workerExecArgv, workerFile } from '../../worker-path.js';
import { StoreCallError } from '../error-code.js';
import { parseReply } from './sqlite-messages.js';
import type { SqliteCommand, SqliteOk } from './sqlite-messages.js';
import { getLogger } from '../../telemetry/logger.js';

interface Pending {
  resolve(reply: SqliteOk): void;
  reject(err: StoreCallError): void;
}

/** Code of calls lost with a worker that exited or crashed. */
export const kWorkerLost = 'GW_ERR_STORE_UNAVAILABLE';

/** RPC to one SQLite worker thread. */
export class SqliteClient {
  readonly #path: string;
  readonly #pending = new Map<number, Pending>();
  #worker: Worker | null = null;
  #nextId = 1;
  #closed = false;

  constructor(path: string) {
    this.#path = path;
  }

  /** Run one command in the worker. Rejects with a StoreCallError. */
  call(cmd: SqliteCommand): Promise<SqliteOk> {
    if (this.#closed) return Promise.reject(new StoreCallError(kWorkerLost));

    const worker = this.#worker ?? this.#spawn();
    const id = this.#nextId++;
    return new Promise<SqliteOk>((resolve, reject) => {
      if (this.#pending.size === 0) worker.ref();
      this.#pending.set(id, { resolve, reject });
      worker.postMessage({ ...cmd, id });
    });
  }

  /** Close the database, then end the thread. */
  async close(): Promise<void> {
    if (this.#closed) return;
    if (this.#worker !== null) await this.call({ op: 'close' }).catch(() => {});

    this.#closed = true;
    const worker = this.#worker;
    this.#worker = null;
    await worker?.terminate();
  }

  #spawn(): Worker {
    const worker = new Worker(workerFile('sqlite-writer'), {
      execArgv: workerExecArgv(process.execArgv),
    });
    worker.unref();
    worker.on('message', (msg: unknown) => this.#onReply(msg));
    worker.on('error', (err: Error) => {
      getLogger('store').error({ err: err.name }, 'sqlite worker failed');
    });
    worker.on('exit', () => this.#onExit(worker));
    this.#worker = worker;

    // Every worker opens the file first; commands posted meanwhile queue.
    const id = this.#nextId++;
    worker.postMessage({ op: 'open', path: this.#path, id });
    return worker;
  }

  #onReply(msg: unknown): void {
    const reply = parseReply(msg);
    const pending = this.#pending.get(reply.id);
    if (pending === undefined) return;

    this.#pending.delete(reply.id);
    if (this.#pending.size === 0) this.#worker?.unref();
    if (reply.ok) pending.resolve(reply);
    else pending.reject(new StoreCallError(reply.code));
  }

  #onExit(worker: Worker): void {
    if (this.#worker === worker) this.#worker = null;
    for (const pending of this.#pending.values()) {
      pending.reject(new StoreCallError(kWorkerLost));
    }
    this.#pending.clear();
  }
}
