/**
 * The strategy interface. A load-balancing strategy picks a deployment of
 * a group; a learned strategy (knn, mlp) picks a candidate model group and
 * then a deployment of it. Both answer with a RoutingDecision, which is
 * what spans, headers, metrics and the request log report.
 */
import type { Deployment, ModelGroup } from './deployment.js';

/** What a strategy needs to know about the request. */
export interface RoutingInput {
  readonly group: ModelGroup;
  /** Healthy deployments of the group, never empty. */
  readonly healthy: readonly Deployment[];
  /** Prompt text for learned routers (concatenated messages). */
  readonly text: string;
  /** Caller's cost weight (`x-routeiq-cost-weight`), if any. */
  readonly costWeight: number | null;
  /** W3C traceparent of the routing span, for worker spans. */
  readonly traceparent: string | null;
}

/** One candidate's predicted quality and cost (learned strategies). */
export interface CandidateScore {
  readonly model: string;
  readonly quality: number;
  readonly cost: number;
  readonly utility: number;
}

/** The outcome of routing, as every sink reports it. */
export interface RoutingDecision {
  readonly deployment: Deployment;
  readonly strategy: string;
  /** Utility of the pick (learned strategies); null otherwise. */
  readonly score: number | null;
  readonly candidatesEvaluated: number;
  readonly strategyVersion: string | null;
  readonly fallbackTriggered: boolean;
  readonly decisionReason: string;
  readonly candidates: readonly CandidateScore[] | null;
  /** Model group the pick belongs to (differs for learned routers). */
  readonly modelGroup: string;
}

/** Picks one deployment of a group; may be async (learned routers). */
export interface RoutingStrategy {
  readonly name: string;
  select(input: RoutingInput): RoutingDecision | Promise<RoutingDecision>;
}

/** A decision for plain load balancing inside one group. */
export function lbDecision(
  strategy: string,
  input: RoutingInput,
  deployment: Deployment,
  reason: string,
): RoutingDecision {
  return {
    deployment,
    strategy,
    score: null,
    candidatesEvaluated: input.healthy.length,
    strategyVersion: null,
    fallbackTriggered: false,
    decisionReason: reason,
    candidates: null,
    modelGroup: input.group.name,
  };
}
