/**
 * Messages across the inference worker boundary. Workers import only
 * this file (and the training featurizer), never HTTP code. Errors come
 * back as codes (GW_ERR_*), matched by code on the main thread.
 */

/** One batch of prompts for one router artifact. */
export interface InferenceTask {
  /** Absolute path of the artifact folder (models/<name>). */
  readonly artifactDir: string;
  /** Artifact version: a new one makes workers load it afresh. */
  readonly version: string;
  readonly texts: readonly string[];
  /** traceparent of each request's routing span (null when untraced). */
  readonly traceparents: ReadonlyArray<string | null>;
  /** Epoch ms when the batch was handed to the pool. */
  readonly sentAt: number;
}

/** A span recorded inside a worker, exported by the main thread. */
export interface WorkerSpanData {
  readonly name: string;
  readonly traceId: string;
  readonly spanId: string;
  readonly parentSpanId: string | null;
  readonly traceFlags: number;
  readonly startMs: number;
  readonly endMs: number;
  readonly attributes: Readonly<Record<string, string | number | boolean>>;
  readonly links: ReadonlyArray<{ traceId: string; spanId: string }>;
}

/** Worker timings in milliseconds. */
export interface InferenceTimings {
  readonly queueMs: number;
  readonly loadMs: number;
  readonly featurizeMs: number;
  readonly inferMs: number;
}

/** The answer to a task: qualities row-major [texts.length, candidates]. */
export interface InferenceResult {
  readonly ok: boolean;
  readonly errorCode: string | null;
  readonly qualities: Float32Array;
  readonly candidates: number;
  readonly timings: InferenceTimings;
  readonly threadId: number;
  readonly spans: readonly WorkerSpanData[];
}
