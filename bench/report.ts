/**
 * The report of one benchmark run: what ran where, the rows, the goals
 * and every raw run record, written as `<stamp>.json` and `<stamp>.md`.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ProfileSummary } from './cpu-profile.js';
import { evaluateGoals } from './goals.js';
import type { GoalResult } from './goals.js';
import type { MachineInfo } from './machine.js';
import { renderMarkdown } from './markdown.js';
import { buildRows } from './report-rows.js';
import type { ReportRow } from './report-rows.js';
import type { RunRecord, Scenario, TargetSpec } from './types.js';

/** A target that did not run, and why. */
export interface Omission {
  readonly target: string;
  readonly reason: string;
}

/** A CPU profile taken during the run. */
export interface ProfileRecord {
  /** The main thread's profile (open it in Chrome DevTools). */
  readonly file: string;
  /** The gateway variant profiled (absent in older reports). */
  readonly target?: string;
  readonly scenario: string;
  /** Requests served while profiled. */
  readonly requests: number;
  readonly summary: ProfileSummary;
  /** Busy milliseconds of each worker thread (request log, pool). */
  readonly workerBusyMs: readonly number[];
}

/** Everything one run produced. */
export interface Report {
  readonly schema: 1;
  readonly startedAt: string;
  readonly finishedAt: string;
  readonly suite: 'quick' | 'full';
  readonly generator: string;
  readonly chunks: number;
  readonly chunkIntervalMs: number;
  readonly machine: MachineInfo;
  readonly scenarios: readonly Scenario[];
  readonly targets: readonly TargetSpec[];
  /** Left out on purpose (e.g. a router not shipped yet). */
  readonly skipped: readonly Omission[];
  /** Meant to run but could not start: the run fails. */
  readonly failedTargets: readonly Omission[];
  readonly rows: readonly ReportRow[];
  readonly goals: readonly GoalResult[];
  readonly profile: ProfileRecord | null;
  readonly runs: readonly RunRecord[];
}

/** What the suite hands over to become a report. */
export type ReportInput = Omit<Report, 'schema' | 'rows' | 'goals'>;

/** Assemble the report: rows, then goals from the rows. */
export function buildReport(input: ReportInput): Report {
  const rows = buildRows(input.runs);
  const omitted = [...input.skipped, ...input.failedTargets];
  return { schema: 1, ...input, rows, goals: evaluateGoals(rows, omitted) };
}

/** True when any run or target failed. */
export function reportFailed(r: Report): boolean {
  return r.failedTargets.length > 0 || r.runs.some((x) => x.failure !== null);
}

/** File stem for a report started at `iso`, e.g. 2025-01-31T0930Z-quick. */
export function reportStem(iso: string, suite: 'quick' | 'full'): string {
  const stamp = iso.slice(0, 16).replace(':', '');
  return `${stamp}Z${suite === 'quick' ? '-quick' : ''}`;
}

/** Write `<stem>.json` and `<stem>.md` under `dir`; returns both paths. */
export function writeReport(dir: string, r: Report): [string, string] {
  mkdirSync(dir, { recursive: true });
  const stem = join(dir, reportStem(r.startedAt, r.suite));
  writeFileSync(`${stem}.json`, `${JSON.stringify(r, null, 2)}\n`);
  writeFileSync(`${stem}.md`, renderMarkdown(r));
  return [`${stem}.json`, `${stem}.md`];
}
