/**
 * The resolved, validated and frozen configuration. Field names follow
 * LiteLLM's `config.yaml` where one exists (converted to camelCase);
 * RouteIQ's own options live under `routeiq_settings`.
 */

/** Upstream protocol families; all but `mock` speak OpenAI's wire API. */
export type ProviderFamily =
  'openai' | 'hosted_vllm' | 'ollama' | 'nvidia_nim' | 'mock' | 'routeiq';

/** Knobs of the built-in mock provider. */
export interface MockParams {
  readonly latencyMs: number;
  readonly chunks: number;
  readonly chunkIntervalMs: number;
  readonly outputTokens: number;
  readonly response: string | null;
}

/** Prices from `model_info`, USD per token. */
export interface ModelInfo {
  readonly inputCostPerToken: number;
  readonly outputCostPerToken: number;
  readonly mode: string | null;
}

/** One `model_list` entry: a deployment of a model group. */
export interface DeploymentConfig {
  readonly id: string;
  readonly modelName: string;
  readonly provider: ProviderFamily;
  readonly upstreamModel: string;
  readonly apiBase: string | null;
  readonly apiKey: string | null;
  readonly rpm: number | null;
  readonly tpm: number | null;
  readonly weight: number | null;
  readonly timeoutMs: number;
  readonly streamTimeoutMs: number;
  readonly connectTimeoutMs: number;
  readonly mock: MockParams | null;
  readonly modelInfo: ModelInfo;
}

/** LiteLLM's `router_settings`. */
export interface RouterSettings {
  readonly routingStrategy: string;
  readonly numRetries: number;
  readonly timeoutMs: number;
  readonly fallbacks: ReadonlyMap<string, readonly string[]>;
  readonly allowedFails: number;
  readonly cooldownTimeMs: number;
  readonly retryAfterCapMs: number;
}

/** LiteLLM's `general_settings`. */
export interface GeneralSettings {
  readonly masterKey: string | null;
  readonly databaseUrl: string | null;
}

/** A learned router (`routeiq_settings.routers.<name>`). */
export interface LearnedRouterConfig {
  readonly name: string;
  readonly strategy: string;
  readonly artifact: string;
  readonly candidates: readonly string[];
  readonly costWeight: number | null;
  readonly taskTimeoutMs: number;
  readonly defaultModel: string;
}

/** Where and how `/metrics` is served. */
export interface MetricsSettings {
  readonly token: string | null;
  /** Separate loopback-only port; null serves on the main listener. */
  readonly port: number | null;
}

/** RouteIQ's own settings. */
export interface RouteiqSettings {
  readonly host: string;
  readonly port: number;
  readonly maxBodyBytes: number;
  /** Sum of header name and value lengths above which a request is 431. */
  readonly maxHeaderBytes: number;
  readonly maxInFlight: number;
  readonly drainTimeoutMs: number;
  readonly streamStallTimeoutMs: number;
  readonly logLevel: string;
  readonly logText: boolean;
  /** How often each replica reloads virtual keys and spend (ms). */
  readonly keyRefreshMs: number;
  /** How often rpm/tpm counts are exchanged with other replicas. */
  readonly keyUsageSyncMs: number;
  /** Request-log rows that may wait for the database before drops. */
  readonly logQueueCapacity: number;
  readonly metrics: MetricsSettings;
  readonly routers: readonly LearnedRouterConfig[];
  readonly inferenceThreads: number;
  readonly inferenceMaxQueue: number;
}

import type { TracingSettings } from './tracing-settings.js';

/** The whole configuration after validation. */
export interface GatewayConfig {
  readonly source: string | null;
  readonly modelList: readonly DeploymentConfig[];
  readonly routerSettings: RouterSettings;
  readonly generalSettings: GeneralSettings;
  readonly routeiq: RouteiqSettings;
  readonly tracing: TracingSettings;
  /** `process.env` snapshot of the OTEL_* variables and friends. */
  readonly env: Readonly<Record<string, string>>;
}
