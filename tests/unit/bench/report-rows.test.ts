import t from 'tap';
import { evaluateGoals } from '../../../bench/goals.js';
import { buildRows } from '../../../bench/report-rows.js';
import type { RunRecord } from '../../../bench/types.js';

function run(
  target: string,
  round: number,
  rps: number,
  p50: number,
  failure: string | null = null,
): RunRecord {
  const latency = {
    count: 100,
    p50,
    p90: p50 * 2,
    p99: p50 * 4,
    mean: p50,
    max: p50 * 5,
  };
  return {
    round,
    scenario: 'sat-json',
    target,
    failure,
    load:
      failure === null
        ? {
            ok: 100,
            failures: 0,
            failureDetail: null,
            elapsedS: 1,
            rps,
            offeredRate: null,
            latency,
            generatorCpuUsPerReq: null,
          }
        : null,
    cpuUsPerReq: 50,
    upstreamCpuUsPerReq: 10,
    peakRssMb: 100 + round,
    routing: null,
    batch: null,
    spansPerReq: null,
    spansDropped: null,
  };
}

t.test(
  'ratios and added latency are paired by round before the median',
  async (t) => {
    const rows = buildRows([
      run('direct', 1, 1000, 0.1),
      run('simple-shuffle', 1, 600, 0.4),
      run('direct', 2, 500, 0.2),
      run('simple-shuffle', 2, 400, 0.3),
    ]);
    const ss = rows.find((r) => r.target === 'simple-shuffle');
    // Per round: 0.6 and 0.8; the median of medians would say 500/750.
    t.ok(Math.abs((ss?.ratios['direct'] ?? 0) - 0.7) < 1e-12);
    t.ok(Math.abs((ss?.addedP50 ?? 0) - 0.2) < 1e-12, 'median of 0.3 and 0.1');
    t.equal(ss?.rps, 500);
    t.equal(ss?.peakRssMb, 102, 'peak RSS is the worst round');
    t.equal(ss?.ratios['portkey'], null, 'no such peer, no ratio');
  },
);

t.test('one failed round leaves the row without figures', async (t) => {
  const rows = buildRows([
    run('direct', 1, 1000, 0.1),
    run('portkey', 1, 90, 4),
    run('direct', 2, 1000, 0.1),
    run('portkey', 2, 0, 0, '3 non-2xx responses (status 502)'),
  ]);
  const pk = rows.find((r) => r.target === 'portkey');
  t.equal(pk?.failure, '3 non-2xx responses (status 502)');
  t.equal(pk?.rps, null);
  t.equal(pk?.ratios['direct'], null);
});

t.test('goals are met, missed, or n/a with the reason', async (t) => {
  const rows = buildRows([
    run('direct', 1, 1000, 0.1),
    run('simple-shuffle', 1, 600, 0.2),
    run('node-proxy', 1, 400, 0.2),
  ]);
  const goals = evaluateGoals(rows, [
    { target: 'knn', reason: 'models/knn-9 absent' },
  ]);
  const find = (goal: string, target: string) =>
    goals.find((g) => g.goal === goal && g.target === target);
  t.equal(find('saturation req/s vs direct', 'simple-shuffle')?.status, 'met');
  t.equal(
    find('saturation req/s vs node:http proxy', 'simple-shuffle')?.status,
    'missed',
  );
  t.equal(
    find('saturation req/s vs direct', 'knn')?.note,
    'models/knn-9 absent',
  );
  t.equal(find('saturation req/s vs Portkey', 'simple-shuffle')?.status, 'n/a');
  t.equal(
    find('CPU per non-streaming request', 'simple-shuffle')?.status,
    'met',
  );
});
