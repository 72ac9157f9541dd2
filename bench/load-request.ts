/**
 * One request shape as every load generator receives it: where to send
 * it, the bytes to send, and what a correct answer looks like.
 */
import type { Expectation } from './verify.js';

/** A load generator's input. */
export interface LoadRequest {
  /** Full URL of the endpoint. */
  readonly url: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
  readonly expect: Expectation;
}

/** How long and how hard to load. */
export interface LoadShape {
  readonly connections: number;
  readonly durationS: number;
  /** Requests per second for an open-loop run; null for closed loop. */
  readonly rate: number | null;
}

/** Failure counts a generator reports, and the first one in words. */
export interface FailureTally {
  failures: number;
  detail: string | null;
}

/** Count one failure, keeping the first description. */
export function tally(t: FailureTally, detail: string): void {
  t.failures++;
  t.detail ??= detail;
}
