/**
 * Model groups, their health and the choice of a deployment. Cooldown
 * follows LiteLLM (`allowed_fails`, `cooldown_time`) with one rule added:
 * it never cools the last usable deployment of a group.
 */
import type { GatewayConfig } from '../config/types.js';
import { NoHealthyDeploymentError } from '../errors.js';
import { createProvider } from '../providers/index.js';
import { Deployment } from './deployment.js';
import type { ModelGroup } from './deployment.js';
import { kLoadBalancers } from './load-balancing.js';
import type { RoutingDecision, RoutingStrategy } from './strategy.js';

/** Per-request routing parameters. */
export interface RouteRequest {
  readonly text: string;
  readonly costWeight: number | null;
  readonly traceparent: string | null;
}

/** Owns every deployment and answers "which one serves this request". */
export class Router {
  readonly groups = new Map<string, ModelGroup>();
  readonly deployments: readonly Deployment[];
  private readonly balancer: RoutingStrategy;
  private readonly learned = new Map<string, RoutingStrategy>();
  private readonly allowedFails: number;
  private readonly cooldownMs: number;
  private readonly fallbacks: ReadonlyMap<string, readonly string[]>;
  private readonly minuteTimer: NodeJS.Timeout;

  constructor(config: GatewayConfig) {
    const rs = config.routerSettings;
    this.balancer = kLoadBalancers.get(rs.routingStrategy) as RoutingStrategy;
    this.allowedFails = rs.allowedFails;
    this.cooldownMs = rs.cooldownTimeMs;
    this.fallbacks = rs.fallbacks;
    const byName = new Map<string, Deployment[]>();
    const all: Deployment[] = [];
    for (const dc of config.modelList) {
      const d = new Deployment(dc, createProvider(dc));
      all.push(d);
      const list = byName.get(dc.modelName) ?? [];
      list.push(d);
      byName.set(dc.modelName, list);
    }
    for (const [name, deployments] of byName) {
      const first = deployments[0] as Deployment;
      const routerName =
        first.config.provider === 'routeiq' ? first.config.upstreamModel : null;
      this.groups.set(name, { name, deployments, routerName });
    }
    this.deployments = all;
    this.minuteTimer = setInterval(() => {
      for (const d of all) d.minuteCount = 0;
    }, 60_000).unref();
  }

  /** Install a learned strategy for groups naming `routeiq/<name>`. */
  registerLearned(routerName: string, strategy: RoutingStrategy): void {
    this.learned.set(routerName, strategy);
  }

  learnedStrategy(routerName: string): RoutingStrategy | undefined {
    return this.learned.get(routerName);
  }

  group(name: string): ModelGroup | undefined {
    return this.groups.get(name);
  }

  /** Groups to try after `name` fails, from `router_settings.fallbacks`. */
  fallbacksFor(name: string): readonly string[] {
    return this.fallbacks.get(name) ?? this.fallbacks.get('*') ?? [];
  }

  /** Healthy deployments; if all are cooling, the one freed soonest. */
  healthy(group: ModelGroup, now = Date.now()): Deployment[] {
    const out = group.deployments.filter((d) => d.isHealthy(now));
    if (out.length > 0) return out;
    let soonest: Deployment | null = null;
    for (const d of group.deployments) {
      if (soonest === null || d.cooldownUntil < soonest.cooldownUntil) {
        soonest = d;
      }
    }
    return soonest === null ? [] : [soonest];
  }

  /** Choose a deployment of `group` (or, for a router, of a candidate). */
  route(
    group: ModelGroup,
    req: RouteRequest,
    exclude?: ReadonlySet<Deployment>,
  ): RoutingDecision | Promise<RoutingDecision> {
    const strategy =
      group.routerName === null
        ? this.balancer
        : this.learned.get(group.routerName);
    if (strategy === undefined) throw new NoHealthyDeploymentError();
    let healthy = this.healthy(group);
    if (exclude !== undefined && exclude.size > 0) {
      const rest = healthy.filter((d) => !exclude.has(d));
      if (rest.length > 0) healthy = rest;
    }
    if (healthy.length === 0) throw new NoHealthyDeploymentError();
    return strategy.select({
      group,
      healthy,
      text: req.text,
      costWeight: req.costWeight,
      traceparent: req.traceparent,
    });
  }

  /** Balance inside one group (used by learned routers after a pick). */
  balance(group: ModelGroup): RoutingDecision {
    const healthy = this.healthy(group);
    if (healthy.length === 0) throw new NoHealthyDeploymentError();
    return this.balancer.select({
      group,
      healthy,
      text: '',
      costWeight: null,
      traceparent: null,
    }) as RoutingDecision;
  }

  recordSuccess(d: Deployment, latencyMs: number): void {
    d.failures = 0;
    d.recordLatency(latencyMs);
  }

  /** Count a failure; cool down past `allowed_fails` unless it is the last. */
  recordFailure(d: Deployment, now = Date.now()): boolean {
    d.failures++;
    if (d.failures <= this.allowedFails) return false;
    const group = this.groups.get(d.config.modelName);
    const others = group?.deployments.filter(
      (o) => o !== d && o.isHealthy(now),
    );
    // Never cool all of them: a group with one usable node keeps it.
    if (others === undefined || others.length === 0) return false;
    d.cooldownUntil = now + this.cooldownMs;
    d.failures = 0;
    return true;
  }

  async close(): Promise<void> {
    clearInterval(this.minuteTimer);
    await Promise.all(this.deployments.map((d) => d.provider?.close()));
  }
}
