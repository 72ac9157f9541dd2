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

/** Largest absolute difference between the graph and the reference. */
export async function maxOnnxDeviation(
  onnx: Uint8Array,
  features: Float32Array,
  batch: number,
  dim: number,
  reference: (x: Float32Array, batch: number) => Float32Array,
): Promise<number> {
  const got = await runOnnx(onnx, features, batch, dim);
  const want = reference(features, batch);
  if (got.length !== want.length) return Infinity;
  let max = 0;
  for (let i = 0; i < got.length; i++) {
    max = Math.max(max, Math.abs(got[i]! - want[i]!));
  }
  return max;
}
