/**
 * Generates the gateway's config (LiteLLM `config.yaml` shape) for a
 * benchmark target: every deployment points at the mock upstream. A
 * learned-router target adds the `auto` group served by `routeiq/<name>`
 * and its `routeiq_settings.routers` block.
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';

/** Group the plain load-balancing targets ask for. */
export const kBenchGroup = 'bench-model';

/** Group a learned router serves. */
export const kAutoGroup = 'auto';

/** A shipped router artifact to benchmark. */
export interface RouterArtifact {
  /** Folder name under models/, e.g. `knn-9`. */
  readonly name: string;
  /** `knn` or `mlp`. */
  readonly strategy: string;
  readonly dir: string;
  /** Candidate model groups, in the artifact's output order. */
  readonly candidates: readonly string[];
}

/** The nine candidates of the shipped routers (config/gateway.yaml). */
export const kNineCandidates: readonly string[] = Object.freeze([
  'codegemma-7b',
  'gemma-2-9b-it',
  'llama-3.1-8b-instruct',
  'llama-3.1-nemotron-51b-instruct',
  'llama-3.3-nemotron-super-49b-v1',
  'llama3-chatqa-1.5-70b',
  'llama3-chatqa-1.5-8b',
  'mistral-7b-instruct-v0.3',
  'qwen2.5-7b-instruct',
]);

function manifestCandidates(dir: string): string[] | null {
  const files = readdirSync(dir).filter((f) => f.endsWith('.json'));
  for (const f of files) {
    try {
      const raw: unknown = JSON.parse(readFileSync(join(dir, f), 'utf8'));
      const c = (raw as { candidates?: unknown } | null)?.candidates;
      if (Array.isArray(c) && c.every((x) => typeof x === 'string')) {
        return c as string[];
      }
    } catch {
      // Not a manifest; try the next file.
    }
  }
  return null;
}

/** The router artifact `models/<name>`, or null when it is not shipped. */
export function findRouter(
  root: string,
  name: string,
  strategy: string,
): RouterArtifact | null {
  const dir = join(root, 'models', name);
  if (!existsSync(dir)) return null;
  const candidates = manifestCandidates(dir) ?? [...kNineCandidates];
  return { name, strategy, dir, candidates };
}

function deployment(group: string, upstream: string, weight: number) {
  return {
    model_name: group,
    litellm_params: {
      model: `openai/${group}`,
      api_base: `${upstream}/v1`,
      api_key: 'sk-bench-dummy',
      weight,
    },
  };
}

/**
 * YAML config for a gateway in front of the mock at `upstream`, with its
 * request log in its own SQLite file at `dbPath` (never the repo's).
 */
export function gatewayConfig(
  upstream: string,
  router: RouterArtifact | null,
  dbPath: string,
): string {
  // Two weighted deployments, so simple-shuffle really chooses.
  const modelList: unknown[] = [
    deployment(kBenchGroup, upstream, 3),
    deployment(kBenchGroup, upstream, 1),
  ];
  const routeiq: Record<string, unknown> = {
    host: '127.0.0.1',
    max_in_flight: 4096,
  };
  if (router !== null) {
    for (const c of router.candidates) {
      modelList.push(deployment(c, upstream, 1));
    }
    modelList.push({
      model_name: kAutoGroup,
      litellm_params: { model: `routeiq/${router.name}` },
    });
    routeiq['routers'] = {
      [router.name]: {
        strategy: router.strategy,
        artifact: router.dir,
        candidates: [...router.candidates],
        default_model: router.candidates[0],
      },
    };
  }
  return stringify({
    model_list: modelList,
    router_settings: { routing_strategy: 'simple-shuffle', num_retries: 2 },
    general_settings: { database_url: `sqlite:${dbPath}` },
    routeiq_settings: routeiq,
  });
}
