/**
 * Databases for the SQLite runs of the store tests: a new file in its own
 * /tmp dir per test, read back through a read-only connection.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { Test } from 'tap';
import type { StoreHarness, TableDump } from './store-contract.js';

/** The file path inside a `sqlite:` URL. */
export function sqlitePath(url: string): string {
  return url.slice('sqlite:'.length);
}

/** Harness over fresh SQLite files. */
export const kSqliteHarness: StoreHarness = {
  async freshUrl(t: Test) {
    const dir = await mkdtemp('/tmp/riq-sqlite-');
    t.teardown(() => rm(dir, { recursive: true, force: true }));
    return `sqlite:${join(dir, 'routeiq.db')}`;
  },
  async dump(url: string) {
    const db = new Database(sqlitePath(url), {
      readonly: true,
      fileMustExist: true,
    });
    try {
      const tables = db
        .prepare("SELECT name FROM sqlite_master WHERE type = 'table'")
        .all() as { name: string }[];
      const out: TableDump = {};
      for (const { name } of tables) {
        out[name] = db.prepare(`SELECT * FROM "${name}"`).all() as Record<
          string,
          unknown
        >[];
      }
      return out;
    } finally {
      db.close();
    }
  },
};
