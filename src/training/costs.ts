/**
 * The cost side of a routing decision, in the unit the cost weight is
 * expressed in (decision.ts).
 *
 * A candidate's cost for one prompt is modelled as USD = perInputToken x
 * input tokens + perRequest, input tokens estimated as ceil(chars / 4),
 * perRequest covering the output allowance. Both coefficients are fitted
 * by least squares to the data's `costs_est` (which is exactly of that
 * form). Relative cost divides by `unitUsd`, the priciest candidate's
 * mean cost per training prompt: the priciest model costs 1 on an
 * average prompt, more on a long one, less on a short one.
 */
import type { RoutingRow } from './dataset.js';

/** Per-candidate linear cost model, stored in the manifest. */
export interface CostModel {
  /** USD per estimated input token, per candidate. */
  readonly perInputTokenUsd: readonly number[];
  /** USD per request regardless of prompt length, per candidate. */
  readonly perRequestUsd: readonly number[];
  /** Divisor turning USD into relative cost. */
  readonly unitUsd: number;
  /** Mean relative cost per candidate over the training prompts. */
  readonly relative: readonly number[];
}

/** Input tokens the cost model assumes for a prompt of `chars` chars. */
export function estimateTokens(chars: number): number {
  return Math.ceil(chars / 4);
}

/** Least-squares fit of cost = a x tokens + b for each candidate. */
export function fitCostModel(
  rows: readonly RoutingRow[],
  candidates: number,
): CostModel {
  if (rows.length === 0) throw new RangeError('no rows to fit costs on');
  const tokens = rows.map((r) => estimateTokens(r.prompt.length));
  const n = rows.length;
  const mt = tokens.reduce((a, b) => a + b, 0) / n;
  let vt = 0;
  for (const t of tokens) vt += (t - mt) * (t - mt);

  const perInputTokenUsd: number[] = [];
  const perRequestUsd: number[] = [];
  const means: number[] = [];
  for (let c = 0; c < candidates; c++) {
    let my = 0;
    for (const r of rows) my += r.costs[c]!;
    my /= n;
    let cov = 0;
    rows.forEach((r, i) => (cov += (tokens[i]! - mt) * (r.costs[c]! - my)));
    // All prompts equally long: no slope to learn, the mean is the cost.
    const a = vt > 0 ? cov / vt : 0;
    perInputTokenUsd.push(a);
    perRequestUsd.push(my - a * mt);
    means.push(my);
  }

  const unitUsd = Math.max(...means);
  if (!(unitUsd > 0)) throw new RangeError('costs must be positive');
  const relative = means.map((m) => m / unitUsd);
  return { perInputTokenUsd, perRequestUsd, unitUsd, relative };
}

/** Relative cost of each candidate for a prompt of `chars` characters. */
export function requestCosts(
  model: CostModel,
  chars: number,
  out: Float64Array = new Float64Array(model.relative.length),
): Float64Array {
  const tokens = estimateTokens(chars);
  for (let c = 0; c < out.length; c++) {
    const usd = model.perInputTokenUsd[c]! * tokens + model.perRequestUsd[c]!;
    out[c] = Math.max(usd, 0) / model.unitUsd;
  }
  return out;
}
