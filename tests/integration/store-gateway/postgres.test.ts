/**
 * The gateway on PostgreSQL (DATABASE_URL): the same suites as on
 * SQLite, against a real server from the machine's binaries.
 */
import t from 'tap';
import { startPostgres } from '../../helpers/postgres.js';
import { canarySuite } from './canary-suite.js';
import { postgresDb } from './db-harness.js';
import { keySuite } from './key-suite.js';
import { rowSuite } from './row-suite.js';

const cluster = await startPostgres();
t.teardown(() => cluster.teardown());
const db = postgresDb(cluster);

keySuite(t, db);
rowSuite(t, db);
canarySuite(t, db);
