/**
 * Renders a report as Markdown: the machine and its load first (the
 * caveat), then one table per scenario, the goals, and the profile.
 */
import type { Report } from './report.js';
import type { ReportRow } from './report-rows.js';
import type { Scenario } from './types.js';

interface Column {
  readonly head: string;
  readonly cell: (r: ReportRow) => number | null;
  readonly digits: number;
}

/** A number with `digits` decimals, or an en dash when missing. */
export function fmt(v: number | null | undefined, digits: number): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return '–';
  return v.toLocaleString('en-US', {
    minimumFractionDigits: digits,
    maximumFractionDigits: digits,
  });
}

const col = (head: string, digits: number, cell: Column['cell']): Column => ({
  head,
  cell,
  digits,
});

const kThroughput: readonly Column[] = [
  col('req/s', 0, (r) => r.rps),
  col('× direct', 2, (r) => r.ratios['direct'] ?? null),
  col('× node proxy', 2, (r) => r.ratios['node-proxy'] ?? null),
  col('× Portkey', 1, (r) => r.ratios['portkey'] ?? null),
  col('p50 ms', 2, (r) => r.p50),
  col('p99 ms', 2, (r) => r.p99),
  col('CPU µs/req', 1, (r) => r.cpuUsPerReq),
  col('peak RSS MB', 0, (r) => r.peakRssMb),
  col('load gen µs/req', 1, (r) => r.generatorCpuUsPerReq),
];

const kProbe: readonly Column[] = [
  col('p50 ms', 3, (r) => r.p50),
  col('p90 ms', 3, (r) => r.p90),
  col('p99 ms', 3, (r) => r.p99),
  col('added p50 ms', 3, (r) => r.addedP50),
  col('added p99 ms', 3, (r) => r.addedP99),
  col('CPU µs/req', 1, (r) => r.cpuUsPerReq),
];

const kRate: readonly Column[] = [
  col('offered req/s', 0, (r) => r.offeredRate),
  col('achieved req/s', 0, (r) => r.rps),
  col('p50 ms', 2, (r) => r.p50),
  col('p90 ms', 2, (r) => r.p90),
  col('p99 ms', 2, (r) => r.p99),
  col('CPU µs/req', 1, (r) => r.cpuUsPerReq),
  col('send lag p99 ms', 2, (r) => r.sendLagP99Ms),
];

const kInternals: readonly Column[] = [
  col('routing p50 µs', 1, (r) => r.routingP50Us),
  col('routing p99 µs', 1, (r) => r.routingP99Us),
  col('batch size mean', 2, (r) => r.batchMean),
  col('spans/req', 2, (r) => r.spansPerReq),
  col('spans dropped', 0, (r) => r.spansDropped),
];

function table(rows: readonly ReportRow[], cols: readonly Column[]): string {
  const head = `| target | ${cols.map((c) => c.head).join(' | ')} |`;
  const rule = `| --- | ${cols.map(() => '---:').join(' | ')} |`;
  const body = rows.map((r) => {
    if (r.failure !== null) {
      const blanks = cols.slice(1).map(() => '');
      return `| ${r.target} | FAILED | ${blanks.join(' | ')} |`;
    }
    const cells = cols.map((c) => fmt(c.cell(r), c.digits));
    return `| ${r.target} | ${cells.join(' | ')} |`;
  });
  return [head, rule, ...body].join('\n');
}

function columnsFor(sc: Scenario): readonly Column[] {
  if (sc.load === 'rate') return kRate;
  return sc.connections === 1 ? kProbe : kThroughput;
}

function scenarioSection(r: Report, sc: Scenario): string {
  const rows = r.rows.filter((x) => x.scenario === sc.name);
  if (rows.length === 0) return '';
  const load =
    sc.load === 'rate'
      ? `${sc.rate} req/s offered evenly, ${sc.connections} connections max`
      : `${sc.connections} connection${sc.connections === 1 ? '' : 's'}`;
  const what = `${load}, ${sc.durationS} s × ${sc.rounds} round(s), ${sc.promptBytes} B prompt`;
  const internals = rows.filter(
    (x) => x.routingP50Us !== null || x.spansPerReq !== null,
  );
  const extra =
    internals.length > 0 ? `\n\n${table(internals, kInternals)}` : '';
  return `### ${sc.title} (\`${sc.name}\`)\n\n${what}.\n\n${table(rows, columnsFor(sc))}${extra}\n`;
}

