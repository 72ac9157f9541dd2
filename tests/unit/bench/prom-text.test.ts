import t from 'tap';
import {
  histogramQuantile,
  parseCounter,
  parseHistogram,
  summarizeDiff,
} from '../../../bench/prom-text.js';

// Two label sets of one histogram, as a gateway serving two strategies
// would expose them, plus a counter.
function exposition(fast: number, slow: number): string {
  const h = 'routeiq_routing_latency_histogram';
  return [
    `# TYPE ${h} histogram`,
    `${h}_bucket{strategy="a",le="0.001"} ${fast}`,
    `${h}_bucket{strategy="a",le="0.01"} ${fast + slow}`,
    `${h}_bucket{strategy="a",le="+Inf"} ${fast + slow}`,
    `${h}_sum{strategy="a"} ${fast * 0.0005 + slow * 0.005}`,
    `${h}_count{strategy="a"} ${fast + slow}`,
    `${h}_bucket{strategy="b",le="0.001"} 1`,
    `${h}_bucket{strategy="b",le="0.01"} 1`,
    `${h}_bucket{strategy="b",le="+Inf"} 1`,
    `${h}_sum{strategy="b"} 0.0005`,
    `${h}_count{strategy="b"} 1`,
    'routeiq_spans_dropped_total{reason="queue_full"} 4',
    'routeiq_spans_dropped_total{reason="export_failed"} 2',
  ].join('\n');
}

t.test('a histogram is summed over its label sets', async (t) => {
  const h = parseHistogram(
    exposition(10, 5),
    'routeiq_routing_latency_histogram',
  );
  t.same(h?.buckets, [
    [0.001, 11],
    [0.01, 16],
    [Infinity, 16],
  ]);
  t.equal(h?.count, 16);
  t.equal(parseHistogram('', 'routeiq_routing_latency_histogram'), null);
});

t.test('a counter is the sum of its samples', async (t) => {
  t.equal(parseCounter(exposition(1, 1), 'routeiq_spans_dropped_total'), 6);
  t.equal(parseCounter(exposition(1, 1), 'absent_total'), null);
});

t.test(
  'quantiles interpolate inside the bucket that holds the rank',
  async (t) => {
    const h = {
      buckets: [
        [0.001, 50],
        [0.01, 100],
        [Infinity, 100],
      ] as const,
      sum: 0,
      count: 100,
    };
    t.equal(histogramQuantile(h, 0.5), 0.001);
    // Rank 75 sits halfway through (0.001, 0.01].
    t.ok(Math.abs(histogramQuantile(h, 0.75) - 0.0055) < 1e-12);
  },
);

t.test(
  'the difference of two scrapes is the run’s own observations',
  async (t) => {
    const name = 'routeiq_routing_latency_histogram';
    const before = parseHistogram(exposition(10, 0), name);
    const after = parseHistogram(exposition(10, 20), name);
    const d = summarizeDiff(before, after);
    t.equal(d?.count, 20);
    t.ok(Math.abs((d?.mean ?? 0) - 0.005) < 1e-12, 'only the slow ones');
    t.ok((d?.p50 ?? 0) > 0.001, 'p50 falls in the slow bucket');
    t.equal(summarizeDiff(after, after), null, 'no observations, no figures');
  },
);
