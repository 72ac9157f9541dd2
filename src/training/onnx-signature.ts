/**
 * Reads a router graph's declared input and output (names and widths)
 * without starting onnxruntime, so a loader can refuse an artifact whose
 * graph does not fit its manifest before a session is ever created.
 */
import onnxProto from 'onnx-proto';

const { onnx } = onnxProto;

/** The one input and one output of a router graph. */
export interface GraphSignature {
  readonly input: string;
  readonly inputWidth: number;
  readonly output: string;
  readonly outputWidth: number;
}

type ValueInfo = onnxProto.onnx.IValueInfoProto;

/** Width of a [batch, width] float tensor, or null for another shape. */
function width(v: ValueInfo): number | null {
  const t = v.type?.tensorType;
  if (t?.elemType !== onnx.TensorProto.DataType.FLOAT) return null;
  const dims = t.shape?.dim ?? [];
  if (dims.length !== 2) return null;
  const w = dims[1]?.dimValue;
  return w === undefined || w === null ? null : Number(w);
}

/** The graph's signature, or why it cannot serve as a router. */
export function graphSignature(bytes: Uint8Array): GraphSignature | string {
  let model: InstanceType<typeof onnx.ModelProto>;
  try {
    model = onnx.ModelProto.decode(bytes);
  } catch {
    return 'model.onnx is not an ONNX model';
  }

  // Initialisers may also be listed as inputs in older IRs; skip them.
  const inits = new Set((model.graph?.initializer ?? []).map((t) => t.name));
  const inputs = (model.graph?.input ?? []).filter((v) => !inits.has(v.name));
  const outputs = model.graph?.output ?? [];
  if (inputs.length !== 1 || outputs.length !== 1) {
    return 'graph must have one input and one output';
  }

  const [input, output] = [inputs[0]!, outputs[0]!];
  const inputWidth = width(input);
  const outputWidth = width(output);
  if (inputWidth === null || outputWidth === null) {
    return 'graph input/output must be float32 [batch, n]';
  }
  return {
    input: input.name ?? '',
    inputWidth,
    output: output.name ?? '',
    outputWidth,
  };
}
