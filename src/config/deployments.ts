/**
 * Turns `model_list` entries into deployments: provider family from the
 * `provider/name` prefix, default API bases, timeouts in milliseconds.
 */
import { ObjectReader, refuse } from './reader.js';
import type {
  DeploymentConfig,
  MockParams,
  ModelInfo,
  ProviderFamily,
} from './types.js';

const kDefaultBases: Readonly<Partial<Record<ProviderFamily, string>>> = {
  openai: 'https://api.openai.com/v1',
  nvidia_nim: 'https://integrate.api.nvidia.com/v1',
  ollama: 'http://127.0.0.1:11434/v1',
};

const kFamilies: ReadonlySet<string> = new Set([
  'openai',
  'hosted_vllm',
  'ollama',
  'nvidia_nim',
  'mock',
  'routeiq',
]);

// LiteLLM's "openai_like" families and any custom prefix speak OpenAI's
// wire protocol when an api_base is given.
function familyOf(prefix: string, hasBase: boolean, path: string) {
  if (kFamilies.has(prefix)) return prefix as ProviderFamily;
  if (prefix === 'ollama_chat') return 'ollama';
  if (hasBase) return 'openai';
  return refuse(path, `unknown provider "${prefix}" and no api_base`);
}

function readMock(p: ObjectReader): MockParams {
  return {
    latencyMs: p.num('mock_latency_ms', { min: 0 }) ?? 0,
    chunks: p.num('mock_chunks', { min: 1, int: true }) ?? 8,
    chunkIntervalMs: p.num('mock_chunk_interval_ms', { min: 0 }) ?? 0,
    outputTokens: p.num('mock_output_tokens', { min: 1, int: true }) ?? 16,
    response: p.str('mock_response'),
  };
}

function readModelInfo(raw: unknown, path: string): ModelInfo {
  const info = new ObjectReader(raw, path);
  return {
    inputCostPerToken: info.num('input_cost_per_token', { min: 0 }) ?? 0,
    outputCostPerToken: info.num('output_cost_per_token', { min: 0 }) ?? 0,
    mode: info.str('mode'),
  };
}

/** Normalise an Ollama base to its OpenAI-compatible `/v1` API. */
function normaliseBase(family: ProviderFamily, base: string): string {
  const trimmed = base.replace(/\/+$/, '');
  if (family === 'ollama' && !trimmed.endsWith('/v1')) return `${trimmed}/v1`;
  return trimmed;
}

/** Read one `model_list` entry; `warn` receives unknown option paths. */
export function readDeployment(
  raw: unknown,
  index: number,
  defaultTimeoutMs: number,
  warn: (path: string) => void,
): DeploymentConfig {
  const entry = new ObjectReader(raw, `model_list[${index}]`);
  const modelName = entry.requiredStr('model_name');
  const p = entry.child('litellm_params');
  const model = p.requiredStr('model');
  const apiBase = p.str('api_base');

  const slash = model.indexOf('/');
  const prefix = slash === -1 ? 'openai' : model.slice(0, slash);
  const upstreamModel = slash === -1 ? model : model.slice(slash + 1);
  const provider = familyOf(prefix, apiBase !== null, p.at('model'));
  const base = apiBase ?? kDefaultBases[provider] ?? null;
  if (base === null && provider !== 'mock' && provider !== 'routeiq') {
    refuse(p.at('api_base'), `is required for provider ${provider}`);
  }

  const timeoutS = p.num('timeout', { min: 0 });
  const streamTimeoutS = p.num('stream_timeout', { min: 0 });
  const timeoutMs = timeoutS === null ? defaultTimeoutMs : timeoutS * 1000;
  const info = entry.raw('model_info');
  const infoReader = new ObjectReader(info, entry.at('model_info'));
  const id = infoReader.str('id') ?? `${modelName}#${index}`;

  const dep: DeploymentConfig = {
    id,
    modelName,
    provider,
    upstreamModel,
    apiBase: base === null ? null : normaliseBase(provider, base),
    apiKey: p.str('api_key'),
    rpm: p.num('rpm', { min: 0 }),
    tpm: p.num('tpm', { min: 0 }),
    weight: p.num('weight', { min: 0 }),
    timeoutMs,
    streamTimeoutMs:
      streamTimeoutS === null ? timeoutMs : streamTimeoutS * 1000,
    connectTimeoutMs: p.num('connect_timeout_ms', { min: 1 }) ?? 10_000,
    mock: provider === 'mock' ? readMock(p) : null,
    modelInfo: readModelInfo(info, entry.at('model_info')),
  };
  for (const path of [...entry.unknownKeys(), ...p.unknownKeys()]) {
    warn(path);
  }
  return dep;
}
