/**
 * Runs an exported router graph in onnxruntime and measures how far it
 * strays from the TypeScript reference forward pass. Training refuses
 * to write an artifact whose graph disagrees, and the tests use it too.
 */
import * as ort from 'onnxruntime-node';
import { kInputName, kOutputName } from './manifest.js';

/** Quality [batch, C] computed by onnxruntime for `features`. */
export async function runOnnx(
  onnx: Uint8Array,
  features: Float32Array,
  batch: number,
  dim: number,
): Promise<Float32Array> {
  const session = await ort.InferenceSession.create(onnx);
  try {
    const input = new ort.Tensor('float32', features, [batch, dim]);
    const out = await session.run({ [kInputName]: input });
    const q = out[kOutputName];
    if (q === undefined || !(q.data instanceof Float32Array)) {
      throw new TypeError('graph returned no float32 quality');
    }
    return q.data;
  } finally {
    await session.release();
  }
}

/** The reference forward pass a graph is compared with. */
export type Reference = (x: Float32Array, batch: number) => Float32Array;

/** Per row, the largest absolute difference of graph and reference. */
export async function onnxDeviations(
  onnx: Uint8Array,
  features: Float32Array,
  batch: number,
  dim: number,
  reference: Reference,
): Promise<Float64Array> {
  const got = await runOnnx(onnx, features, batch, dim);
  const want = reference(features, batch);
  const rows = new Float64Array(batch).fill(Infinity);
  if (got.length !== want.length) return rows;

  const width = got.length / batch;
  for (let r = 0; r < batch; r++) {
    let max = 0;
    for (let i = r * width; i < (r + 1) * width; i++) {
      max = Math.max(max, Math.abs(got[i]! - want[i]!));
    }
    rows[r] = max;
  }
  return rows;
}

/** Largest absolute difference between the graph and the reference. */
export async function maxOnnxDeviation(
  onnx: Uint8Array,
  features: Float32Array,
  batch: number,
  dim: number,
  reference: Reference,
): Promise<number> {
  const rows = await onnxDeviations(onnx, features, batch, dim, reference);
  return Math.max(...rows);
}
