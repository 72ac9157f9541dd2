/**
 * Inference worker (Piscina): loads a router artifact once per version
 * and keeps its ONNX session and featurizer for the life of the thread,
 * featurizes a batch of prompts into one [batch, dim] tensor and runs it
 * in one `session.run`. It never throws: failures return an error code.
 * Spans for the work are recorded as data and exported by the main
 * thread (DESIGN.md: trace context into a worker).
 */
import { randomBytes } from 'node:crypto';
import { threadId } from 'node:worker_threads';
import * as ort from 'onnxruntime-node';
import { loadServingArtifact } from '../src/inference/artifact.js';
import type { ServingArtifact } from '../src/inference/artifact.js';
import type {
  InferenceResult,
  InferenceTask,
  WorkerSpanData,
} from '../src/inference/types.js';

interface Loaded {
  readonly version: string;
  readonly artifact: ServingArtifact;
  readonly session: ort.InferenceSession;
}

const sessions = new Map<string, Loaded>();
const kEmpty = new Float32Array(0);

/**
 * The feature matrix of the running batch, reused from task to task: a
 * fresh 8 KB array per prompt is off-heap memory that V8 frees only when
 * its external-memory limit (64 MB) forces a GC, and under saturation
 * that held about 45 MB of RSS in this thread's malloc arena. One task
 * runs at a time (concurrentTasksPerWorker: 1) and onnxruntime is done
 * with its input when `run` settles, so one buffer is enough.
 */
let scratch = new Float32Array(0);

function featureMatrix(rows: number, dim: number): Float32Array {
  if (scratch.length < rows * dim) scratch = new Float32Array(rows * dim);
  return scratch;
}

async function load(task: InferenceTask): Promise<Loaded> {
  const cached = sessions.get(task.artifactDir);
  if (cached !== undefined && cached.version === task.version) return cached;
  const artifact = loadServingArtifact(task.artifactDir);
  const session = await ort.InferenceSession.create(artifact.onnx, {
    intraOpNumThreads: 1,
    interOpNumThreads: 1,
  });
  const loaded = { version: artifact.version, artifact, session };
  // The old version's session goes with the replaced entry.
  await cached?.session.release();
  sessions.set(task.artifactDir, loaded);
  return loaded;
}

function spanId(): string {
  return randomBytes(8).toString('hex');
}

function parseParent(tp: string | null) {
  const m =
    tp === null
      ? null
      : /^00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/.exec(tp);
  if (m === null) return null;
  return {
    traceId: m[1] as string,
    spanId: m[2] as string,
    flags: parseInt(m[3] as string, 16),
  };
}

function spans(
  task: InferenceTask,
  startMs: number,
  endMs: number,
  attributes: Record<string, number | string>,
): WorkerSpanData[] {
  const out: WorkerSpanData[] = [];
  const links: Array<{ traceId: string; spanId: string }> = [];
  for (const tp of task.traceparents) {
    const p = parseParent(tp);
    if (p === null) continue;
    links.push({ traceId: p.traceId, spanId: p.spanId });
    out.push({
      name: 'router.inference',
      traceId: p.traceId,
      spanId: spanId(),
      parentSpanId: p.spanId,
      traceFlags: p.flags,
      startMs,
      endMs,
      attributes,
      links: [],
    });
  }
  // One batched run served several requests: a span linking them all.
  if (task.texts.length > 1 && links.length > 0) {
    out.push({
      name: 'router.inference.batch',
      traceId: randomBytes(16).toString('hex'),
      spanId: spanId(),
      parentSpanId: null,
      traceFlags: 1,
      startMs,
      endMs,
      attributes,
      links,
    });
  }
  return out;
}

function failure(code: string, queueMs: number): InferenceResult {
  return {
    ok: false,
    errorCode: code,
    qualities: kEmpty,
    candidates: 0,
    timings: { queueMs, loadMs: 0, featurizeMs: 0, inferMs: 0 },
    threadId,
    spans: [],
  };
}

/** Piscina handler: one batch in, qualities for each prompt out. */
export default async function infer(
  task: InferenceTask,
): Promise<InferenceResult> {
  const startMs = Date.now();
  const queueMs = Math.max(0, startMs - task.sentAt);
  let loaded: Loaded;
  const t0 = performance.now();
  try {
    loaded = await load(task);
  } catch (err) {
    const code = (err as { code?: unknown }).code;
    return failure(
      typeof code === 'string' ? code : 'GW_ERR_ROUTER_MODEL_INVALID',
      queueMs,
    );
  }
  const t1 = performance.now();
  const { artifact, session } = loaded;
  try {
    const features = artifact.featurizer.featurizeBatch(
      task.texts,
      featureMatrix(task.texts.length, artifact.dim),
    );
    const t2 = performance.now();
    const input = new ort.Tensor('float32', features, [
      task.texts.length,
      artifact.dim,
    ]);
    const out = await session.run({ [artifact.inputName]: input });
    const t3 = performance.now();
    const q = out[artifact.outputName]?.data;
    if (!(q instanceof Float32Array))
      return failure('GW_ERR_INFERENCE_FAILED', queueMs);
    const timings = {
      queueMs,
      loadMs: t1 - t0,
      featurizeMs: t2 - t1,
      inferMs: t3 - t2,
    };
    const attrs = {
      'thread.id': threadId,
      'routeiq.batch_size': task.texts.length,
      'routeiq.featurize_ms': timings.featurizeMs,
      'routeiq.inference_ms': timings.inferMs,
      'router.strategy_version': artifact.version,
    };
    return {
      ok: true,
      errorCode: null,
      qualities: q,
      candidates: artifact.candidates.length,
      timings,
      threadId,
      spans: spans(task, startMs, Date.now(), attrs),
    };
  } catch {
    return failure('GW_ERR_INFERENCE_FAILED', queueMs);
  }
}
