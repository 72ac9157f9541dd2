import t from 'tap';
import {
  existsSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runEval } from '../../../src/training/eval-command.js';
import { loadRouterArtifact } from '../../../src/training/manifest.js';
import { runTrain } from '../../../src/training/train.js';
import { kCandidates, kSmallParams, syntheticRows } from './fixture.js';

/** Write synthetic rows as a data file in the README's JSON-lines shape. */
function writeData(dir: string, n: number, seed: number): string {
  const lines = syntheticRows(n, seed).map((r) =>
    JSON.stringify({
      id: r.id,
      prompt: r.prompt,
      benchmark: r.benchmark,
      scores: Object.fromEntries(kCandidates.map((c, i) => [c, r.scores[i]])),
      costs_est: Object.fromEntries(kCandidates.map((c, i) => [c, r.costs[i]])),
    }),
  );
  const file = join(dir, `data-${seed}.jsonl`);
  writeFileSync(file, `${lines.join('\n')}\n`);
  return file;
}

const dir = mkdtempSync(join(tmpdir(), 'routeiq-train-eval-'));
t.teardown(() => rmSync(dir, { recursive: true, force: true }));
const data = writeData(dir, 120, 4);
const out = join(dir, 'models', 'tiny-knn');
const cmd = {
  strategy: 'knn' as const,
  data: [data],
  out,
  seed: 3,
  heldOutFraction: 0.25,
  folds: 3,
  budgetShare: 0.55,
  featurizer: kSmallParams,
};

t.test('train writes a loadable artifact; eval records figures', async (t) => {
  const m = await runTrain(cmd);
  t.equal(m.training.heldOutRows, 30);
  t.equal(loadRouterArtifact(out).manifest.version, m.version);

  const { report } = await runEval({ model: out, data: [data] });
  t.equal(report.rows, 30);
  t.ok(report.aiq.router > 0 && report.aiq.router <= 1);
  t.ok(existsSync(join(out, 'eval.json')));
  const saved = loadRouterArtifact(out).manifest.evaluation;
  t.match(saved, { rows: 30, modelVersion: m.version });
  t.match(readFileSync(join(dir, 'models', 'EVAL.md'), 'utf8'), /tiny-knn/);
});

t.test(
  'eval refuses data other than what the router was trained on',
  async (t) => {
    await runTrain(cmd);
    const other = writeData(dir, 120, 5);
    await t.rejects(runEval({ model: out, data: [other] }), /differ/);
  },
);
