/**
 * The `eval` command: rebuild the training run's held-out split from the
 * manifest (same data hash, seed and fraction), evaluate the router on
 * it, save eval.json beside the manifest, copy the figures into
 * `manifest.evaluation`, and regenerate models/EVAL.md from every
 * evaluated router in the models folder.
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { writeManifest } from './artifact-writer.js';
import { loadDataset } from './dataset.js';
import type { EvaluationReport } from './evaluate.js';
import { evaluate } from './evaluate.js';
import type { NamedReport } from './eval-report.js';
import { evalMarkdown } from './eval-report.js';
import { kManifestFile, loadRouterArtifact } from './manifest.js';
import { parseManifest } from './manifest-schema.js';
import { stratifiedSplit } from './split.js';

/** Options of one `eval` run (CLI flags). */
export interface EvalCommand {
  readonly model: string;
  readonly data: readonly string[];
}

/** File the full report is written to, beside the manifest. */
export const kEvalFile = 'eval.json';
/** File of generated tables, in the folder holding the artifacts. */
export const kEvalMarkdown = 'EVAL.md';

/** Evaluate one artifact on its held-out split and record the result. */
export async function runEval(cmd: EvalCommand): Promise<NamedReport> {
  const artifact = loadRouterArtifact(cmd.model);
  const { manifest } = artifact;
  const ds = loadDataset(cmd.data);
  // A different file set would give a different split: the "held-out"
  // rows could then include rows the router was trained on.
  if (ds.sha256 !== manifest.training.dataSha256) {
    throw new Error(
      'data files differ from the ones the router was trained on',
    );
  }
  const { seed, heldOutFraction } = manifest.training;
  const split = stratifiedSplit(
    ds.rows.map((r) => r.benchmark),
    heldOutFraction,
    seed,
  );
  const report = await evaluate(
    artifact,
    split.heldOut.map((i) => ds.rows[i]!),
    ds.sha256,
  );

  writeFileSync(
    join(cmd.model, kEvalFile),
    `${JSON.stringify(report, null, 2)}\n`,
  );
  writeManifest(cmd.model, { ...manifest, evaluation: { ...report } });
  writeEvalMarkdown(dirname(cmd.model));
  return { name: manifest.name, strategy: manifest.strategy, report };
}

/** Regenerate `<modelsDir>/EVAL.md` from the artifacts' manifests. */
export function writeEvalMarkdown(modelsDir: string): void {
  const reports: NamedReport[] = [];
  for (const entry of readdirSync(modelsDir, { withFileTypes: true })) {
    const file = join(modelsDir, entry.name, kManifestFile);
    if (!entry.isDirectory() || !existsSync(file)) continue;
    const m = parseManifest(JSON.parse(readFileSync(file, 'utf8')) as unknown);
    if (typeof m === 'string' || m.evaluation === null) continue;
    // Our own eval output; the manifest schema checked it is an object.
    const report = m.evaluation as unknown as EvaluationReport;
    reports.push({ name: m.name, strategy: m.strategy, report });
  }
  reports.sort((a, b) => a.name.localeCompare(b.name));
  writeFileSync(join(modelsDir, kEvalMarkdown), evalMarkdown(reports));
}
