import t from 'tap';
import pg from 'pg';
import type { Test } from 'tap';
import { PgStore } from '../../../src/store/index.js';
import { startPostgres } from '../../helpers/postgres.js';
import { openStore, storeContract } from './store-contract.js';
import type { StoreHarness, TableDump } from './store-contract.js';

const cluster = await startPostgres();
t.teardown(() => cluster.teardown());

const harness: StoreHarness = {
  freshUrl: (_t: Test) => cluster.createDatabase(),
  async dump(url: string) {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      const { rows } = await client.query(
        "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'",
      );
      const out: TableDump = {};
      for (const { table_name: name } of rows as { table_name: string }[]) {
        out[name] = (await client.query(`SELECT * FROM "${name}"`)).rows;
      }
      return out;
    } finally {
      await client.end();
    }
  },
};

storeContract(t, harness);

t.test('a postgres:// URL makes a PgStore', async (t) => {
  const store = await openStore(t, await cluster.createDatabase());
  t.ok(store instanceof PgStore);
  t.equal(store.kind, 'postgres');
});
