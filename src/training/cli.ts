#!/usr/bin/env node
/**
 * Training CLI:
 *   train --strategy knn|mlp --data <jsonl>... --out models/<name>
 *         [--seed N] [--holdout 0.2] [--folds 5] [--budget 0.55]
 *   eval  --model models/<name> --data <jsonl>...
 * Results go to stdout as text; progress goes to the logger.
 */
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { getLogger } from '../telemetry/logger.js';
import { runEval } from './eval-command.js';
import { summaryText } from './eval-report.js';
import { kDefaultFolds, runTrain } from './train.js';

const kUsage = `usage:
  cli train --strategy knn|mlp --data <jsonl>... --out models/<name>
            [--seed N] [--holdout F] [--folds K] [--budget S]
  (defaults: seed 42, holdout 0.2, folds 5 for knn / 3 for mlp,
   budget 0.55 = default cost weight keeps cost under 55% of the best
   single model's, on out-of-fold predictions)
  cli eval --model models/<name> --data <jsonl>...
`;

const kOptions = {
  strategy: { type: 'string' },
  data: { type: 'string', multiple: true },
  out: { type: 'string' },
  model: { type: 'string' },
  seed: { type: 'string', default: '42' },
  holdout: { type: 'string', default: '0.2' },
  folds: { type: 'string' },
  budget: { type: 'string', default: '0.55' },
} as const;

function num(flag: string, v: string, lo: number, hi: number): number {
  const n = Number(v);
  if (!Number.isFinite(n) || n < lo || n > hi) {
    throw new Error(`--${flag} must be a number in [${lo}, ${hi}]`);
  }
  return n;
}

/** Run the command in `argv` (without node and script); returns exit code. */
export async function main(argv: readonly string[]): Promise<number> {
  const { positionals, values: v } = parseArgs({
    args: [...argv],
    options: kOptions,
    allowPositionals: true,
  });
  const command = positionals[0];
  // `--data a.jsonl b.jsonl`: parseArgs leaves b.jsonl as a positional.
  const data = [...(v.data ?? []), ...positionals.slice(1)];

  if (command === 'train' && v.out !== undefined && data.length > 0) {
    if (v.strategy !== 'knn' && v.strategy !== 'mlp') {
      throw new Error('--strategy must be knn or mlp');
    }
    const m = await runTrain({
      strategy: v.strategy,
      data,
      out: v.out,
      seed: num('seed', v.seed, 0, 2 ** 31),
      heldOutFraction: num('holdout', v.holdout, 0.05, 0.5),
      folds:
        v.folds === undefined
          ? kDefaultFolds[v.strategy]
          : num('folds', v.folds, 2, 20),
      budgetShare: num('budget', v.budget, 0.01, 10),
    });
    const o = m.training.oofAtDefault;
    const share = (o.costUsd / o.bestSingleCostUsd) * 100;
    const lines = [
      `trained ${m.name} (${m.strategy}) version ${m.version}`,
      `in ${m.training.seconds}s; params ${JSON.stringify(m.params)}`,
      `default cost weight ${m.defaultCostWeight.toPrecision(4)}:`,
      `out-of-fold quality ${o.quality.toFixed(4)}`,
      `vs best single ${o.bestSingleQuality.toFixed(4)},`,
      `cost ${share.toFixed(1)}% of it`,
    ];
    process.stdout.write(`${lines.join(' ')}\n`);
    return 0;
  }
  if (command === 'eval' && v.model !== undefined && data.length > 0) {
    const r = await runEval({ model: v.model, data });
    process.stdout.write(summaryText(r));
    return 0;
  }
  process.stderr.write(kUsage);
  return 2;
}

// Run only as the entry point, so importing `main` has no side effects.
const entry = process.argv[1];
if (entry !== undefined && import.meta.url === pathToFileURL(entry).href) {
  main(process.argv.slice(2)).then(
    (code) => (process.exitCode = code),
    (err: unknown) => {
      getLogger('training').error({ err }, 'command failed');
      process.exitCode = 1;
    },
  );
}
