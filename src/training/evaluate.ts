/**
 * Scores a router on held-out rows exactly as serving would run it:
 * the artifact is loaded and verified, prompts go through the stored
 * featurizer, the ONNX graph runs in onnxruntime, and the shared
 * decision picks a model per prompt. Rows marked `contaminated` are
 * dropped first (as the RouteLLM paper does).
 */
import type { RoutingRow } from './dataset.js';
import { Featurizer } from './featurizer.js';
import type { RouterArtifact } from './manifest.js';
import { runOnnx } from './onnx-check.js';
import {
  bestSingle,
  cheapestSingle,
  oraclePolicy,
  randomPolicy,
  routerAiq,
  singleModels,
  costRange,
} from './baselines.js';
import { aiq, apgr, cpt, strongWeakCurve } from './metrics.js';
import type { PolicyPoint } from './policy.js';
import { choices, outcome } from './policy.js';

/** Quality and mean cost of one policy. */
export interface PolicyFigures {
  readonly quality: number;
  readonly costUsd: number;
}

/** RouteLLM figures of one strong/weak evaluation subset. */
export interface StrongWeakFigures {
  readonly rows: number;
  readonly strongQuality: number;
  readonly weakQuality: number;
  readonly apgr: number;
  readonly cpt50: number;
  readonly cpt80: number;
  /** Share of strong calls and PGR at the default cost weight. */
  readonly strongShareAtDefault: number;
  readonly pgrAtDefault: number;
}

/** Everything `eval` measures; stored in eval.json and the manifest. */
export interface EvaluationReport {
  readonly evaluatedAt: string;
  readonly modelVersion: string;
  readonly dataSha256: string;
  readonly rows: number;
  readonly droppedContaminated: number;
  readonly defaultCostWeight: number;
  readonly atDefault: PolicyFigures & {
    readonly qualityGainOverBest: number;
    readonly costShareOfBest: number;
  };
  readonly singles: readonly (PolicyFigures & { readonly model: string })[];
  readonly bestSingle: string;
  readonly cheapest: string;
  readonly random: PolicyFigures;
  readonly oracle: PolicyFigures;
  readonly aiq: { readonly router: number; readonly singleModels: number };
  readonly curve: readonly PolicyPoint[];
  readonly perBenchmark: Readonly<
    Record<string, PolicyFigures & { rows: number }>
  >;
  readonly strongWeak: Readonly<Record<string, StrongWeakFigures>> | null;
}

/** Predicted quality [rows, C] for `rows` through the artifact. */
export async function predict(
  artifact: RouterArtifact,
  rows: readonly RoutingRow[],
): Promise<Float32Array> {
  const featurizer = new Featurizer(artifact.manifest.featurizer, artifact.idf);
  const x = featurizer.featurizeBatch(rows.map((r) => r.prompt));
  return runOnnx(artifact.onnx, x, rows.length, featurizer.dim);
}

function strongWeak(
  quality: Float32Array,
  rows: readonly RoutingRow[],
  picks: Int32Array,
  strong: number,
): StrongWeakFigures {
  const weak = 1 - strong;
  const pref = rows.map(
    (_, i) => quality[i * 2 + strong]! - quality[i * 2 + weak]!,
  );
  const curve = strongWeakCurve(
    pref,
    rows.map((r) => r.scores[strong]!),
    rows.map((r) => r.scores[weak]!),
  );
  const share =
    picks.reduce((a, p) => a + (p === strong ? 1 : 0), 0) / rows.length;
  const q = outcome(rows, picks).quality;
  const gap = curve.strongQuality - curve.weakQuality;
  return {
    rows: rows.length,
    strongQuality: curve.strongQuality,
    weakQuality: curve.weakQuality,
    apgr: apgr(curve),
    cpt50: cpt(curve, 0.5),
    cpt80: cpt(curve, 0.8),
    strongShareAtDefault: share,
    pgrAtDefault: gap === 0 ? NaN : (q - curve.weakQuality) / gap,
  };
}

/** Evaluate `artifact` on `allRows` (the held-out part). */
export async function evaluate(
  artifact: RouterArtifact,
  allRows: readonly RoutingRow[],
  dataSha256: string,
): Promise<EvaluationReport> {
  const { manifest } = artifact;
  const rows = allRows.filter((r) => !r.contaminated);
  const nc = manifest.candidates.length;
  const quality = await predict(artifact, rows);
  const weight = manifest.defaultCostWeight;
  const picks = choices(quality, rows, manifest.costs, weight);
  const here = outcome(rows, picks);

  const singles = singleModels(rows, nc);
  const best = bestSingle(singles);
  const [lo, hi] = costRange(singles);
  const { aiq: routerAiqValue, curve } = routerAiq(
    quality,
    rows,
    manifest.costs,
  );
  const zero = aiq(
    singles.map((s) => ({ cost: s.costUsd, quality: s.quality })),
    lo,
    hi,
  );

  const perBenchmark: Record<string, PolicyFigures & { rows: number }> = {};
  for (const b of [...new Set(rows.map((r) => r.benchmark))].sort()) {
    const idx = rows.flatMap((r, i) => (r.benchmark === b ? [i] : []));
    const o = outcome(
      idx.map((i) => rows[i]!),
      idx.map((i) => picks[i]!),
    );
    perBenchmark[b] = { rows: idx.length, ...o };
  }

  let sw: Record<string, StrongWeakFigures> | null = null;
  if (nc === 2) {
    // The strong model is the pricier one (relative cost 1).
    const strong =
      manifest.costs.relative[0]! >= manifest.costs.relative[1]! ? 0 : 1;
    sw = { all: strongWeak(quality, rows, picks, strong) };
    for (const b of Object.keys(perBenchmark)) {
      const idx = rows.flatMap((r, i) => (r.benchmark === b ? [i] : []));
      const q = new Float32Array(idx.length * 2);
      idx.forEach((r, i) => q.set(quality.subarray(r * 2, r * 2 + 2), i * 2));
      const sub = idx.map((i) => rows[i]!);
      sw[b] = strongWeak(
        q,
        sub,
        Int32Array.from(idx, (i) => picks[i]!),
        strong,
      );
    }
  }

  return {
    evaluatedAt: new Date().toISOString(),
    modelVersion: manifest.version,
    dataSha256,
    rows: rows.length,
    droppedContaminated: allRows.length - rows.length,
    defaultCostWeight: weight,
    atDefault: {
      ...here,
      qualityGainOverBest: here.quality - singles[best]!.quality,
      costShareOfBest: here.costUsd / singles[best]!.costUsd,
    },
    singles: singles.map((s, i) => ({ model: manifest.candidates[i]!, ...s })),
    bestSingle: manifest.candidates[best]!,
    cheapest: manifest.candidates[cheapestSingle(singles)]!,
    random: randomPolicy(singles),
    oracle: oraclePolicy(rows),
    aiq: { router: routerAiqValue, singleModels: zero },
    curve,
    perBenchmark,
    strongWeak: sw,
  };
}
