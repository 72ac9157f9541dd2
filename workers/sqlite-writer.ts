/**
 * Thread entry point of the SQLite store: owns the only connection and
 * answers one reply per request, in order. It never throws at start-up
 * (an open that fails is reported and retried on the next request), and
 * replies carry error codes, not driver messages.
 */
import { parentPort, threadId } from 'node:worker_threads';
import { SqliteDb } from '../src/store/sqlite/sqlite-db.js';
import type {
  SqliteReply,
  SqliteRequest,
} from '../src/store/sqlite/sqlite-messages.js';
import { errorCode } from '../src/store/error-code.js';

let db: SqliteDb | null = null;
let path: string | null = null;

function database(): SqliteDb {
  if (db !== null) return db;
  // No open request yet means the store's protocol is broken, not the DB.
  if (path === null)
    throw Object.assign(new Error('not open'), { code: 'GW_ERR_INTERNAL' });
  db = new SqliteDb(path);
  return db;
}

/** Perform one request and build its reply; never throws. */
export function handleSqliteRequest(req: SqliteRequest): SqliteReply {
  const startedAt = Date.now();
  try {
    if (req.op === 'open') path = req.path;
    // Closing a connection that never opened is already done.
    const value =
      req.op === 'close' && db === null ? null : database().run(req);
    if (req.op === 'close') db = null;
    return {
      id: req.id,
      ok: true,
      threadId,
      value,
      startedAt,
      endedAt: Date.now(),
    };
  } catch (err: unknown) {
    return { id: req.id, ok: false, threadId, code: errorCode(err) };
  }
}

parentPort?.on('message', (msg: SqliteRequest) => {
  parentPort?.postMessage(handleSqliteRequest(msg));
});
