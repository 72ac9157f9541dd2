import t from 'tap';
import { seededRandom } from '../../../src/training/rng.js';
import type { ExpertData } from '../../../src/training/task-experts.js';
import {
  expertsForward,
  fitTaskExperts,
  solveSpd,
} from '../../../src/training/task-experts.js';

// Rows of width 5 whose experts read columns 2..4; two tasks, two
// candidates. Task 0's scores are linear in the read columns, task 1's
// are constant, and column 0 (not read) is noise.
const kDim = 5;
const kRows = 40;

function truth(task: number, f: ArrayLike<number>): [number, number] {
  return task === 0 ? [0.2 + 0.5 * f[2]!, 0.7 - 0.3 * f[4]!] : [0.4, 0.9];
}

function data(): ExpertData {
  const random = seededRandom(3);
  const features = new Float32Array(kRows * kDim);
  const labels = new Int32Array(kRows);
  const scores = new Float64Array(kRows * 2);
  for (let r = 0; r < kRows; r++) {
    const f = features.subarray(r * kDim, (r + 1) * kDim);
    for (let i = 0; i < kDim; i++) f[i] = random();
    labels[r] = r % 2;
    scores.set(truth(r % 2, f), r * 2);
  }
  return {
    features,
    dim: kDim,
    offset: 2,
    inputs: 3,
    labels,
    tasks: 2,
    scores,
    candidates: 2,
  };
}

t.test('solveSpd solves a symmetric positive-definite system', (t) => {
  const a = new Float64Array([4, 2, 2, 3]);
  const b = new Float64Array([2, 8, 1, 7]); // two right-hand sides
  solveSpd(a, b, 2, 2);
  // [[4,2],[2,3]] x = [2,1] -> x = [0.5, 0]; = [8,7] -> x = [1.25, 1.5]
  t.ok(Math.abs(b[0]! - 0.5) < 1e-12 && Math.abs(b[2]! - 0) < 1e-12);
  t.ok(Math.abs(b[1]! - 1.25) < 1e-12 && Math.abs(b[3]! - 1.5) < 1e-12);
  t.throws(() => solveSpd(new Float64Array([0]), new Float64Array([1]), 1, 1));
  t.end();
});

t.test('experts recover scores linear in the columns they read', (t) => {
  const d = data();
  const experts = fitTaskExperts(d, 1e-9);
  t.equal(experts.layer.outputs, 4);

  const fresh = Float32Array.from([0.9, 0.1, 0.3, 0.5, 0.8]);
  const q = expertsForward(experts, fresh, 1);
  for (const task of [0, 1]) {
    const want = truth(task, fresh);
    for (let c = 0; c < 2; c++) {
      const got = q[task * 2 + c]!;
      t.ok(Math.abs(got - want[c]!) < 1e-4, `task ${task} cand ${c}: ${got}`);
    }
  }
  t.end();
});

t.test('a huge penalty leaves every task at its mean scores', (t) => {
  const d = data();
  const experts = fitTaskExperts(d, 1e12);
  const q = expertsForward(experts, d.features, kRows);
  const means = [0, 0, 0, 0];
  for (let r = 0; r < kRows; r++) {
    for (let c = 0; c < 2; c++) {
      means[d.labels[r]! * 2 + c]! += d.scores[r * 2 + c]! / (kRows / 2);
    }
  }
  for (let r = 0; r < kRows; r++) {
    for (let k = 0; k < 4; k++) {
      t.ok(Math.abs(q[r * 4 + k]! - means[k]!) < 1e-5, `row ${r} col ${k}`);
    }
  }
  t.end();
});

t.test('a task without rows is refused', (t) => {
  const d = { ...data(), tasks: 3 };
  t.throws(() => fitTaskExperts(d, 1), /task 2 has no rows/);
  t.end();
});
