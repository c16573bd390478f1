/**
 * Writes tiny ONNX models as protobuf bytes, so the tests run a real `onnxruntime-node` session without
 * a Python toolchain or a committed binary. Only the handful of `onnx.proto` fields these models need
 * are encoded; field numbers are those of https://github.com/onnx/onnx/blob/main/onnx/onnx.proto.
 *
 * Protobuf wire format in brief: every field is a key `(fieldNumber << 3) | wireType` (as a varint)
 * followed by its value: wire type 0 = varint (ints, enums), 2 = length-delimited (strings, bytes,
 * nested messages, packed repeated scalars).
 */

// ---- protobuf primitives ------------------------------------------------------------------------

const VARINT = 0;
const LENGTH_DELIMITED = 2;

/** Base-128 varint, least significant group first (non-negative integers only). */
function varint(value: number): number[] {
  const bytes: number[] = [];
  let rest = value;
  while (rest >= 0x80) {
    bytes.push((rest % 0x80) | 0x80);
    rest = Math.floor(rest / 0x80);
  }
  bytes.push(rest);
  return bytes;
}

function key(field: number, wireType: number): number[] {
  return varint(field * 8 + wireType);
}

/** An integer field (int32 / int64 / enum). */
function int(field: number, value: number): number[] {
  return [...key(field, VARINT), ...varint(value)];
}

/** A bytes or embedded-message field. */
function bytes(field: number, payload: readonly number[]): number[] {
  return [...key(field, LENGTH_DELIMITED), ...varint(payload.length), ...payload];
}

function string(field: number, value: string): number[] {
  return bytes(field, [...new TextEncoder().encode(value)]);
}

// ---- onnx.proto messages --------------------------------------------------------------------------

/** `TensorProto.DataType` values used here. */
export const DataType = { FLOAT: 1, BOOL: 9, INT64: 7 } as const;

/** `TensorProto` holding float32 values: dims = 1, data_type = 2, name = 8, raw_data = 9 (little-endian). */
function floatTensor(name: string, dims: readonly number[], values: readonly number[]): number[] {
  const raw = new Uint8Array(new Float32Array(values).buffer);
  return [
    ...dims.flatMap((d) => int(1, d)),
    ...int(2, DataType.FLOAT),
    ...string(8, name),
    ...bytes(9, [...raw]),
  ];
}

/**
 * `ValueInfoProto` (name = 1, type = 2) of a tensor: `TypeProto.tensor_type` (1) → `elem_type` (1),
 * `shape` (2) → repeated `dim` (1) → `dim_value` (1) or, for a symbolic dimension such as the batch,
 * `dim_param` (2).
 */
function tensorValueInfo(name: string, elemType: number, shape: readonly (number | string)[]): number[] {
  const dims = shape.flatMap((d) => bytes(1, typeof d === 'number' ? int(1, d) : string(2, d)));
  const tensorType = [...int(1, elemType), ...bytes(2, dims)];
  return [...string(1, name), ...bytes(2, bytes(1, tensorType))];
}

/** `AttributeProto` with an int: name = 1, i = 3, type = 20 (INT = 2). */
function intAttribute(name: string, value: number): number[] {
  return [...string(1, name), ...int(3, value), ...int(20, 2)];
}

export interface Node {
  op: string;
  inputs: readonly string[];
  outputs: readonly string[];
  /** Integer attributes, e.g. `{ to: DataType.INT64 }` for Cast or `{ axis: 1 }` for Concat. */
  attributes?: Readonly<Record<string, number>>;
}

/** `NodeProto`: input = 1, output = 2, name = 3, op_type = 4, attribute = 5. */
function node({ op, inputs, outputs, attributes = {} }: Node, index: number): number[] {
  return [
    ...inputs.flatMap((i) => string(1, i)),
    ...outputs.flatMap((o) => string(2, o)),
    ...string(3, `${op.toLowerCase()}_${index}`),
    ...string(4, op),
    ...Object.entries(attributes).flatMap(([name, value]) => bytes(5, intAttribute(name, value))),
  ];
}

