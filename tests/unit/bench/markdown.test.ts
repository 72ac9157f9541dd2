import t from 'tap';
import { describeMachine } from '../../../bench/machine.js';
import { fmt, renderMarkdown } from '../../../bench/markdown.js';
import { buildReport } from '../../../bench/report.js';
import { scenariosFor } from '../../../bench/scenarios.js';
import type { RunRecord } from '../../../bench/types.js';

function run(
  target: string,
  rps: number,
  failure: string | null = null,
): RunRecord {
  const latency = { count: 10, p50: 1, p90: 2, p99: 3, mean: 1, max: 4 };
  const load = {
    ok: 10,
    failures: 0,
    failureDetail: null,
    elapsedS: 1,
    rps,
    offeredRate: null,
    latency,
    generatorCpuUsPerReq: 20,
  };
  return {
    round: 1,
    scenario: 'sat-json',
    target,
    failure,
    load: failure === null ? load : null,
    cpuUsPerReq: 40,
    upstreamCpuUsPerReq: 10,
    peakRssMb: 90,
    routing: null,
    batch: null,
    spansPerReq: null,
    spansDropped: null,
  };
}

t.test(
  'a failed target shows FAILED and its reason, never figures',
  async (t) => {
    const report = buildReport({
      startedAt: '2025-01-31T09:30:00.000Z',
      finishedAt: '2025-01-31T09:32:00.000Z',
      suite: 'quick',
      generator: 'autocannon',
      chunks: 20,
      chunkIntervalMs: 0,
      machine: describeMachine(),
      scenarios: scenariosFor(true, null),
      targets: [],
      skipped: [{ target: 'knn', reason: 'models/knn-9 absent' }],
      failedTargets: [],
      runs: [
        run('direct', 10_000),
        run('portkey', 0, '12 non-2xx responses (status 500)'),
      ],
      profile: null,
    });
    const md = renderMarkdown(report);
    t.match(md, /\| portkey \| FAILED \|/);
    t.match(md, /portkey failed `sat-json`:\*\* 12 non-2xx/);
    t.match(md, /knn skipped: models\/knn-9 absent/);
    t.match(md, /\| direct \| 10,000 \| 1\.00 \|/);
  },
);

t.test('numbers are rounded and missing ones are a dash', async (t) => {
  t.equal(fmt(1234.567, 1), '1,234.6');
  t.equal(fmt(null, 2), '–');
  t.equal(fmt(Number.NaN, 2), '–');
});