function goalsSection(r: Report): string {
  const lines = r.goals.map((g) => {
    const value = g.value === null ? '–' : `${fmt(g.value, 2)} ${g.unit}`;
    const status = g.status === 'n/a' ? `n/a (${g.note ?? ''})` : g.status;
    return `| ${g.goal} | ${g.target} | ${value} | ${g.op} ${g.limit} ${g.unit} | ${status} |`;
  });
  return [
    '## Goals (issue #8)\n',
    '| goal | target | measured | goal | status |',
    '| --- | --- | ---: | ---: | --- |',
    ...lines,
    '',
  ].join('\n');
}

function profileSection(r: Report): string {
  const p = r.profile;
  if (p === null) return '';
  const rows = (list: typeof p.summary.areas) =>
    list.map(
      (e) =>
        `| ${e.name.replace(/\|/g, '\\|')} | ${fmt(e.selfMs, 0)} | ${fmt(e.share * 100, 1)}% |`,
    );
  return [
    `## Where the gateway's time goes (\`${p.target ?? 'simple-shuffle'}\`, ` +
      `\`${p.scenario}\`, \`node --cpu-prof\`)\n`,
    `Main thread busy ${fmt(p.summary.busyMs, 0)} ms, idle ${fmt(p.summary.idleMs, 0)} ms, ` +
      `${p.requests} requests: ${fmt((p.summary.busyMs * 1000) / Math.max(1, p.requests), 1)} µs of main-thread CPU per request ` +
      `(worker threads busy ${p.workerBusyMs.map((ms) => `${fmt(ms, 0)} ms`).join(', ') || 'none'}). ` +
      `Profile: \`${p.file}\`.\n`,
    '| area | self ms | share |',
    '| --- | ---: | ---: |',
    ...rows(p.summary.areas),
    '',
    '| function | self ms | share |',
    '| --- | ---: | ---: |',
    ...rows(p.summary.functions),
    '',
  ].join('\n');
}

function header(r: Report): string {
  const m = r.machine;
  return [
    `# RouteIQ benchmark: ${r.suite} suite, ${r.startedAt}\n`,
    `Machine: ${m.cores} × ${m.cpuModel}, ${m.memoryGb} GB, Linux ${m.kernel}, Node ${m.node}. ` +
      `Load average at start ${m.loadAvgStart.join(' / ')}, at end ${m.loadAvgEnd.join(' / ')} ` +
      '(a load above the core count means other work shared the CPUs: figures are noisy).',
    `Load generator: ${r.generator} in the runner process; load generator, mock upstream and target share the cores. ` +
      `Streams: ${r.chunks} content chunks, ${r.chunkIntervalMs} ms apart.\n`,
  ].join('\n');
}

function omissions(r: Report): string {
  const lines = [
    ...r.failedTargets.map(
      (o) => `- **${o.target} did not start:** ${o.reason}`,
    ),
    ...r.rows
      .filter((x) => x.failure !== null)
      .map((x) => `- **${x.target} failed \`${x.scenario}\`:** ${x.failure}`),
    ...r.skipped.map((o) => `- ${o.target} skipped: ${o.reason}`),
  ];
  return lines.length === 0 ? '' : `${lines.join('\n')}\n`;
}

/** The whole report as Markdown. */
export function renderMarkdown(r: Report): string {
  return [
    header(r),
    omissions(r),
    '## Results\n',
    ...r.scenarios.map((sc) => scenarioSection(r, sc)).filter((s) => s !== ''),
    goalsSection(r),
    profileSection(r),
  ]
    .filter((s) => s !== '')
    .join('\n');
}
