/**
 * Thin helpers over `onnx-proto` for the router graphs: float and int64
 * initialisers, nodes with attributes, typed graph inputs/outputs with a
 * symbolic batch dimension, and model serialisation. Opset 13 keeps
 * ReduceSum/Unsqueeze axes as inputs and is served by every current
 * onnxruntime. Spec: https://onnx.ai/onnx/operators/
 */
import onnxProto from 'onnx-proto';
import { encodeFloat32 } from './manifest.js';

const { onnx } = onnxProto;

/** The opset every router graph declares. */
export const kOpsetVersion = 13;

type Tensor = InstanceType<typeof onnx.TensorProto>;
type NodeProto = InstanceType<typeof onnx.NodeProto>;
type ValueInfo = InstanceType<typeof onnx.ValueInfoProto>;
type Attribute = InstanceType<typeof onnx.AttributeProto>;

/** A float32 initialiser stored as little-endian raw bytes. */
export function floatTensor(
  name: string,
  dims: readonly number[],
  data: Float32Array,
): Tensor {
  if (dims.reduce((a, b) => a * b, 1) !== data.length) {
    throw new RangeError(`tensor ${name}: dims do not match data`);
  }
  return onnx.TensorProto.create({
    name,
    dims: [...dims],
    dataType: onnx.TensorProto.DataType.FLOAT,
    rawData: encodeFloat32(data),
  });
}

/** An int64 initialiser (shapes, axes, K of TopK). */
export function int64Tensor(name: string, values: readonly number[]): Tensor {
  return onnx.TensorProto.create({
    name,
    dims: [values.length],
    dataType: onnx.TensorProto.DataType.INT64,
    int64Data: [...values],
  });
}

function attribute(name: string, value: number, isFloat: boolean): Attribute {
  const { AttributeType } = onnx.AttributeProto;
  return isFloat
    ? onnx.AttributeProto.create({ name, f: value, type: AttributeType.FLOAT })
    : onnx.AttributeProto.create({ name, i: value, type: AttributeType.INT });
}

/** A node; integer attributes unless listed in `floats`. */
export function node(
  opType: string,
  inputs: readonly string[],
  outputs: readonly string[],
  attrs: Readonly<Record<string, number>> = {},
  floats: readonly string[] = [],
): NodeProto {
  const attribute_ = Object.entries(attrs).map(([k, v]) =>
    attribute(k, v, floats.includes(k)),
  );
  return onnx.NodeProto.create({
    opType,
    input: [...inputs],
    output: [...outputs],
    name: outputs[0] ?? opType,
    attribute: attribute_,
  });
}

/** A float32 [batch, width] graph input or output; batch is symbolic. */
export function batchValue(name: string, width: number): ValueInfo {
  return onnx.ValueInfoProto.create({
    name,
    type: {
      tensorType: {
        elemType: onnx.TensorProto.DataType.FLOAT,
        shape: { dim: [{ dimParam: 'batch' }, { dimValue: width }] },
      },
    },
  });
}

/**
 * The prefix both router graphs share: features [batch, dim] projected
 * onto the stored subspace [dim, rank] and L2-normalised, as
 * `embed` in subspace.ts; its output is named `embedded`.
 */
export function projectionPrefix(projection: Float32Array, dim: number) {
  const rank = projection.length / dim;
  return {
    initializers: [floatTensor('projection', [dim, rank], projection)],
    nodes: [
      node('MatMul', ['features', 'projection'], ['projected']),
      node('LpNormalization', ['projected'], ['embedded'], { axis: 1, p: 2 }),
    ],
  };
}

/** Everything a router graph is made of. */
export interface GraphParts {
  readonly name: string;
  readonly nodes: readonly NodeProto[];
  readonly initializers: readonly Tensor[];
  readonly inputs: readonly ValueInfo[];
  readonly outputs: readonly ValueInfo[];
}

/** Serialise a graph as an ONNX model (IR 7, opset 13). */
export function encodeModel(parts: GraphParts): Uint8Array {
  const model = onnx.ModelProto.create({
    irVersion: 7,
    producerName: 'routeiq-training',
    opsetImport: [{ domain: '', version: kOpsetVersion }],
    graph: {
      name: parts.name,
      node: [...parts.nodes],
      initializer: [...parts.initializers],
      input: [...parts.inputs],
      output: [...parts.outputs],
    },
  });
  return onnx.ModelProto.encode(model).finish();
}
