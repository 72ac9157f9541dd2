/**
 * Reads routing data (JSON lines, one prompt per row with every
 * candidate's score and estimated cost; see
 * /work/shared/data/routing/README.md) into aligned arrays. Rows arrive
 * as `unknown` and are narrowed; a malformed row fails the load with its
 * file and line, as training on half a file would mislead silently.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';

/** One prompt with per-candidate outcomes, aligned to `candidates`. */
export interface RoutingRow {
  readonly id: string;
  readonly prompt: string;
  readonly benchmark: string;
  readonly category: string | null;
  readonly contaminated: boolean;
  readonly scores: Float64Array;
  readonly costs: Float64Array;
}

/** Where a dataset came from, for the manifest's training-data hash. */
export interface DataSource {
  readonly file: string;
  readonly sha256: string;
  readonly rows: number;
}

/** Rows of one or more files that share the same candidate models. */
export interface Dataset {
  readonly candidates: readonly string[];
  readonly rows: readonly RoutingRow[];
  readonly sources: readonly DataSource[];
  /** sha256 over the files' own digests, in the order given. */
  readonly sha256: string;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function numbers(v: unknown, names: readonly string[]): Float64Array | null {
  if (!isRecord(v)) return null;
  const out = new Float64Array(names.length);
  for (let i = 0; i < names.length; i++) {
    const x = v[names[i]!];
    if (typeof x !== 'number' || !Number.isFinite(x)) return null;
    out[i] = x;
  }
  return Object.keys(v).length === names.length ? out : null;
}

function parseRow(v: unknown, names: readonly string[]): RoutingRow | null {
  if (!isRecord(v)) return null;
  const { id, prompt, benchmark, category, contaminated } = v;
  if (typeof id !== 'string' || typeof prompt !== 'string') return null;
  if (typeof benchmark !== 'string') return null;
  const scores = numbers(v.scores, names);
  const costs = numbers(v.costs_est, names);
  if (scores === null || costs === null) return null;
  return {
    id,
    prompt,
    benchmark,
    category: typeof category === 'string' ? category : null,
    contaminated: contaminated === true,
    scores,
    costs,
  };
}

/** Load and concatenate JSON-lines files; throws on any bad row. */
export function loadDataset(files: readonly string[]): Dataset {
  if (files.length === 0) throw new Error('no data files given');
  let candidates: string[] | null = null;
  const rows: RoutingRow[] = [];
  const sources: DataSource[] = [];

  for (const file of files) {
    const bytes = readFileSync(file);
    const lines = bytes.toString('utf8').split('\n');
    let count = 0;
    for (let n = 0; n < lines.length; n++) {
      const line = lines[n]!.trim();
      if (line === '') continue;
      const raw: unknown = JSON.parse(line);
      // The first row fixes the candidate order for every later file.
      if (candidates === null && isRecord(raw) && isRecord(raw.scores)) {
        candidates = Object.keys(raw.scores);
      }
      const row = parseRow(raw, candidates ?? []);
      if (row === null) throw new Error(`bad row at ${file}:${n + 1}`);
      rows.push(row);
      count++;
    }
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    sources.push({ file: basename(file), sha256, rows: count });
  }

  if (candidates === null || rows.length === 0) {
    throw new Error('data files hold no rows');
  }
  const all = createHash('sha256');
  for (const s of sources) all.update(s.sha256);
  return { candidates, rows, sources, sha256: all.digest('hex') };
}
