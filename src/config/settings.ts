/**
 * `router_settings`, `general_settings` and `routeiq_settings`: read with
 * LiteLLM's defaults and units (seconds in the file, ms inside).
 */
import { ObjectReader, refuse } from './reader.js';
import type {
  GeneralSettings,
  LearnedRouterConfig,
  RouteiqSettings,
  RouterSettings,
} from './types.js';

/** Strategies the router accepts by name (LiteLLM's plus ours). */
export const kRoutingStrategies: ReadonlySet<string> = new Set([
  'simple-shuffle',
  'random',
  'least-busy',
  'latency-based-routing',
  'usage-based-routing',
  'usage-based-routing-v2',
]);

function readFallbacks(r: ObjectReader): Map<string, string[]> {
  // LiteLLM shape: [{"gpt-4": ["gpt-3.5"]}, ...]
  const out = new Map<string, string[]>();
  r.list('fallbacks').forEach((item, i) => {
    const entry = new ObjectReader(item, `${r.at('fallbacks')}[${i}]`);
    for (const key of Object.keys(item as object)) {
      const targets = entry.list(key).map((t, j) => {
        if (typeof t !== 'string') refuse(`${entry.at(key)}[${j}]`, 'string');
        return t;
      });
      out.set(key, targets);
    }
  });
  return out;
}

/** Read `router_settings`. */
export function readRouterSettings(r: ObjectReader): RouterSettings {
  const strategy = r.str('routing_strategy') ?? 'simple-shuffle';
  if (!kRoutingStrategies.has(strategy)) {
    refuse(r.at('routing_strategy'), `unknown strategy "${strategy}"`);
  }
  return {
    routingStrategy: strategy,
    numRetries: r.num('num_retries', { min: 0, int: true }) ?? 2,
    timeoutMs: (r.num('timeout', { min: 0 }) ?? 600) * 1000,
    fallbacks: readFallbacks(r),
    allowedFails: r.num('allowed_fails', { min: 0, int: true }) ?? 3,
    cooldownTimeMs: (r.num('cooldown_time', { min: 0 }) ?? 5) * 1000,
    retryAfterCapMs: (r.num('retry_after_cap', { min: 0 }) ?? 10) * 1000,
  };
}

/** Read `general_settings`; the environment fills what the file omits. */
export function readGeneralSettings(
  r: ObjectReader,
  env: Readonly<Record<string, string | undefined>>,
): GeneralSettings {
  return {
    masterKey: r.str('master_key') ?? env['ROUTEIQ_MASTER_KEY'] ?? null,
    databaseUrl: r.str('database_url') ?? env['DATABASE_URL'] ?? null,
  };
}

function readRouters(
  r: ObjectReader,
  warn: (path: string) => void,
): LearnedRouterConfig[] {
  const raw = r.raw('routers');
  if (raw === undefined || raw === null) return [];
  const routers = new ObjectReader(raw, r.at('routers'));
  return Object.keys(raw as object).map((name) => {
    const c = routers.child(name);
    const candidates = c.list('candidates').map((v, i) => {
      if (typeof v !== 'string')
        refuse(`${c.at('candidates')}[${i}]`, 'string');
      return v;
    });
    const router: LearnedRouterConfig = {
      name,
      strategy: c.requiredStr('strategy'),
      artifact: c.str('artifact') ?? '',
      candidates,
      costWeight: c.num('cost_weight', { min: 0 }),
      taskTimeoutMs: c.num('task_timeout_ms', { min: 1 }) ?? 50,
      defaultModel: c.requiredStr('default_model'),
    };
    for (const path of c.unknownKeys()) warn(path);
    return router;
  });
}

// The store refuses more; refusing here names the option in the file.
const kMaxLogQueue = 10_000_000;

function readQueueCapacity(r: ObjectReader): number {
  const n = r.num('log_queue_capacity', { min: 1, int: true }) ?? 10_000;
  if (n > kMaxLogQueue) {
    refuse(r.at('log_queue_capacity'), `must be <= ${kMaxLogQueue}`);
  }
  return n;
}

/** Read `routeiq_settings`, with CLI/env overrides for host and port. */
export function readRouteiqSettings(
  r: ObjectReader,
  overrides: {
    port: number | null;
    host: string | null;
    logLevel: string | null;
  },
  warn: (path: string) => void = () => undefined,
): RouteiqSettings {
  const metrics = r.child('metrics');
  // Read the file's values even when overridden: an overridden key is
  // still a known key, not a typo to warn about.
  const host = r.str('host');
  const port = r.num('port', { min: 0, int: true });
  const logLevel = r.str('log_level');
  const settings: RouteiqSettings = {
    host: overrides.host ?? host ?? '127.0.0.1',
    port: overrides.port ?? port ?? 4000,
    maxBodyBytes: r.num('max_body_bytes', { min: 1, int: true }) ?? 4 << 20,
    maxHeaderBytes:
      r.num('max_header_bytes', { min: 1024, int: true }) ?? 16_384,
    maxInFlight: r.num('max_in_flight', { min: 1, int: true }) ?? 1024,
    drainTimeoutMs: r.num('drain_timeout_ms', { min: 0 }) ?? 25_000,
    streamStallTimeoutMs:
      r.num('stream_stall_timeout_ms', { min: 1 }) ?? 30_000,
    logLevel: overrides.logLevel ?? logLevel ?? 'info',
    logText: r.bool('log_text') ?? false,
    keyRefreshMs: r.num('key_refresh_ms', { min: 10, int: true }) ?? 30_000,
    keyUsageSyncMs: r.num('key_usage_sync_ms', { min: 10, int: true }) ?? 1000,
    logQueueCapacity: readQueueCapacity(r),
    metrics: {
      token: metrics.str('token'),
      port: metrics.num('port', { min: 0, int: true }),
    },
    routers: readRouters(r, warn),
    inferenceThreads: r.num('inference_threads', { min: 1, int: true }) ?? 1,
    inferenceMaxQueue: r.num('inference_max_queue', { min: 1 }) ?? 256,
  };
  // Nested blocks are read here, so their typos are reported from here.
  for (const path of metrics.unknownKeys()) warn(path);
  return settings;
}
