/**
 * Starts each kind of target in its own process and says how to reach
 * it: the gateway from dist/ with a generated config, Portkey's gateway
 * from npm, the node:http proxy, or nothing at all for the direct baseline.
 */
import { writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { request } from 'undici';
import { forkChild, nextMessage, spawnNode, waitForHttp } from './child.js';
import type { Child } from './child.js';
import { gatewayConfig, kAutoGroup, kBenchGroup } from './gateway-config.js';
import type { RouterArtifact } from './gateway-config.js';
import { freePort } from './ports.js';
import type { RunningTarget, TargetSpec } from './types.js';

/** What every launcher needs to know about the run. */
export interface LaunchEnv {
  /** Repository root (holds dist/ and node_modules/). */
  readonly root: string;
  /** Scratch folder for configs and logs. */
  readonly workDir: string;
  readonly upstream: string;
  readonly upstreamPid: number;
  /** The OTLP receiver's endpoint and span counter. */
  readonly otlp: { endpoint: string; spans: () => Promise<number> } | null;
}

/** Extra settings of a gateway target. */
export interface GatewayVariant {
  readonly router: RouterArtifact | null;
  readonly logLevel: string;
  readonly tracing: boolean;
  /** Node flags, e.g. `--cpu-prof` for the profiling run. */
  readonly execArgv?: readonly string[];
}

const kChatPath = '/v1/chat/completions';

function target(
  spec: TargetSpec,
  origin: string,
  child: Child | null,
  extra: Partial<RunningTarget> & { pid: number },
): RunningTarget {
  return {
    spec,
    origin,
    path: kChatPath,
    headers: {},
    model: kBenchGroup,
    metricsUrl: null,
    spanCount: null,
    forwards: true,
    stop: () => child?.stop() ?? Promise.resolve(),
    ...extra,
  };
}

/** The mock itself: the physical floor of every figure. */
export function directTarget(spec: TargetSpec, env: LaunchEnv): RunningTarget {
  return target(spec, env.upstream, null, {
    pid: env.upstreamPid,
    forwards: false,
  });
}

/** A RouteIQ gateway process in front of the mock. */
export async function launchGateway(
  spec: TargetSpec,
  env: LaunchEnv,
  v: GatewayVariant,
): Promise<RunningTarget> {
  const port = await freePort();
  const config = join(env.workDir, `${spec.name}.yaml`);
  const db = join(env.workDir, `${spec.name}.db`);
  writeFileSync(config, gatewayConfig(env.upstream, v.router, db));
  const tracingEnv: Record<string, string> =
    v.tracing && env.otlp !== null
      ? {
          OTEL_TRACES_EXPORTER: 'otlp',
          OTEL_EXPORTER_OTLP_ENDPOINT: env.otlp.endpoint,
        }
      : { OTEL_TRACES_EXPORTER: 'none' };
  const child = spawnNode(
    join(env.root, 'dist/src/main.js'),
    ['--config', config, '--port', String(port)],
    {
      env: { LOG_LEVEL: v.logLevel, ...tracingEnv },
      logPath: join(env.workDir, `${spec.name}.log`),
      execArgv: v.execArgv,
    },
  );
  const origin = `http://127.0.0.1:${port}`;
  await waitForHttp(`${origin}/health/readiness`, child).catch(async (e) => {
    await child.stop();
    throw e;
  });
  return target(spec, origin, child, {
    pid: child.pid,
    model: v.router === null ? kBenchGroup : kAutoGroup,
    metricsUrl: `${origin}/metrics`,
    spanCount: v.tracing ? (env.otlp?.spans ?? null) : null,
  });
}

/**
 * Whether a learned-router gateway really routes `model: auto` with its
 * strategy (not a fallback); the reason when it does not.
 */
export async function routerServes(
  t: RunningTarget,
  strategy: string,
): Promise<string | null> {
  const res = await request(`${t.origin}${t.path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      model: kAutoGroup,
      messages: [{ role: 'user', content: 'Write a haiku about routers.' }],
    }),
  });
  const text = await res.body.text();
  if (res.statusCode !== 200) {
    return `model "auto" answered ${res.statusCode}: ${text.slice(0, 120)}`;
  }
  const used = res.headers['x-routeiq-strategy'];
  if (used !== strategy) return `routed by "${String(used)}", not ${strategy}`;
  if (res.headers['x-routeiq-fallback'] !== undefined) {
    return `router fell back: ${String(res.headers['x-routeiq-fallback'])}`;
  }
  return null;
}

/** Portkey's gateway from npm, told to use the mock as OpenAI. */
export async function launchPortkey(
  spec: TargetSpec,
  env: LaunchEnv,
): Promise<RunningTarget> {
  const port = await freePort();
  const req = createRequire(join(env.root, 'package.json'));
  const script = req.resolve('@portkey-ai/gateway/build/start-server.js');
  const child = spawnNode(script, [`--port=${port}`, '--headless'], {
    // production: no bundled UI and no live log stream to feed.
    env: { NODE_ENV: 'production' },
    logPath: join(env.workDir, `${spec.name}.log`),
  });
  const origin = `http://127.0.0.1:${port}`;
  await waitForHttp(`${origin}/`, child).catch(async (e) => {
    await child.stop();
    throw e;
  });
  return target(spec, origin, child, {
    pid: child.pid,
    headers: {
      'x-portkey-provider': 'openai',
      'x-portkey-custom-host': `${env.upstream}/v1`,
      authorization: 'Bearer sk-bench-dummy',
    },
  });
}

/** The plain node:http + undici proxy. */
export async function launchNodeProxy(
  spec: TargetSpec,
  env: LaunchEnv,
): Promise<RunningTarget> {
  const child = forkChild(
    join(env.root, 'dist/bench/node-proxy.js'),
    ['--upstream', env.upstream],
    { logPath: join(env.workDir, `${spec.name}.log`) },
  );
  const { port } = await nextMessage<{ port: number }>(child, 'ready');
  return target(spec, `http://127.0.0.1:${port}`, child, { pid: child.pid });
}
