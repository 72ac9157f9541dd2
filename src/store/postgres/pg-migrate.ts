/**
 * Schema migrations on PostgreSQL, safe when several replicas start at
 * once: each runs them in one transaction behind a transaction-scoped
 * advisory lock, so the first applies what is missing and the others,
 * once let in, find nothing left to do.
 * https://www.postgresql.org/docs/15/explicit-locking.html#ADVISORY-LOCKS
 */
import type { Pool } from 'pg';
import { kMigrations, migrationsTableSql } from '../migrations.js';
import { num } from '../narrow.js';

/** The advisory lock id every replica agrees on ("RIQ" + schema). */
export const kMigrationLockId = 0x52_49_51_00_01;

// Index builds on a large log may outlast the pool's statement timeout.
const kMigrationTimeout = '120s';

/** Apply missing migrations; resolves with how many were applied. */
export async function migratePostgres(pool: Pool): Promise<number> {
  const client = await pool.connect();
  let failure: unknown = undefined;
  try {
    await client.query('BEGIN');
    await client.query(`SET LOCAL statement_timeout = '${kMigrationTimeout}'`);
    await client.query('SELECT pg_advisory_xact_lock($1)', [kMigrationLockId]);
    await client.query(migrationsTableSql('postgres'));

    const { rows } = await client.query(
      'SELECT version FROM schema_migrations',
    );
    const applied = new Set(
      rows.map((r: unknown) =>
        num((r as { version: unknown }).version, 'version'),
      ),
    );
    let count = 0;
    for (const m of kMigrations) {
      if (applied.has(m.version)) continue;
      for (const sql of m.statements.postgres) await client.query(sql);
      await client.query(
        'INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)',
        [m.version, m.name, Date.now()],
      );
      count += 1;
    }

    await client.query('COMMIT');
    return count;
  } catch (err: unknown) {
    failure = err;
    await client.query('ROLLBACK').catch(() => {});
    throw err;
  } finally {
    // A connection that failed mid-transaction is discarded, not reused.
    client.release(failure === undefined ? undefined : true);
  }
}
