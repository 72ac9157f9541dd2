/**
 * Summarises a V8 `.cpuprofile` (from `node --cpu-prof`): self time per
 * function and per area (our code by folder, each npm package, Node's
 * internals, GC, native). Self time is the share of samples that landed
 * in a function times the profile's span, as DevTools' bottom-up view.
 * https://chromedevtools.github.io/devtools-protocol/tot/Profiler/#type-Profile
 */

/** One row of the summary. */
export interface ProfileEntry {
  readonly name: string;
  readonly selfMs: number;
  /** Share of the busy (non-idle) time, 0..1. */
  readonly share: number;
}

/** Top functions and areas of one profile. */
export interface ProfileSummary {
  readonly busyMs: number;
  readonly idleMs: number;
  readonly functions: readonly ProfileEntry[];
  readonly areas: readonly ProfileEntry[];
}

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
}

interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  hitCount?: number;
}

function narrowProfile(raw: unknown) {
  const p = raw as {
    nodes?: unknown;
    startTime?: unknown;
    endTime?: unknown;
  } | null;
  if (
    p === null ||
    !Array.isArray(p.nodes) ||
    typeof p.startTime !== 'number' ||
    typeof p.endTime !== 'number'
  ) {
    throw new Error('not a V8 CPU profile');
  }
  const spanMs = (p.endTime - p.startTime) / 1000;
  return { nodes: p.nodes as ProfileNode[], spanMs };
}

/** Where a frame's code lives, coarsely. */
export function areaOf(frame: CallFrame): string {
  const url = frame.url;
  if (url === '') return frame.functionName || '(native)';
  if (url.startsWith('node:')) return 'node internals';
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (pkg !== null) return pkg[1] as string;
  // Our code by folder (src/http), or by file at the top (src/errors.js).
  const ours = /\/dist\/(src|workers|bench)\/([^/]+)/.exec(url);
  if (ours !== null) return `${ours[1]}/${ours[2]}`;
  return 'other';
}

function label(frame: CallFrame): string {
  const fn = frame.functionName || '(anonymous)';
  if (frame.url === '') return fn;
  const file = frame.url.replace(/^.*\/(dist|node_modules)\//, '');
  return `${fn} ${file}:${frame.lineNumber + 1}`;
}

function top(map: Map<string, number>, busy: number, n: number) {
  return [...map.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, n)
    .map(([name, selfMs]) => ({
      name,
      selfMs,
      share: busy > 0 ? selfMs / busy : 0,
    }));
}

/** Summarise a parsed profile into its `n` heaviest functions and areas. */
export function summarizeProfile(raw: unknown, n = 15): ProfileSummary {
  const { nodes, spanMs } = narrowProfile(raw);
  let hits = 0;
  for (const node of nodes) hits += node.hitCount ?? 0;
  const msPerHit = hits > 0 ? spanMs / hits : 0;
  const fns = new Map<string, number>();
  const areas = new Map<string, number>();
  let idleMs = 0;
  for (const node of nodes) {
    const ms = (node.hitCount ?? 0) * msPerHit;
    if (ms === 0) continue;
    if (node.callFrame.functionName === '(idle)') {
      idleMs += ms;
      continue;
    }
    const key = label(node.callFrame);
    fns.set(key, (fns.get(key) ?? 0) + ms);
    const area = areaOf(node.callFrame);
    areas.set(area, (areas.get(area) ?? 0) + ms);
  }
  const busyMs = spanMs - idleMs;
  return {
    busyMs,
    idleMs,
    functions: top(fns, busyMs, n),
    areas: top(areas, busyMs, n),
  };
}
