/**
 * Live state of one deployment: in-flight count, latency average and
 * cooldown. Invariant: `inFlight` >= 0; `cooldownUntil` is an epoch ms
 * that is in the past when the deployment is usable.
 */
import type { DeploymentConfig } from '../config/types.js';
import type { Provider } from '../providers/types.js';

/** A deployment plus its mutable health and load state. */
export class Deployment {
  readonly config: DeploymentConfig;
  readonly provider: Provider | null;
  inFlight = 0;
  /** Exponentially weighted mean latency in ms; 0 until measured. */
  latencyEwmaMs = 0;
  failures = 0;
  cooldownUntil = 0;
  /** Requests started in the current minute, for rpm-weighted shuffle. */
  minuteCount = 0;

  constructor(config: DeploymentConfig, provider: Provider | null) {
    this.config = config;
    this.provider = provider;
  }

  get id(): string {
    return this.config.id;
  }

  /** Usable now: not cooling down. */
  isHealthy(now: number): boolean {
    return this.cooldownUntil <= now;
  }

  recordLatency(ms: number): void {
    this.latencyEwmaMs =
      this.latencyEwmaMs === 0 ? ms : this.latencyEwmaMs * 0.8 + ms * 0.2;
  }
}

/** The deployments that share one `model_name`. */
export interface ModelGroup {
  readonly name: string;
  readonly deployments: readonly Deployment[];
  /** Set when the group is a learned router (`routeiq/<router>`). */
  readonly routerName: string | null;
}
