/**
 * The store's public surface (STYLE.md #17): `createStore` picks SQLite
 * or PostgreSQL from a URL; the key cache keeps the database off the
 * request path. Import from here, not from the files behind it.
 */
import type { Store } from './types.js';
import { resolveStoreOptions } from './store-options.js';
import type { StoreOptions } from './store-options.js';
import { parseStoreUrl } from './store-url.js';
import { SqliteStore } from './sqlite/sqlite-store.js';
import { PgStore } from './postgres/pg-store.js';

export type {
  BatchWriteReport,
  RequestLogRow,
  RequestOutcome,
  SpendLogFilter,
  Store,
  StoreCounters,
  StoreHooks,
  VirtualKeyRecord,
} from './types.js';
export type { StoreOptions, PgPoolOptions } from './store-options.js';
export { kDefaultSqlitePath } from './store-options.js';
export { parseStoreUrl } from './store-url.js';
export type { StoreTarget } from './store-url.js';
export { SqliteStore } from './sqlite/sqlite-store.js';
export type { SqliteDiagnostics } from './sqlite/sqlite-store.js';
export { PgStore } from './postgres/pg-store.js';
export { KeyCache } from './key-cache.js';
export type { KeyCacheOptions, NewKeySpec, CreatedKey } from './key-cache.js';
export { generateKey, hashKey, matchesKey } from './key-material.js';
export type { GeneratedKey } from './key-material.js';

/**
 * Build (not start) the store the URL names; throws ConfigInvalidError
 * for a bad URL or option. Call `start()` next, `close()` at shutdown.
 */
export function createStore(opts: StoreOptions = {}): Store {
  const resolved = resolveStoreOptions(opts);
  const target = parseStoreUrl(opts.url);
  return target.kind === 'postgres'
    ? new PgStore(target.url, resolved)
    : new SqliteStore(target.path, resolved);
}
