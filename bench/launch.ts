/**
 * Starts one planned target by name. The learned routers are started and
 * then asked to route `model: auto`; when they cannot yet (no wiring, a
 * fallback), they are skipped with the reason instead of failing the run.
 */
import {
  directTarget,
  launchGateway,
  launchNodeProxy,
  launchPortkey,
  routerServes,
} from './target-launch.js';
import type { LaunchEnv } from './target-launch.js';
import type { TargetPlan } from './targets.js';
import type { RunningTarget, TargetSpec } from './types.js';

/** A started target, a skip, or a failure to start. */
export type LaunchOutcome =
  | { readonly kind: 'running'; readonly target: RunningTarget }
  | { readonly kind: 'skipped' | 'failed'; readonly reason: string };

const kPlain = { router: null, logLevel: 'warn', tracing: false } as const;

async function start(
  spec: TargetSpec,
  env: LaunchEnv,
  plan: TargetPlan,
): Promise<RunningTarget> {
  switch (spec.name) {
    case 'direct':
      return directTarget(spec, env);
    case 'simple-shuffle':
      return launchGateway(spec, env, kPlain);
    case 'tracing':
      return launchGateway(spec, env, { ...kPlain, tracing: true });
    case 'info-logging':
      return launchGateway(spec, env, { ...kPlain, logLevel: 'info' });
    case 'portkey':
      return launchPortkey(spec, env);
    case 'node-proxy':
      return launchNodeProxy(spec, env);
    default: {
      const router = plan.routers.get(spec.name);
      if (router === undefined) throw new Error(`unknown target ${spec.name}`);
      return launchGateway(spec, env, { ...kPlain, router });
    }
  }
}

/** Start `spec`; learned routers that cannot serve yet are skipped. */
export async function launch(
  spec: TargetSpec,
  env: LaunchEnv,
  plan: TargetPlan,
): Promise<LaunchOutcome> {
  const learned = plan.routers.get(spec.name);
  let target: RunningTarget;
  try {
    target = await start(spec, env, plan);
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    // A shipped artifact the gateway cannot load yet is not a bench failure.
    return { kind: learned === undefined ? 'failed' : 'skipped', reason };
  }
  if (learned === undefined) return { kind: 'running', target };
  const why = await routerServes(target, learned.strategy).catch(
    (err: unknown) => String(err),
  );
  if (why === null) return { kind: 'running', target };
  await target.stop();
  return { kind: 'skipped', reason: `gateway does not serve it yet: ${why}` };
}
