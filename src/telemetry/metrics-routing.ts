/**
 * Cells of the routing metrics: the latency histogram by strategy and
 * outcome, and router fallbacks by strategy and reason. Strategy labels
 * are the load-balancing names LiteLLM accepts plus the configured
 * learned routers (their strategy and their name); anything else is
 * `other`. Invariant: `latency[s * outcomes + o]` is the cell of
 * strategy index s and outcome index o.
 */
import type { GatewayConfig } from '../config/types.js';
import { kRoutingStrategies } from '../config/settings.js';
import { kLoadBalancers } from '../routing/load-balancing.js';
import type { Families } from './metrics-definitions.js';
import type { CounterCell, HistogramCell } from './metrics-family.js';
import {
  CappedLabels,
  ClosedLabels,
  kRoutingOutcomes,
} from './metrics-labels.js';

/** Index of each routing outcome in kRoutingOutcomes. */
export const kOutcomeOk = 0;
export const kOutcomeFallback = 1;
export const kOutcomeError = 2;

// Fallback reasons come from strategies' code; a handful exist.
const kMaxReasons = 32;

/** The routing cells of one gateway. */
export class RoutingCells {
  readonly strategies: ClosedLabels;
  private readonly latency: Array<HistogramCell | undefined> = [];
  private readonly fallbacks = new Map<string, CounterCell>();
  private readonly reasons = new CappedLabels(kMaxReasons);
  /** Strategy index serving each model group, for failed decisions. */
  private readonly groupStrategy = new Map<string, number>();

  constructor(
    private readonly f: Families,
    config: GatewayConfig,
  ) {
    const routers = config.routeiq.routers;
    this.strategies = new ClosedLabels([
      ...kRoutingStrategies,
      ...routers.map((r) => r.strategy),
      ...routers.map((r) => r.name),
    ]);
    // Aliases (usage-based-routing-v2) decide under their strategy's name.
    const configured = config.routerSettings.routingStrategy;
    const balancer = kLoadBalancers.get(configured)?.name ?? configured;
    for (const d of config.modelList) {
      // A `routeiq/<router>` group is served by that learned router.
      const learned = routers.find((r) => r.name === d.upstreamModel);
      const name =
        d.provider === 'routeiq' ? (learned?.strategy ?? null) : balancer;
      this.groupStrategy.set(d.modelName, this.strategies.indexOf(name));
    }
  }

  /** Strategy index of a decision's `strategy` field. */
  strategyIndex(strategy: string): number {
    return this.strategies.indexOf(strategy);
  }

  /** Strategy index of the group that routes `model` (for failures). */
  groupStrategyIndex(model: string | null): number {
    if (model === null) return this.strategies.otherIndex;
    return this.groupStrategy.get(model) ?? this.strategies.otherIndex;
  }

  /** Record one routing decision's latency. */
  observe(strategy: number, outcome: number, seconds: number): void {
    const i = strategy * kRoutingOutcomes.length + outcome;
    let cell = this.latency[i];
    if (cell === undefined) {
      cell = this.latency[i] = this.f.routingLatency.child(
        this.strategies.names[strategy] as string,
        kRoutingOutcomes[outcome] as string,
      );
    }
    cell.observe(seconds);
  }

  /** Count a decision a strategy handed to its fallback. */
  countFallback(strategy: number, reason: string): void {
    const r = this.reasons.valueOf(reason);
    const key = `${strategy}|${r}`;
    let cell = this.fallbacks.get(key);
    if (cell === undefined) {
      const s = this.strategies.names[strategy] as string;
      cell = this.f.routerFallbacks.child(s, r);
      this.fallbacks.set(key, cell);
    }
    cell.inc();
  }
}
