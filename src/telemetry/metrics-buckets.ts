/**
 * Histogram bucket bounds (seconds unless named otherwise). Each list is
 * chosen for what its histogram has to tell apart; see docs/metrics.md.
 */

/**
 * Time to a routing decision. Load-balancing strategies decide in a few
 * microseconds, learned routers in tenths of a millisecond to a few
 * milliseconds (a worker round trip plus ONNX), so the buckets are dense
 * from 2.5 µs to 5 ms and sparse above.
 */
export const kRoutingBuckets: readonly number[] = Object.freeze([
  0.0000025, 0.000005, 0.00001, 0.000025, 0.00005, 0.0001, 0.00025, 0.0005,
  0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1,
]);

/** Whole-request and upstream-call latency: milliseconds to minutes. */
export const kLatencyBuckets: readonly number[] = Object.freeze([
  0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 20, 30, 60, 120, 300,
]);

/** Time to first token of a streamed upstream call. */
export const kTtftBuckets: readonly number[] = Object.freeze([
  0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 0.75, 1, 2, 5, 10, 30, 60,
]);

/** Work inside an inference worker: featurizing and `session.run`. */
export const kInferenceBuckets: readonly number[] = Object.freeze([
  0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05,
  0.1, 0.25,
]);

/** Tasks served by one batched `session.run` (a count, not seconds). */
export const kBatchSizeBuckets: readonly number[] = Object.freeze([
  1, 2, 4, 8, 16, 32, 64, 128,
]);
