import t from 'tap';
import { newRequestId } from '../../src/request-id.js';

const kV7 =
  /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

t.test('request ids are UUIDv7 carrying their millisecond', async (t) => {
  const now = Date.UTC(2026, 11, 4, 18, 30, 0, 123);
  const id = newRequestId(now);
  t.match(id, kV7);
  t.equal(parseInt(id.slice(0, 8) + id.slice(9, 13), 16), now);
});

t.test('ids made in later milliseconds sort after earlier ones', async (t) => {
  const ids: string[] = [];
  for (let i = 0; i < 200; i++) ids.push(newRequestId(1_700_000_000_000 + i));
  const shuffled = [...ids].reverse().sort();
  t.same(shuffled, ids);
  t.equal(new Set(ids).size, ids.length);
});

t.test('ids of one millisecond differ in their random bits', async (t) => {
  const ids = new Set<string>();
  for (let i = 0; i < 1000; i++) ids.add(newRequestId(1_700_000_000_000));
  t.equal(ids.size, 1000);
});
