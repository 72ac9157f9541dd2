/**
 * The targets of one run, in the order they alternate. The learned
 * routers appear only when their artifacts are shipped under models/;
 * whether the gateway really serves them is checked when they start.
 */
import { findRouter } from './gateway-config.js';
import type { RouterArtifact } from './gateway-config.js';
import type { TargetSpec } from './types.js';

/** The planned targets plus the router artifacts found. */
export interface TargetPlan {
  readonly specs: readonly TargetSpec[];
  readonly routers: ReadonlyMap<string, RouterArtifact>;
  /** Targets left out before starting, with the reason. */
  readonly skipped: ReadonlyArray<{ target: string; reason: string }>;
}

const kLearned = [
  { target: 'knn', artifact: 'knn-9' },
  { target: 'mlp', artifact: 'mlp-9' },
] as const;

function spec(
  name: string,
  title: string,
  role: TargetSpec['role'],
  scenarios: readonly string[] | null = null,
): TargetSpec {
  return { name, title, role, scenarios };
}

/** Plan the targets under repository `root`, filtered by `only`. */
export function planTargets(
  root: string,
  only: readonly string[] | null,
): TargetPlan {
  const specs: TargetSpec[] = [
    spec('direct', 'Mock upstream, direct', 'baseline'),
    spec('simple-shuffle', 'RouteIQ, simple-shuffle', 'subject'),
  ];
  const routers = new Map<string, RouterArtifact>();
  const skipped: Array<{ target: string; reason: string }> = [];
  for (const l of kLearned) {
    const art = findRouter(root, l.artifact, l.target);
    if (art === null) {
      skipped.push({ target: l.target, reason: `models/${l.artifact} absent` });
      continue;
    }
    routers.set(l.target, art);
    specs.push(spec(l.target, `RouteIQ, ${l.target} router`, 'subject'));
  }
  specs.push(
    spec('tracing', 'RouteIQ, simple-shuffle + OTLP export', 'subject'),
    spec('portkey', 'Portkey gateway 1.15.2', 'peer'),
    spec('node-proxy', 'node:http + undici proxy', 'peer'),
    // Per-request info lines: measured where they matter most.
    spec('info-logging', 'RouteIQ, simple-shuffle, LOG_LEVEL=info', 'subject', [
      'probe-json',
      'sat-json',
    ]),
  );
  // The baseline always runs: every ratio is taken against it.
  const kept = specs.filter(
    (s) => only === null || s.name === 'direct' || only.includes(s.name),
  );
  return { specs: kept, routers, skipped };
}

/** Whether `target` runs in `scenario`. */
export function runsIn(target: TargetSpec, scenario: string): boolean {
  return target.scenarios === null || target.scenarios.includes(scenario);
}
