import t from 'tap';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RouterModelInvalidError } from '../../../src/errors.js';
import { writeRouterArtifact } from '../../../src/training/artifact-writer.js';
import { trainKnn } from '../../../src/training/knn-train.js';
import { loadRouterArtifact } from '../../../src/training/manifest.js';
import { prepareContext } from '../../../src/training/prepare.js';
import { kCandidates, kSmallParams, syntheticRows } from './fixture.js';

const { ctx, idf } = prepareContext(
  syntheticRows(60, 3),
  kCandidates.length,
  kSmallParams,
  { folds: 3, seed: 9, rank: 8 },
);
const knn = trainKnn(ctx);

function writeArtifact(teardown: (fn: () => void) => void): string {
  const dir = mkdtempSync(join(tmpdir(), 'routeiq-manifest-test-'));
  teardown(() => rmSync(dir, { recursive: true, force: true }));
  writeRouterArtifact(
    dir,
    {
      name: 'tiny',
      strategy: 'knn',
      candidates: kCandidates,
      costs: ctx.costs,
      defaultCostWeight: 0.1,
      featurizer: kSmallParams,
      params: knn.params,
      training: {
        data: [],
        dataSha256: 'none',
        seed: 9,
        heldOutFraction: 0.2,
        stratifiedBy: 'benchmark',
        trainRows: ctx.rows.length,
        heldOutRows: 0,
        folds: 3,
        budgetShare: 0.55,
        selection: knn.selection,
        oofAtDefault: {
          quality: 0,
          costUsd: 0,
          bestSingleQuality: 0,
          bestSingleCostUsd: 0,
        },
        seconds: 0,
      },
    },
    knn.onnx,
    idf,
  );
  return dir;
}

t.test('loads a written artifact with matching graph and table', async (t) => {
  const dir = writeArtifact((fn) => t.teardown(fn));
  const a = loadRouterArtifact(dir);
  t.same(a.manifest.candidates, kCandidates);
  t.equal(a.idf.length, kSmallParams.wordDim + kSmallParams.charDim);
  t.same(a.idf, idf);
  t.match(a.manifest.version, /^[0-9a-f]{16}$/);
});

const kCorruptions: [string, (dir: string) => void][] = [
  ['a missing graph', (d) => rmSync(join(d, 'model.onnx'))],
  [
    'a manifest that is not JSON',
    (d) => writeFileSync(join(d, 'manifest.json'), '{'),
  ],
  [
    'a tampered graph',
    (d) => {
      const b = readFileSync(join(d, 'model.onnx'));
      b.writeUInt8(b.readUInt8(b.length - 1) ^ 0xff, b.length - 1);
      writeFileSync(join(d, 'model.onnx'), b);
    },
  ],
  [
    'a truncated IDF table',
    (d) => {
      const b = readFileSync(join(d, 'idf.f32'));
      writeFileSync(join(d, 'idf.f32'), b.subarray(4));
    },
  ],
  [
    'candidates that do not match the graph output',
    (d) => {
      const file = join(d, 'manifest.json');
      const m = JSON.parse(readFileSync(file, 'utf8')) as Record<
        string,
        unknown
      >;
      const c = m.costs as Record<string, number[]>;
      for (const k of ['perInputTokenUsd', 'perRequestUsd', 'relative']) {
        c[k] = [...c[k]!, 0.5];
      }
      m.candidates = [...kCandidates, 'extra'];
      writeFileSync(file, JSON.stringify(m));
    },
  ],
];

for (const [what, corrupt] of kCorruptions) {
  t.test(`refuses an artifact with ${what}`, async (t) => {
    const dir = writeArtifact((fn) => t.teardown(fn));
    corrupt(dir);
    let caught: unknown = null;
    try {
      loadRouterArtifact(dir);
    } catch (err) {
      caught = err;
    }
    t.ok(caught instanceof RouterModelInvalidError, String(caught));
    t.match(caught, { code: 'GW_ERR_ROUTER_MODEL_INVALID' });
  });
}
