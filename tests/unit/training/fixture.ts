/**
 * Synthetic routing rows for the training tests: three task types with
 * distinct wording and different best candidates, so a router has
 * something real to learn, generated from a seed (no shared data files).
 */
import type { RoutingRow } from '../../../src/training/dataset.js';
import type { FeaturizerParams } from '../../../src/training/featurizer.js';
import { kDefaultFeaturizerParams } from '../../../src/training/featurizer.js';
import { seededRandom } from '../../../src/training/rng.js';

/** Candidates in output order: pricey and strong, cheap, mid. */
export const kCandidates = ['big', 'small', 'mid'] as const;

/** Small featurizer dims keep the tests fast. */
export const kSmallParams: FeaturizerParams = Object.freeze({
  ...kDefaultFeaturizerParams,
  wordDim: 64,
  charDim: 64,
});

const kWords = ['river', 'apple', 'stone', 'cloud', 'train', 'paper', 'lamp'];

const kTasks = [
  {
    benchmark: 'math',
    make: (a: number, b: number, w: string) =>
      `What is ${a} plus ${b} ${w}s? Put the answer in \\boxed{}.`,
    scores: [0.9, 0.3, 0.6],
  },
  {
    benchmark: 'code',
    make: (a: number, _b: number, w: string) =>
      `def ${w}_${a}(x):\n    """Return the ${w} count of x."""\n`,
    scores: [0.8, 0.7, 0.4],
  },
  {
    benchmark: 'trivia',
    make: (a: number, _b: number, w: string) =>
      `Which famous painter lived near the ${w} in ${1800 + a}?`,
    scores: [0.5, 0.45, 0.5],
  },
];

/** `n` rows cycling through the task types; scores jittered by 0/1 noise. */
export function syntheticRows(n: number, seed: number): RoutingRow[] {
  const random = seededRandom(seed);
  return Array.from({ length: n }, (_, i) => {
    const task = kTasks[i % kTasks.length]!;
    const word = kWords[Math.floor(random() * kWords.length)]!;
    const prompt = task.make(Math.floor(random() * 90), i, word);
    const scores = Float64Array.from(task.scores, (p) =>
      random() < p ? 1 : 0,
    );
    const tokens = Math.ceil(prompt.length / 4);
    const costs = Float64Array.from(
      [9, 1, 3],
      (p) => p * 1e-6 * (tokens + 256),
    );
    return {
      id: `row-${i}`,
      prompt,
      benchmark: task.benchmark,
      category: null,
      contaminated: false,
      scores,
      costs,
    };
  });
}
