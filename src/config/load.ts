/**
 * Reads the LiteLLM-shaped YAML once, resolves `os.environ/` values,
 * validates with option paths in every message, and freezes the result.
 * This folder is the only code that reads `process.env` (STYLE.md #6).
 */
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { ConfigInvalidError } from '../errors.js';
import { readDeployment } from './deployments.js';
import { substituteEnv } from './env-subst.js';
import { ObjectReader, refuse } from './reader.js';
import {
  readGeneralSettings,
  readRouteiqSettings,
  readRouterSettings,
} from './settings.js';
import { readTracingSettings } from './tracing-settings.js';
import type { GatewayConfig } from './types.js';

/** What the caller knows before the file: CLI flags and environment. */
export interface LoadOptions {
  readonly path: string | null;
  readonly text?: string;
  readonly port?: number | null;
  readonly host?: string | null;
  readonly env?: Readonly<Record<string, string | undefined>>;
}

/** A loaded config plus the unknown-key warnings to log. */
export interface LoadedConfig {
  readonly config: GatewayConfig;
  readonly warnings: readonly string[];
}

const kEnvPrefixes = ['OTEL_', 'ROUTEIQ_', 'DATABASE_URL', 'HOSTNAME'];

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}

function snapshotEnv(env: Readonly<Record<string, string | undefined>>) {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(env)) {
    if (v !== undefined && kEnvPrefixes.some((p) => k.startsWith(p))) {
      out[k] = v;
    }
  }
  return out;
}

function envPort(env: Readonly<Record<string, string | undefined>>) {
  const raw = env['PORT'];
  if (raw === undefined || raw === '') return null;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0 || n > 65535) refuse('PORT', 'port');
  return n;
}

/** Load and validate the configuration; throws ConfigInvalidError. */
export function loadConfig(opts: LoadOptions): LoadedConfig {
  const env = opts.env ?? process.env;
  let doc: unknown;
  try {
    const text =
      opts.text ?? (opts.path ? readFileSync(opts.path, 'utf8') : '');
    doc = parse(text) ?? {};
  } catch (err) {
    throw new ConfigInvalidError({
      cause: err,
      details: { path: opts.path ?? '<inline>', reason: 'unreadable YAML' },
    });
  }
  const root = new ObjectReader(substituteEnv(doc, env), '');
  const warnings: string[] = [];
  const warn = (path: string) => warnings.push(path);

  const rs = root.child('router_settings');
  const gs = root.child('general_settings');
  const rq = root.child('routeiq_settings');
  const routerSettings = readRouterSettings(rs);
  const modelList = root
    .list('model_list')
    .map((e, i) => readDeployment(e, i, routerSettings.timeoutMs, warn));
  const ids = new Set<string>();
  for (const d of modelList) {
    if (ids.has(d.id)) refuse('model_list', `duplicate deployment id ${d.id}`);
    ids.add(d.id);
  }
  const routeiq = readRouteiqSettings(
    rq,
    {
      port: opts.port ?? envPort(env),
      host: opts.host ?? env['HOST'] ?? null,
      logLevel: env['LOG_LEVEL'] ?? null,
    },
    warn,
  );
  const config: GatewayConfig = {
    source: opts.path,
    modelList,
    routerSettings,
    generalSettings: readGeneralSettings(gs, env),
    routeiq,
    tracing: readTracingSettings(env),
    env: snapshotEnv(env),
  };
  // litellm_settings and environment_variables are LiteLLM's; accepted
  // so a LiteLLM file loads, and reported so nobody expects them to work.
  for (const r of [root, rs, gs, rq]) warnings.push(...r.unknownKeys());
  return { config: deepFreeze(config), warnings };
}
