/**
 * The main thread's side of the SQLite worker: posts commands and turns
 * replies into results. A worker that died is replaced by the next call
 * (the new one reopens the file first); the worker keeps the process
 * alive only while a call is pending (src/thread-calls.ts).
 */
import { ThreadCalls } from '../../thread-calls.js';
import { workerFile } from '../../worker-path.js';
import { StoreCallError } from '../error-code.js';
import { parseReply } from './sqlite-messages.js';
import type { SqliteCommand, SqliteOk } from './sqlite-messages.js';
import { getLogger } from '../../telemetry/logger.js';

/** Code of calls lost with a worker that exited or crashed. */
export const kWorkerLost = 'GW_ERR_STORE_UNAVAILABLE';

/** RPC to one SQLite worker thread. */
export class SqliteClient {
  readonly #calls: ThreadCalls;
  #closed = false;

  constructor(path: string) {
    this.#calls = new ThreadCalls({
      file: workerFile('sqlite-writer'),
      // Every worker opens the file first; commands posted meanwhile queue.
      greeting: { op: 'open', path },
      onError: (err) => {
        getLogger('store').error({ err: err.name }, 'sqlite worker failed');
      },
    });
  }

  /** Run one command in the worker. Rejects with a StoreCallError. */
  call(cmd: SqliteCommand): Promise<SqliteOk> {
    if (this.#closed) return Promise.reject(new StoreCallError(kWorkerLost));

    return new Promise<SqliteOk>((resolve, reject) => {
      this.#calls.post(cmd, (msg) => {
        if (msg === null) return reject(new StoreCallError(kWorkerLost));
        let reply;
        try {
          reply = parseReply(msg);
        } catch {
          return reject(new StoreCallError('GW_ERR_INTERNAL'));
        }
        if (reply.ok) resolve(reply);
        else reject(new StoreCallError(reply.code));
      });
    });
  }

  /** Close the database, then end the thread. */
  async close(): Promise<void> {
    if (this.#closed) return;
    if (this.#calls.started) {
      await this.call({ op: 'close' }).catch(() => {});
    }
    this.#closed = true;
    await this.#calls.terminate();
  }
}
