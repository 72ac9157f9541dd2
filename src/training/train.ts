/**
 * The `train` command: split the data (held-out part stratified by
 * benchmark, never touched here), featurize the training part, let the
 * strategy choose its knobs by cross-validation, pick the default cost
 * weight on the out-of-fold predictions, check the exported graph
 * against the reference forward pass and write the artifact.
 */
import { basename } from 'node:path';
import { getLogger } from '../telemetry/logger.js';
import { bestSingle, singleModels } from './baselines.js';
import { loadDataset } from './dataset.js';
import { kDefaultFeaturizerParams } from './featurizer.js';
import type { FeaturizerParams } from './featurizer.js';
import { trainKnn } from './knn-train.js';
import type { RouterManifest } from './manifest.js';
import { trainMlpRouter } from './mlp-train.js';
import { onnxDeviations } from './onnx-check.js';
import { outcome, choices, pickDefaultWeight, sweep } from './policy.js';
import { prepareContext } from './prepare.js';
import { stratifiedSplit } from './split.js';
import type { FittedRouter } from './train-context.js';
import { takeRows } from './train-context.js';
import { writeRouterArtifact } from './artifact-writer.js';

/** Options of one `train` run (CLI flags). */
export interface TrainCommand {
  readonly strategy: 'knn' | 'mlp';
  readonly data: readonly string[];
  readonly out: string;
  readonly seed: number;
  readonly heldOutFraction: number;
  readonly folds: number;
  readonly budgetShare: number;
  /** Overrides of the default featurizer parameters. */
  readonly featurizer?: Partial<FeaturizerParams>;
}

/** Cross-validation folds per strategy: MLP fits cost far more. */
export const kDefaultFolds = Object.freeze({ knn: 5, mlp: 3 });

/** Largest ONNX-vs-reference difference training accepts. */
export const kOnnxTolerance = 1e-4;

const log = getLogger('training');

/**
 * Refuse a graph that disagrees with the reference forward pass. A kNN
 * row may differ when two neighbours tie at the k-th place within
 * float32 rounding (onnxruntime and the reference sum in different
 * orders), so a few rows may stray; a wrong graph strays on most.
 */
async function verifyGraph(
  fitted: FittedRouter,
  features: Float32Array,
  dim: number,
  rows: number,
): Promise<void> {
  const n = Math.min(64, rows);
  const idx = Array.from({ length: n }, (_, i) => Math.floor((i * rows) / n));
  const x = takeRows(features, dim, idx);
  const dev = await onnxDeviations(fitted.onnx, x, n, dim, fitted.forward);
  const off = dev.filter((d) => !(d <= kOnnxTolerance)).length;
  if (off > n / 16) {
    throw new Error(`exported graph deviates from reference on ${off}/${n}`);
  }
  if (off > 0) log.warn({ rows: off, of: n }, 'graph deviates on tied rows');
}

/** Train a router and write its artifact; returns the manifest. */
export async function runTrain(cmd: TrainCommand): Promise<RouterManifest> {
  const started = performance.now();
  const ds = loadDataset(cmd.data);
  const strata = ds.rows.map((r) => r.benchmark);
  const split = stratifiedSplit(strata, cmd.heldOutFraction, cmd.seed);
  const rows = split.train.map((i) => ds.rows[i]!);
  const nc = ds.candidates.length;

  const featurizerParams = { ...kDefaultFeaturizerParams, ...cmd.featurizer };
  const { ctx, featurizer, idf } = prepareContext(rows, nc, featurizerParams, {
    folds: cmd.folds,
    seed: cmd.seed,
  });
  const { features, costs } = ctx;
  log.info({ rows: rows.length, dim: featurizer.dim }, 'featurized');

  const fitted = cmd.strategy === 'knn' ? trainKnn(ctx) : trainMlpRouter(ctx);
  log.info({ params: fitted.params }, 'selected');

  // Default weight: best out-of-fold quality within the cost budget.
  const singles = singleModels(rows, nc);
  const best = singles[bestSingle(singles)]!;
  const curve = sweep(fitted.oof, rows, costs);
  const weight = pickDefaultWeight(curve, cmd.budgetShare * best.costUsd);
  const atDefault = outcome(rows, choices(fitted.oof, rows, costs, weight));

  await verifyGraph(fitted, features, featurizer.dim, rows.length);

  return writeRouterArtifact(
    cmd.out,
    {
      name: basename(cmd.out),
      strategy: cmd.strategy,
      candidates: ds.candidates,
      costs,
      defaultCostWeight: weight,
      featurizer: featurizerParams,
      params: fitted.params,
      training: {
        data: ds.sources,
        dataSha256: ds.sha256,
        seed: cmd.seed,
        heldOutFraction: cmd.heldOutFraction,
        stratifiedBy: 'benchmark',
        trainRows: rows.length,
        heldOutRows: split.heldOut.length,
        folds: cmd.folds,
        budgetShare: cmd.budgetShare,
        selection: fitted.selection,
        oofAtDefault: {
          quality: atDefault.quality,
          costUsd: atDefault.costUsd,
          bestSingleQuality: best.quality,
          bestSingleCostUsd: best.costUsd,
        },
        seconds: Math.round((performance.now() - started) / 100) / 10,
      },
    },
    fitted.onnx,
    idf,
  );
}
