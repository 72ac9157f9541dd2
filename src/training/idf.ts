/**
 * Learns the featurizer's IDF table from training prompts. Document
 * frequencies are counted per hashed bucket, so colliding n-grams share
 * a weight exactly as they share a bucket at serving time.
 */
import { TextScanner } from './text-scan.js';
import { idfDim } from './featurizer.js';
import type { FeaturizerParams } from './featurizer.js';

/** Smoothed IDF, ln((1 + N) / (1 + df)) + 1, one entry per bucket. */
export function learnIdf(
  texts: readonly string[],
  params: FeaturizerParams,
): Float32Array {
  const df = new Float64Array(idfDim(params));
  const scanner = new TextScanner(params);
  const terms = scanner.newCounts();
  for (const text of texts) {
    scanner.scan(text, terms);
    for (let i = 0; i < terms.size; i++) df[terms.touched[i]!]! += 1;
  }

  // Smoothing keeps unseen buckets finite: they get the largest weight,
  // as a term never seen in training is maximally specific.
  const n = texts.length;
  const idf = new Float32Array(df.length);
  for (let b = 0; b < df.length; b++) {
    idf[b] = Math.log((1 + n) / (1 + df[b]!)) + 1;
  }
  return idf;
}
