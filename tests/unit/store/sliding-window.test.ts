import t from 'tap';
import { SlidingWindow } from '../../../src/store/sliding-window.js';

const kStart = 1_800_000_000_000; // a minute boundary

t.test(
  'counts in the previous window fade as the current one advances',
  async (t) => {
    const w = new SlidingWindow(60_000);
    w.add(10, kStart + 1000);
    t.equal(w.total(kStart + 59_000), 10);

    t.equal(w.total(kStart + 60_000), 10, 'fully overlapping at the boundary');
    t.equal(w.total(kStart + 90_000), 5, 'half overlapping');
    t.equal(w.total(kStart + 120_000), 0, 'gone two windows later');
  },
);

t.test('secondsLeft counts to the end of the current window', async (t) => {
  const w = new SlidingWindow(60_000);
  t.equal(w.secondsLeft(kStart + 15_000), 45);
  t.equal(w.secondsLeft(kStart + 59_999), 1);
});
