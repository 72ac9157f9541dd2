import t from 'tap';
import { parseStoreUrl } from '../../../src/store/store-url.js';
import { resolveStoreOptions } from '../../../src/store/store-options.js';
import { ConfigInvalidError } from '../../../src/errors.js';

t.test('URLs map to the database they name', async (t) => {
  const cases: [string | undefined, unknown][] = [
    [undefined, { kind: 'sqlite', path: 'data/routeiq.db' }],
    ['', { kind: 'sqlite', path: 'data/routeiq.db' }],
    [
      'postgres://u:p@db:5432/riq',
      { kind: 'postgres', url: 'postgres://u:p@db:5432/riq' },
    ],
    ['postgresql://db/riq', { kind: 'postgres', url: 'postgresql://db/riq' }],
    ['sqlite:data/x.db', { kind: 'sqlite', path: 'data/x.db' }],
    ['sqlite:///var/lib/riq.db', { kind: 'sqlite', path: '/var/lib/riq.db' }],
    ['/srv/riq.db', { kind: 'sqlite', path: '/srv/riq.db' }],
    ['sqlite::memory:', { kind: 'sqlite', path: ':memory:' }],
  ];
  for (const [url, want] of cases)
    t.same(parseStoreUrl(url), want, String(url));
});

function caught(fn: () => unknown): unknown {
  try {
    fn();
  } catch (err: unknown) {
    return err;
  }
  return null;
}

t.test(
  'an unknown scheme is a config error that does not echo the URL',
  async (t) => {
    const err = caught(() => parseStoreUrl('mysql://root:hunter2@db/riq'));
    t.type(err, ConfigInvalidError);
    t.notMatch(`${JSON.stringify(err)} ${String(err)}`, /hunter2/);
  },
);

t.test('an out-of-range option is rejected with its path', async (t) => {
  t.match(
    caught(() => resolveStoreOptions({ batchSize: 0 })),
    {
      code: 'GW_ERR_CONFIG_INVALID',
      param: 'store.batchSize',
    },
  );
  t.match(
    caught(() => resolveStoreOptions({ pg: { poolMax: 1.5 } })),
    {
      param: 'store.pg.poolMax',
    },
  );
  t.equal(resolveStoreOptions({}).queueCapacity, 10_000);
});
