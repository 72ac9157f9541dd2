import t from 'tap';
import {
  difference,
  median,
  percentile,
  ratio,
  summarize,
} from '../../../bench/stats.js';

t.test('percentile picks the nearest rank of a sorted list', async (t) => {
  const sorted = Float64Array.from({ length: 100 }, (_, i) => i + 1);
  t.equal(percentile(sorted, 0.5), 50);
  t.equal(percentile(sorted, 0.99), 99);
  t.equal(percentile(sorted, 1), 100);
  t.equal(percentile(sorted, 0), 1, 'rank 0 clamps to the first sample');
  t.ok(Number.isNaN(percentile(new Float64Array(0), 0.5)));
});

t.test('summarize keeps sub-millisecond latencies exact', async (t) => {
  // Unsorted on purpose: summarize sorts a copy.
  const samples = Float64Array.from([0.31, 0.12, 0.25, 0.18, 1.5]);
  const s = summarize(samples);
  t.equal(s.count, 5);
  t.equal(s.p50, 0.25);
  t.equal(s.p90, 1.5);
  t.equal(s.max, 1.5);
  t.ok(Math.abs(s.mean - 0.472) < 1e-9);
  t.equal(samples[0], 0.31, 'the input is left unsorted');
});

t.test(
  'median ignores missing values and averages an even count',
  async (t) => {
    t.equal(median([3, null, 1, 2]), 2);
    t.equal(median([4, 1, 3, 2]), 2.5);
    t.equal(median([null, Number.NaN]), null);
  },
);

t.test(
  'ratio and difference refuse missing or empty denominators',
  async (t) => {
    t.equal(ratio(3, 2), 1.5);
    t.equal(ratio(3, 0), null);
    t.equal(ratio(null, 2), null);
    t.equal(difference(0.45, 0.1), 0.45 - 0.1);
    t.equal(difference(1, null), null);
  },
);
