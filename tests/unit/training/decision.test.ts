import t from 'tap';
import { chooseCandidate, decide } from '../../../src/training/decision.js';
import { requestCosts } from '../../../src/training/costs.js';

t.test('decide picks the candidate with the highest utility', async (t) => {
  const d = decide([0.6, 0.9, 0.7], [0.2, 1, 0.5], 0.1);
  t.equal(d.index, 1);
  t.equal(d.score, 0.9);
  t.ok(Math.abs(d.utility - 0.8) < 1e-12);
  t.same(
    d.table.map((r) => Math.round(r.utility * 100) / 100),
    [0.58, 0.8, 0.65],
  );
});

t.test('a larger cost weight moves the choice to cheaper models', async (t) => {
  const quality = [0.9, 0.6, 0.75];
  const costs = [1, 0.1, 0.4];
  const picks = [0, 0.3, 0.6, 5].map((w) => chooseCandidate(quality, costs, w));
  t.same(picks, [0, 2, 1, 1]);
});

t.test('equal utility goes to the cheaper candidate', async (t) => {
  t.equal(chooseCandidate([0.5, 0.5], [1, 0.2], 0), 1);
});

t.test('request cost grows with prompt length', async (t) => {
  const model = {
    perInputTokenUsd: [2e-6, 1e-7],
    perRequestUsd: [5e-4, 2e-5],
    unitUsd: 1e-3,
    relative: [1, 0.05],
  };
  const short = requestCosts(model, 40);
  const long = requestCosts(model, 4000);
  t.ok(Math.abs(short[0]! - (2e-6 * 10 + 5e-4) / 1e-3) < 1e-12);
  t.ok(long[0]! > short[0]! && long[1]! > short[1]!);
});
