import t from 'tap';
import { RingQueue } from '../../../src/store/ring-queue.js';

t.test(
  'push refuses items beyond capacity and keeps the ones it has',
  async (t) => {
    const q = new RingQueue<number>(3);
    t.same(
      [1, 2, 3, 4].map((n) => q.push(n)),
      [true, true, true, false],
    );
    t.equal(q.size, 3);
    t.same(q.peek(10), [1, 2, 3]);
  },
);

t.test(
  'peek copies the oldest items and only remove takes them out',
  async (t) => {
    const q = new RingQueue<number>(4);
    for (const n of [1, 2, 3]) q.push(n);
    t.same(q.peek(2), [1, 2]);
    t.equal(q.size, 3);

    t.equal(q.remove(2), 2);
    t.same(q.peek(5), [3]);
    t.equal(q.remove(9), 1, 'removes no more than it holds');
  },
);

t.test('order survives wrapping around the end of the buffer', async (t) => {
  const q = new RingQueue<number>(3);
  const out: number[] = [];
  for (let n = 1; n <= 10; n += 1) {
    q.push(n);
    if (q.size === 3) out.push(...q.peek(1).slice(0, q.remove(1)));
  }
  out.push(...q.peek(3));
  t.same(out, [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
});
