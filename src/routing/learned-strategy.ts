/**
 * A learned router (`knn`, `mlp`) or `random` over a router's candidate
 * model groups. The worker predicts quality per candidate; here the
 * utility quality − cost_weight × cost picks one, and the group's load
 * balancer picks its deployment. Any inference trouble falls back to the
 * default model: counted, flagged, never a 5xx (RELIABILITY.md row 6).
 */
import type { LearnedRouterConfig } from '../config/types.js';
import type { InferenceBatcher } from '../inference/batcher.js';
import { requestCosts } from '../training/costs.js';
import type { CostModel } from '../training/costs.js';
import type { ModelGroup } from './deployment.js';
import type { Router } from './router.js';
import type {
  CandidateScore,
  RoutingDecision,
  RoutingInput,
  RoutingStrategy,
} from './strategy.js';

/** What serving needs from a router artifact's manifest. */
export interface RouterModelView {
  readonly version: string;
  /** Candidate model names in the model's output order. */
  readonly candidates: readonly string[];
  /** Mean relative cost per candidate, in the same order. */
  readonly costs: readonly number[];
  /** Per-prompt cost model; when present, cost depends on prompt length. */
  readonly costModel: CostModel | null;
  readonly defaultCostWeight: number;
}

/** The live state of one learned router. */
export interface LearnedRouterState {
  readonly config: LearnedRouterConfig;
  model: RouterModelView | null;
  batcher: InferenceBatcher | null;
  /** Why the router serves only its default model, if it does. */
  degradedReason: string | null;
}

/** Called with the reason of every fallback, for metrics. */
export type FallbackListener = (router: string, reason: string) => void;

const kReasons: Readonly<Record<string, string>> = {
  GW_ERR_INFERENCE_TIMEOUT: 'inference_timeout',
  GW_ERR_INFERENCE_QUEUE_FULL: 'queue_full',
  GW_ERR_INFERENCE_FAILED: 'worker_error',
  GW_ERR_ROUTER_MODEL_INVALID: 'model_invalid',
};

function reasonOf(err: unknown): string {
  const code = (err as { code?: unknown } | null)?.code;
  return (typeof code === 'string' && kReasons[code]) || 'worker_error';
}

/** The RoutingStrategy of one `routeiq/<router>` group. */
export class LearnedStrategy implements RoutingStrategy {
  readonly name: string;
  readonly state: LearnedRouterState;
  private readonly router: Router;
  onFallback: FallbackListener | null = null;

  constructor(router: Router, state: LearnedRouterState) {
    this.router = router;
    this.state = state;
    this.name = state.config.strategy;
  }

  async select(input: RoutingInput): Promise<RoutingDecision> {
    const s = this.state;
    if (this.name === 'random') return this.random();
    if (s.batcher === null || s.model === null) {
      return this.fallback(s.degradedReason ?? 'model_unavailable');
    }
    const model = s.model;
    let qualities: Float32Array;
    try {
      const timeout = s.config.taskTimeoutMs;
      const row = await s.batcher.submit(
        input.text,
        input.traceparent,
        timeout,
      );
      qualities = row.qualities;
    } catch (err) {
      return this.fallback(reasonOf(err));
    }
    const weight =
      input.costWeight ?? s.config.costWeight ?? model.defaultCostWeight;
    return this.pick(model, qualities, weight, input.text.length);
  }

  private pick(
    model: RouterModelView,
    q: Float32Array,
    w: number,
    chars: number,
  ) {
    // The same cost the router was trained and evaluated with.
    const costs =
      model.costModel === null
        ? model.costs
        : requestCosts(model.costModel, chars);
    const table: CandidateScore[] = [];
    let best = -1;
    let bestUtility = -Infinity;
    const now = Date.now();
    for (let i = 0; i < model.candidates.length; i++) {
      const name = model.candidates[i] as string;
      const quality = q[i] ?? 0;
      const cost = costs[i] ?? 0;
      const utility = quality - w * cost;
      table.push({ model: name, quality, cost, utility });
      // A candidate with no usable deployment cannot win.
      const g = this.router.group(name);
      if (g === undefined || !g.deployments.some((d) => d.isHealthy(now)))
        continue;
      // Ties go to the cheaper candidate, as in training's decision.
      const cheaperTie =
        utility === bestUtility && cost < (costs[best] ?? Infinity);
      if (utility > bestUtility || cheaperTie) {
        best = i;
        bestUtility = utility;
      }
    }
    if (best === -1) return this.fallback('no_candidate_available');
    const group = this.router.group(
      model.candidates[best] as string,
    ) as ModelGroup;
    // The score is the chosen model's predicted quality, as in training.
    const score = table[best]?.quality ?? null;
    return this.decision(group, score, table, false, 'argmax_utility');
  }

  private random(): RoutingDecision {
    const names = this.state.config.candidates.filter((n) =>
      this.router.group(n),
    );
    const pick = names[Math.floor(Math.random() * names.length)];
    const group = pick === undefined ? undefined : this.router.group(pick);
    if (group === undefined) return this.fallback('no_candidate_available');
    return this.decision(group, null, null, false, 'uniform');
  }

  private fallback(reason: string): RoutingDecision {
    this.onFallback?.(this.state.config.name, reason);
    const group = this.router.group(
      this.state.config.defaultModel,
    ) as ModelGroup;
    return this.decision(group, null, null, true, reason);
  }

  private decision(
    group: ModelGroup,
    score: number | null,
    table: CandidateScore[] | null,
    fallback: boolean,
    reason: string,
  ): RoutingDecision {
    const lb = this.router.balance(group);
    return {
      deployment: lb.deployment,
      strategy: this.name,
      score,
      candidatesEvaluated:
        table?.length ??
        this.state.model?.candidates.length ??
        this.state.config.candidates.length,
      strategyVersion: this.state.model?.version ?? null,
      fallbackTriggered: fallback,
      decisionReason: reason,
      candidates: table,
      modelGroup: group.name,
    };
  }
}
