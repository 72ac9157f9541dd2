/**
 * LiteLLM's load-balancing strategies over the healthy deployments of a
 * group: simple-shuffle (weighted by weight, else rpm, else tpm),
 * least-busy (fewest in flight), latency-based-routing (lowest EWMA),
 * usage-based (lowest share of its rpm used this minute).
 */
import type { Deployment } from './deployment.js';
import { lbDecision } from './strategy.js';
import type { RoutingInput, RoutingStrategy } from './strategy.js';

function weightOf(d: Deployment): number {
  const c = d.config;
  return c.weight ?? c.rpm ?? c.tpm ?? 1;
}

/** Weighted random pick; uniform when no deployment has a weight. */
export function weightedPick(
  items: readonly Deployment[],
  rand: () => number = Math.random,
): Deployment {
  if (items.length === 1) return items[0] as Deployment;
  let total = 0;
  for (const d of items) total += weightOf(d);
  if (total <= 0) return items[Math.floor(rand() * items.length)] as Deployment;
  let r = rand() * total;
  for (const d of items) {
    r -= weightOf(d);
    if (r < 0) return d;
  }
  return items[items.length - 1] as Deployment;
}

function minBy(items: readonly Deployment[], key: (d: Deployment) => number) {
  let best = items[0] as Deployment;
  let bestKey = key(best);
  for (let i = 1; i < items.length; i++) {
    const d = items[i] as Deployment;
    const k = key(d);
    // Ties go to a random one of them so equal nodes share the load.
    if (k < bestKey || (k === bestKey && Math.random() < 0.5)) {
      best = d;
      bestKey = k;
    }
  }
  return best;
}

const simpleShuffle: RoutingStrategy = {
  name: 'simple-shuffle',
  select: (input: RoutingInput) =>
    lbDecision(
      'simple-shuffle',
      input,
      weightedPick(input.healthy),
      'weighted',
    ),
};

const random: RoutingStrategy = {
  name: 'random',
  select: (input: RoutingInput) => {
    const i = Math.floor(Math.random() * input.healthy.length);
    return lbDecision(
      'random',
      input,
      input.healthy[i] as Deployment,
      'uniform',
    );
  },
};

/** A strategy that picks the healthy deployment minimising `key`. */
function lowest(
  name: string,
  reason: string,
  key: (d: Deployment) => number,
): RoutingStrategy {
  return {
    name,
    select: (input: RoutingInput) =>
      lbDecision(name, input, minBy(input.healthy, key), reason),
  };
}

const leastBusy = lowest('least-busy', 'fewest_in_flight', (d) => d.inFlight);
const latencyBased = lowest(
  'latency-based-routing',
  'lowest_latency',
  (d) => d.latencyEwmaMs,
);
const usageBased = lowest(
  'usage-based-routing',
  'lowest_usage',
  (d) => d.minuteCount / (d.config.rpm ?? 1e9),
);

/** Load-balancing strategies by their LiteLLM names. */
export const kLoadBalancers: ReadonlyMap<string, RoutingStrategy> = new Map([
  ['simple-shuffle', simpleShuffle],
  ['random', random],
  ['least-busy', leastBusy],
  ['latency-based-routing', latencyBased],
  ['usage-based-routing', usageBased],
  ['usage-based-routing-v2', usageBased],
]);
