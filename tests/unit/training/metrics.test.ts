import t from 'tap';
import {
  aiq,
  apgr,
  cpt,
  nonDecreasingHull,
  strongWeakCurve,
} from '../../../src/training/metrics.js';

const close = (a: number, b: number) => Math.abs(a - b) < 1e-9;

t.test(
  'AIQ of two points is the mean of the segment joining them',
  async (t) => {
    // (2, 0.4) is dominated by (1, 0.5): cheaper and better.
    const pts = [
      { cost: 1, quality: 0.5 },
      { cost: 2, quality: 0.4 },
      { cost: 3, quality: 0.9 },
    ];
    t.same(nonDecreasingHull(pts), [pts[0], pts[2]]);
    t.ok(close(aiq(pts, 1, 3), 0.7));
  },
);

t.test('AIQ follows the concave hull and stays flat past it', async (t) => {
  const pts = [
    { cost: 1, quality: 0.5 },
    { cost: 2, quality: 0.8 },
    { cost: 3, quality: 0.9 },
    // Below the chord from (2, 0.8) to (3, 0.9): not on the hull.
    { cost: 2.5, quality: 0.82 },
  ];
  // [1,2]: mean 0.65; [2,3]: mean 0.85; [3,4]: flat 0.9.
  t.ok(close(aiq(pts, 1, 3), 0.75));
  t.ok(close(aiq(pts, 1, 4), (0.65 + 0.85 + 0.9) / 3));
});

t.test('APGR and CPT of a strong/weak curve match a hand count', async (t) => {
  // Gap: strong mean 0.75, weak mean 0.25. Routing order: 0, 1, 2, 3.
  const curve = strongWeakCurve(
    [0.9, 0.6, 0.3, 0.1],
    [1, 1, 0, 1],
    [0, 0, 0, 1],
  );
  // PGR at shares 0, .25, .5, .75, 1 is 0, .5, 1, 1, 1.
  t.ok(close(apgr(curve), (0.25 + 0.75 + 1 + 1) / 4));
  t.ok(close(cpt(curve, 0.5), 0.25));
  t.ok(close(cpt(curve, 0.8), 0.4));
});

t.test('tied preferences count as a random order within the tie', async (t) => {
  // All tied: the curve is the straight line of random routing.
  const curve = strongWeakCurve([0.5, 0.5], [1, 1], [0, 0]);
  t.same(curve.points, [
    { share: 0, quality: 0 },
    { share: 1, quality: 1 },
  ]);
  t.ok(close(apgr(curve), 0.5));
  t.ok(close(cpt(curve, 0.8), 0.8));
});
