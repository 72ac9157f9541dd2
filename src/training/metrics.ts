/**
 * Routing metrics, as defined in the data README
 * (/work/shared/data/routing/README.md):
 *
 * - AIQ (RouterBench, https://arxiv.org/abs/2403.12031): the area under
 *   the non-decreasing convex hull of a router's (cost, quality) points,
 *   between the cheapest and the priciest single model, divided by that
 *   cost range.
 * - PGR / APGR / CPT (RouteLLM, https://arxiv.org/abs/2406.18665) for a
 *   strong/weak pair: the share of the quality gap recovered at a given
 *   share of strong-model calls, its mean over shares 0..1, and the
 *   smallest share recovering a target gap.
 */

/** One operating point of a policy. */
export interface CostQuality {
  readonly cost: number;
  readonly quality: number;
}

/**
 * The non-decreasing upper convex hull of `points`, by ascending cost.
 * Dominated points (another is no dearer and at least as good) go first;
 * the rest rise in both cost and quality, and the monotone chain keeps
 * the concave envelope, as a mix of two policies reaches any point on
 * the segment between them.
 */
export function nonDecreasingHull(
  points: readonly CostQuality[],
): CostQuality[] {
  const sorted = [...points].sort(
    (a, b) => a.cost - b.cost || b.quality - a.quality,
  );
  const rising: CostQuality[] = [];
  for (const p of sorted) {
    const last = rising.at(-1);
    if (last === undefined || p.quality > last.quality) rising.push(p);
  }

  const hull: CostQuality[] = [];
  for (const p of rising) {
    while (hull.length >= 2) {
      const a = hull[hull.length - 2]!;
      const b = hull[hull.length - 1]!;
      const cross =
        (b.cost - a.cost) * (p.quality - a.quality) -
        (b.quality - a.quality) * (p.cost - a.cost);
      if (cross < 0) break;
      hull.pop();
    }
    hull.push(p);
  }
  return hull;
}

/** Quality of a hull at `cost`: 0 below its first point, flat past its last. */
export function hullValue(hull: readonly CostQuality[], cost: number): number {
  const first = hull[0];
  if (first === undefined || cost < first.cost) return 0;
  for (let i = 1; i < hull.length; i++) {
    const a = hull[i - 1]!;
    const b = hull[i]!;
    if (cost <= b.cost) {
      const t = b.cost > a.cost ? (cost - a.cost) / (b.cost - a.cost) : 1;
      return a.quality + t * (b.quality - a.quality);
    }
  }
  return hull.at(-1)!.quality;
}

/** AIQ of `points` over the cost range [lo, hi] (exact, piecewise linear). */
export function aiq(
  points: readonly CostQuality[],
  lo: number,
  hi: number,
): number {
  if (!(hi > lo)) throw new RangeError('AIQ needs a cost range hi > lo');
  const hull = nonDecreasingHull(points);
  const knots = [lo, hi, ...hull.map((p) => p.cost)]
    .filter((c) => c >= lo && c <= hi)
    .sort((a, b) => a - b);

  let area = 0;
  for (let i = 1; i < knots.length; i++) {
    const a = knots[i - 1]!;
    const b = knots[i]!;
    if (b === a) continue;
    // The hull may jump from 0 at its first point: sample just inside.
    const qa = hullValue(hull, a + (b - a) * 1e-12);
    area += ((qa + hullValue(hull, b)) / 2) * (b - a);
  }
  return area / (hi - lo);
}

/** A strong/weak routing curve: vertices of quality vs strong-call share. */
export interface StrongWeakCurve {
  /** Ascending shares from 0 to 1 with the mean quality at each. */
  readonly points: readonly { share: number; quality: number }[];
  readonly strongQuality: number;
  readonly weakQuality: number;
}

/**
 * Route prompts to the strong model in descending `preference`. Prompts
 * with equal preference are interchangeable, so the curve is linear
 * across each tie group (the expectation over tie orders).
 */
export function strongWeakCurve(
  preference: ArrayLike<number>,
  strong: ArrayLike<number>,
  weak: ArrayLike<number>,
): StrongWeakCurve {
  const n = preference.length;
  if (n === 0) throw new RangeError('empty evaluation set');
  const order = Array.from({ length: n }, (_, i) => i).sort(
    (a, b) => preference[b]! - preference[a]!,
  );

  let total = 0;
  let strongSum = 0;
  for (let i = 0; i < n; i++) {
    total += weak[i]!;
    strongSum += strong[i]!;
  }
  const points = [{ share: 0, quality: total / n }];
  for (let i = 0; i < n;) {
    let j = i;
    while (j < n && preference[order[j]!] === preference[order[i]!]) {
      total += strong[order[j]!]! - weak[order[j]!]!;
      j++;
    }
    points.push({ share: j / n, quality: total / n });
    i = j;
  }
  return {
    points,
    strongQuality: strongSum / n,
    weakQuality: points[0]!.quality,
  };
}

/** PGR of each vertex: (q - q_weak) / (q_strong - q_weak). */
function pgrPoints(curve: StrongWeakCurve): { share: number; pgr: number }[] {
  const gap = curve.strongQuality - curve.weakQuality;
  return curve.points.map((p) => ({
    share: p.share,
    pgr: gap === 0 ? NaN : (p.quality - curve.weakQuality) / gap,
  }));
}

/** APGR: PGR integrated over the strong-call share 0..1. */
export function apgr(curve: StrongWeakCurve): number {
  const pts = pgrPoints(curve);
  let area = 0;
  for (let i = 1; i < pts.length; i++) {
    const a = pts[i - 1]!;
    const b = pts[i]!;
    area += ((a.pgr + b.pgr) / 2) * (b.share - a.share);
  }
  return area;
}

/** CPT(target): the smallest strong-call share whose PGR reaches target. */
export function cpt(curve: StrongWeakCurve, target: number): number {
  const pts = pgrPoints(curve);
  if (pts[0]!.pgr >= target) return 0;
  for (let i = 1; i < pts.length; i++) {
    const a = pts[i - 1]!;
    const b = pts[i]!;
    if (b.pgr >= target) {
      const t = (target - a.pgr) / (b.pgr - a.pgr);
      return a.share + t * (b.share - a.share);
    }
  }
  return NaN;
}
