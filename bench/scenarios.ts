/**
 * The scenarios of `npm run bench` and `npm run bench:quick`. Closed-loop
 * probes (one connection) show added latency; 64 connections show
 * throughput; fixed rates show latency at equal load; 8 KB prompts show
 * what featurizing costs the learned routers.
 */
import type { Scenario } from './types.js';

/** Connections of the saturation scenarios. */
export const kSaturation = 64;

/** Bytes of message text in the long-prompt scenarios. */
export const kLongPrompt = 8 * 1024;

const kShortPrompt = 64;

/** Durations of one profile, in seconds. */
interface Timing {
  readonly durationS: number;
  readonly warmupS: number;
  readonly satRounds: number;
}

function closed(
  name: string,
  title: string,
  connections: number,
  stream: boolean,
  promptBytes: number,
  t: Timing,
): Scenario {
  // Extra rounds where the headline ratios come from; one elsewhere.
  const rounds =
    connections > 1 && promptBytes === kShortPrompt ? t.satRounds : 1;
  return {
    name,
    title,
    load: 'closed',
    connections,
    rate: null,
    durationS: t.durationS,
    warmupS: t.warmupS,
    stream,
    promptBytes,
    rounds,
  };
}

function fixedRate(rate: number, t: Timing): Scenario {
  return {
    name: `rate-${rate}`,
    title: `Fixed rate ${rate} req/s, non-streaming`,
    load: 'rate',
    connections: kSaturation,
    rate,
    durationS: t.durationS,
    warmupS: t.warmupS,
    stream: false,
    promptBytes: kShortPrompt,
    rounds: 1,
  };
}

/** Every scenario of a profile, in the order they run. */
export function scenariosFor(quick: boolean, rounds: number | null) {
  const t: Timing = quick
    ? { durationS: 2, warmupS: 0.5, satRounds: rounds ?? 1 }
    : { durationS: 7, warmupS: 1, satRounds: rounds ?? 2 };
  const s = kSaturation;
  const all: Scenario[] = [
    closed(
      'probe-json',
      'Unloaded probe, non-streaming',
      1,
      false,
      kShortPrompt,
      t,
    ),
    closed(
      'probe-stream',
      'Unloaded probe, streaming',
      1,
      true,
      kShortPrompt,
      t,
    ),
    closed('sat-json', 'Saturation, non-streaming', s, false, kShortPrompt, t),
    closed('sat-stream', 'Saturation, streaming', s, true, kShortPrompt, t),
    fixedRate(500, t),
    fixedRate(1000, t),
    fixedRate(2000, t),
    closed(
      'long-probe',
      'Unloaded probe, 8 KB prompt',
      1,
      false,
      kLongPrompt,
      t,
    ),
    closed('long-sat', 'Saturation, 8 KB prompt', s, false, kLongPrompt, t),
  ];
  if (!quick) return all;
  const kQuick = new Set([
    'probe-json',
    'sat-json',
    'sat-stream',
    'rate-1000',
    'long-sat',
  ]);
  return all.filter((sc) => kQuick.has(sc.name));
}
