/**
 * `npm run bench` / `npm run bench:quick`: measure the mock upstream
 * directly, RouteIQ (simple-shuffle, knn, mlp, tracing, info logging),
 * Portkey's gateway and a plain node:http proxy in one alternating run,
 * then write `bench/results/<stamp>.json` and `.md`. Exit status 1 when
 * any target failed a check or did not start, 2 on bad options.
 */
import { existsSync, rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { finishMachine, describeMachine } from './machine.js';
import { renderMarkdown } from './markdown.js';
import { kUsage, parseOptions } from './options.js';
import type { BenchOptions } from './options.js';
import {
  buildReport,
  reportFailed,
  reportStem,
  writeReport,
} from './report.js';
import { runSuite } from './suite.js';
import { wrkInstalled } from './wrk-load.js';

const kRoot = fileURLToPath(new URL('../..', import.meta.url));

function log(s: string): void {
  process.stderr.write(`${s}\n`);
}

function options(): BenchOptions | null {
  try {
    return parseOptions(process.argv.slice(2));
  } catch (err) {
    log(String(err instanceof Error ? err.message : err));
    log(kUsage);
    process.exit(2);
  }
}

async function main(): Promise<number> {
  const opts = options();
  if (opts === null) {
    log(kUsage);
    return 0;
  }
  if (!existsSync(`${kRoot}dist/src/main.js`)) {
    log('dist/ is missing: run `npx tsc -p tsconfig.build.json` first');
    return 2;
  }
  if (opts.generator === 'wrk' && !wrkInstalled()) {
    log('--generator wrk: no wrk on PATH (Debian: apt-get install wrk)');
    return 2;
  }
  const machine = describeMachine();
  const startedAt = new Date().toISOString();
  const suite = opts.quick ? 'quick' : 'full';
  const stem = reportStem(startedAt, suite);
  log(
    `${suite} suite, load generator ${opts.generator}, load average ${machine.loadAvgStart.join(' ')}`,
  );
  const result = await runSuite(opts, kRoot, stem, log);
  finishMachine(machine);
  const report = buildReport({
    startedAt,
    finishedAt: new Date().toISOString(),
    suite,
    generator: opts.generator,
    chunks: opts.chunks,
    chunkIntervalMs: opts.chunkIntervalMs,
    machine,
    scenarios: result.scenarios,
    targets: result.targets,
    skipped: result.skipped,
    failedTargets: result.failedTargets,
    runs: result.runs,
    profile: result.profile,
  });
  const [json, md] = writeReport(opts.outDir, report);
  process.stdout.write(renderMarkdown(report));
  log(`report: ${json}\n        ${md}`);
  if (!reportFailed(report)) {
    // Logs and request-log databases are only worth keeping after a failure.
    rmSync(result.workDir, { recursive: true, force: true });
    return 0;
  }
  log(`logs kept in ${result.workDir}`);
  log(
    '\nBENCHMARK FAILED: a target failed its checks or did not start (see the report).',
  );
  return 1;
}

// An interrupted run exits normally so that child.ts's exit hook stops
// every target (the gateway and Portkey have no IPC channel to notice).
process.once('SIGINT', () => process.exit(130));
process.once('SIGTERM', () => process.exit(143));

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    log(
      `benchmark crashed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`,
    );
    process.exit(1);
  },
);
