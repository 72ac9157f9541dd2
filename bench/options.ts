/**
 * Command-line options of `dist/bench/run.js`. Defaults give the full
 * suite; `--quick` the short one that `npm run bench:quick` runs.
 */
import { parseArgs } from 'node:util';

/** Which program offers the closed-loop load. */
export type Generator = 'autocannon' | 'wrk';

/** Gateway variants the profile can run. */
export type ProfileTarget = 'simple-shuffle' | 'tracing';

/** Resolved options of one benchmark run. */
export interface BenchOptions {
  readonly quick: boolean;
  readonly generator: Generator;
  /** Target names to run (the direct baseline always runs); null = all. */
  readonly targets: readonly string[] | null;
  readonly scenarios: readonly string[] | null;
  /** Also record a CPU profile of the gateway under saturation. */
  readonly profile: boolean;
  /** The gateway variant profiled. */
  readonly profileTarget: ProfileTarget;
  /** The saturation scenario the profile runs. */
  readonly profileScenario: 'sat-json' | 'sat-stream';
  readonly outDir: string;
  readonly chunks: number;
  readonly chunkIntervalMs: number;
  /** Rounds of the saturation scenarios (null: the profile's default). */
  readonly rounds: number | null;
}

/** Usage text for `--help`. */
export const kUsage = `usage: node dist/bench/run.js [options]
  --quick                 short suite (about 2 minutes)
  --generator <name>      autocannon (default) or wrk (if installed)
  --targets <a,b>         only these targets (direct always runs)
  --scenarios <a,b>       only these scenarios
  --profile / --no-profile  CPU profile of the gateway under saturation
                          (default: on for the full suite, off for quick)
  --profile-target <name> simple-shuffle (default) or tracing
  --profile-scenario <s>  sat-json (default) or sat-stream
  --rounds <n>            rounds of the saturation scenarios
  --chunks <n>            content chunks per streamed answer (default 20)
  --chunk-interval-ms <n> gap between streamed chunks (default 0)
  --out <dir>             where reports go (default bench/results)`;

function list(v: string | undefined): string[] | null {
  if (v === undefined || v === '') return null;
  return v
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
}

function int(v: string | undefined, name: string, min: number) {
  if (v === undefined) return null;
  const n = Number(v);
  if (!Number.isInteger(n) || n < min) {
    throw new Error(`${name} must be an integer >= ${min}`);
  }
  return n;
}

/** Parse argv (without node and script); null means `--help`. */
export function parseOptions(argv: readonly string[]): BenchOptions | null {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      quick: { type: 'boolean', default: false },
      generator: { type: 'string', default: 'autocannon' },
      targets: { type: 'string' },
      scenarios: { type: 'string' },
      profile: { type: 'boolean' },
      'no-profile': { type: 'boolean' },
      'profile-target': { type: 'string', default: 'simple-shuffle' },
      'profile-scenario': { type: 'string', default: 'sat-json' },
      rounds: { type: 'string' },
      chunks: { type: 'string' },
      'chunk-interval-ms': { type: 'string' },
      out: { type: 'string', default: 'bench/results' },
      help: { type: 'boolean', short: 'h', default: false },
    },
    strict: true,
  });
  if (values.help) return null;
  const generator = values.generator;
  if (generator !== 'autocannon' && generator !== 'wrk') {
    throw new Error('--generator must be autocannon or wrk');
  }
  const profileTarget = values['profile-target'];
  if (profileTarget !== 'simple-shuffle' && profileTarget !== 'tracing') {
    throw new Error('--profile-target must be simple-shuffle or tracing');
  }
  const profileScenario = values['profile-scenario'];
  if (profileScenario !== 'sat-json' && profileScenario !== 'sat-stream') {
    throw new Error('--profile-scenario must be sat-json or sat-stream');
  }
  const quick = values.quick;
  return {
    quick,
    generator,
    targets: list(values.targets),
    scenarios: list(values.scenarios),
    profile: values['no-profile'] ? false : (values.profile ?? !quick),
    profileTarget,
    profileScenario,
    outDir: values.out,
    chunks: int(values.chunks, '--chunks', 1) ?? 20,
    chunkIntervalMs:
      int(values['chunk-interval-ms'], '--chunk-interval-ms', 0) ?? 0,
    rounds: int(values.rounds, '--rounds', 1),
  };
}
