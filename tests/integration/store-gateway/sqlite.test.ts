/**
 * The gateway on its default store kind, SQLite: virtual keys, the
 * request log and the canary, through HTTP.
 */
import t from 'tap';
import { canarySuite } from './canary-suite.js';
import { kSqliteDb } from './db-harness.js';
import { keySuite } from './key-suite.js';
import { rowSuite } from './row-suite.js';

keySuite(t, kSqliteDb);
rowSuite(t, kSqliteDb);
canarySuite(t, kSqliteDb);
