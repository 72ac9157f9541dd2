/**
 * Per-deployment metrics: LiteLLM's deployment state and cooldown count,
 * and our upstream calls in flight. State and in-flight are read from the
 * router's Deployment objects at scrape time. A cooldown is noticed when
 * a deployment's `cooldownUntil` moves forward: checked right after the
 * failed attempt (the next hook of that request) and at every scrape, so
 * none is missed and none is counted twice.
 */
import type { Deployment } from '../routing/deployment.js';
import type { Families } from './metrics-definitions.js';
import type { CounterCell, GaugeCell } from './metrics-family.js';
import { kStatusClasses, statusClassIndex } from './metrics-labels.js';

interface Row {
  readonly dep: Deployment;
  readonly labels: readonly [string, string, string];
  readonly state: GaugeCell;
  readonly inFlight: GaugeCell;
  /** Cooldown counters by status class index of the causing failure. */
  readonly cooled: Array<CounterCell | undefined>;
  seenCooldownUntil: number;
  lastFailureClass: number;
}

/** LiteLLM's deployment states. */
const kHealthy = 0;
const kPartialOutage = 1;
const kCoolingDown = 2;

/** The deployment cells of one gateway. */
export class DeploymentCells {
  private readonly rows = new Map<Deployment, Row>();

  constructor(
    private readonly f: Families,
    deployments: readonly Deployment[],
  ) {
    for (const dep of deployments) {
      const c = dep.config;
      const labels = [c.modelName, c.id, c.provider] as const;
      this.rows.set(dep, {
        dep,
        labels,
        state: f.deploymentState.child(...labels),
        inFlight: f.upstreamInFlight.child(c.modelName, c.id),
        cooled: [],
        seenCooldownUntil: dep.cooldownUntil,
        lastFailureClass: 0,
      });
    }
  }

  /** Remember why `dep` last failed, for the cooldown that may follow. */
  noteFailure(dep: Deployment, status: number): void {
    const row = this.rows.get(dep);
    if (row !== undefined) row.lastFailureClass = statusClassIndex(status);
  }

  /** Count a cooldown of `dep` that started since the last look. */
  noteCooldown(dep: Deployment | undefined): void {
    if (dep === undefined) return;
    const row = this.rows.get(dep);
    if (row === undefined || dep.cooldownUntil <= row.seenCooldownUntil) {
      return;
    }
    row.seenCooldownUntil = dep.cooldownUntil;
    const cls = row.lastFailureClass;
    let cell = row.cooled[cls];
    if (cell === undefined) {
      const status = kStatusClasses[cls] as string;
      cell = row.cooled[cls] = this.f.cooledDown.child(...row.labels, status);
    }
    cell.inc();
  }

  /** Scrape time: catch up on cooldowns, then read state and load. */
  collect(now = Date.now()): void {
    for (const row of this.rows.values()) {
      const dep = row.dep;
      this.noteCooldown(dep);
      // Failing but still routed to is LiteLLM's "partial outage".
      let state = dep.failures > 0 ? kPartialOutage : kHealthy;
      if (!dep.isHealthy(now)) state = kCoolingDown;
      row.state.set(state);
      row.inFlight.set(dep.inFlight);
    }
  }
}
