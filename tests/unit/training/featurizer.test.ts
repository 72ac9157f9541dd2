import t from 'tap';
import { Featurizer } from '../../../src/training/featurizer.js';
import { learnIdf } from '../../../src/training/idf.js';
import { kSmallParams, syntheticRows } from './fixture.js';

const prompts = syntheticRows(30, 1).map((r) => r.prompt);
const idf = learnIdf(prompts, kSmallParams);

t.test('featurize is deterministic across instances and calls', async (t) => {
  const a = new Featurizer(kSmallParams, idf);
  const b = new Featurizer(kSmallParams, idf);
  const first = a.featurize(prompts[0]!);

  // Reused scratch buffers must not carry one prompt into the next.
  a.featurize(prompts[1]!);
  a.featurize('');
  t.same(a.featurize(prompts[0]!), first);
  t.same(b.featurize(prompts[0]!), first);
  t.not(a.featurize(prompts[1]!).join(), first.join());
});

t.test('features have unit L2 norm and the declared dimension', async (t) => {
  const f = new Featurizer(kSmallParams, idf);
  const long = `${prompts[2]!} `.repeat(400);
  for (const text of [prompts[0]!, prompts[1]!, long, 'x']) {
    const v = f.featurize(text);
    t.equal(v.length, f.dim);
    const norm = Math.sqrt(v.reduce((s, x) => s + x * x, 0));
    t.ok(Math.abs(norm - 1) < 1e-5, `norm ${norm} for ${text.length} chars`);
  }
});

t.test('featurize writes into a caller buffer of the right size', async (t) => {
  const f = new Featurizer(kSmallParams, idf);
  const out = new Float32Array(f.dim * 2);
  f.featurize(prompts[0]!, out.subarray(f.dim));
  t.same(out.subarray(f.dim), f.featurize(prompts[0]!));
  t.throws(() => f.featurize('a', new Float32Array(3)), RangeError);
});

t.test(
  'a batch written into a reused buffer equals a fresh batch',
  async (t) => {
    const f = new Featurizer(kSmallParams, idf);
    const buf = new Float32Array(f.dim * 4);
    f.featurizeBatch(prompts.slice(0, 4), buf);
    // A smaller batch next must not see the rows the bigger one left.
    const two = f.featurizeBatch(prompts.slice(5, 7), buf);
    t.equal(two.length, f.dim * 2);
    t.same(two, f.featurizeBatch(prompts.slice(5, 7)));
    t.throws(() => f.featurizeBatch(prompts.slice(0, 5), buf), RangeError);
  },
);