export interface Graph {
  nodes: readonly Node[];
  /** Constant float tensors (weights), by name. */
  initializers: readonly { name: string; dims: readonly number[]; values: readonly number[] }[];
  inputs: readonly { name: string; type: number; shape: readonly (number | string)[] }[];
  outputs: readonly { name: string; type: number; shape: readonly (number | string)[] }[];
}

/**
 * `ModelProto`: ir_version = 1, producer_name = 2, graph = 7 (`GraphProto`: node = 1, name = 2,
 * initializer = 5, input = 11, output = 12), opset_import = 8 (`OperatorSetIdProto`: domain = 1,
 * version = 2; the default domain is the empty string, so only the version is written).
 */
export function onnxModel(graph: Graph): Uint8Array {
  const graphBytes = [
    ...graph.nodes.flatMap((n, i) => bytes(1, node(n, i))),
    ...string(2, 'test-graph'),
    ...graph.initializers.flatMap((t) => bytes(5, floatTensor(t.name, t.dims, t.values))),
    ...graph.inputs.flatMap((v) => bytes(11, tensorValueInfo(v.name, v.type, v.shape))),
    ...graph.outputs.flatMap((v) => bytes(12, tensorValueInfo(v.name, v.type, v.shape))),
  ];
  return new Uint8Array([
    ...int(1, 8), // IR version 8 (ONNX 1.10+), read by every onnxruntime ≥ 1.10
    ...string(2, 'modelpulse-test'),
    ...bytes(7, graphBytes),
    ...bytes(8, int(2, 13)), // opset 13: MatMul, Add, Sigmoid, Sub, Concat, Greater, Cast
  ]);
}

// ---- the models of the tests ------------------------------------------------------------------------

/** Weights of the logistic regression: score = σ(x · W + b). */
export const WEIGHTS = [0.5, -1.25, 2] as const;
export const BIAS = -0.25;

/** The score the logistic regression gives a row, computed by hand (in float64). */
export function expectedScore(row: readonly number[]): number {
  const z = row.reduce((sum, x, i) => sum + x * (WEIGHTS[i] ?? Number.NaN), BIAS);
  return 1 / (1 + Math.exp(-z));
}

/** Shared part: input `x` float [N, 3] → `z` = x · W + b → `p` = σ(z), shape [N, 1]. */
const logisticNodes: Node[] = [
  { op: 'MatMul', inputs: ['x', 'W'], outputs: ['xw'] },
  { op: 'Add', inputs: ['xw', 'b'], outputs: ['z'] },
  { op: 'Sigmoid', inputs: ['z'], outputs: ['p'] },
];
const logisticInitializers = [
  { name: 'W', dims: [3, 1], values: [...WEIGHTS] },
  { name: 'b', dims: [1], values: [BIAS] },
];
const input = [{ name: 'x', type: DataType.FLOAT, shape: ['N', 3] }];

/** Logistic regression over 3 float inputs: one output `p`, float [N, 1]. */
export function logisticRegression(): Uint8Array {
  return onnxModel({
    nodes: logisticNodes,
    initializers: logisticInitializers,
    inputs: input,
    outputs: [{ name: 'p', type: DataType.FLOAT, shape: ['N', 1] }],
  });
}

/**
 * The same model shaped like an sklearn-onnx classifier exported with `zipmap=False`: `label` int64
 * [N, 1] (1 when p > 0.5) and `probabilities` float [N, 2] = [1 − p, p].
 */
export function binaryClassifier(): Uint8Array {
  return onnxModel({
    nodes: [
      ...logisticNodes,
      { op: 'Sub', inputs: ['one', 'p'], outputs: ['q'] },
      { op: 'Concat', inputs: ['q', 'p'], outputs: ['probabilities'], attributes: { axis: 1 } },
      { op: 'Greater', inputs: ['p', 'half'], outputs: ['positive'] },
      { op: 'Cast', inputs: ['positive'], outputs: ['label'], attributes: { to: DataType.INT64 } },
    ],
    initializers: [
      ...logisticInitializers,
      { name: 'one', dims: [1], values: [1] },
      { name: 'half', dims: [1], values: [0.5] },
    ],
    inputs: input,
    outputs: [
      { name: 'label', type: DataType.INT64, shape: ['N', 1] },
      { name: 'probabilities', type: DataType.FLOAT, shape: ['N', 2] },
    ],
  });
}
