/**
 * The subset of onnx.proto (ONNX IR version 10) Porta writes, encoded field by field with
 * @bufbuild/protobuf's BinaryWriter. Field numbers are those of onnx/onnx.proto; only what the
 * exporter uses is here.
 */
import { BinaryWriter, WireType } from "@bufbuild/protobuf/wire";

/** TensorProto.DataType values used here. */
export const DataType = { FLOAT: 1, UINT8: 2, INT32: 6, INT64: 7, STRING: 8, BOOL: 9, DOUBLE: 11 } as const;
export type ElemType = (typeof DataType)[keyof typeof DataType];

export interface Tensor {
  name?: string;
  dims: number[];
  dataType: ElemType;
  /** Little-endian bytes of the elements (raw_data), or strings for STRING tensors. */
  raw?: Uint8Array;
  strings?: string[];
}

export type AttributeValue =
  | { kind: "int"; value: number }
  | { kind: "float"; value: number }
  | { kind: "string"; value: string }
  | { kind: "ints"; value: readonly number[] }
  | { kind: "floats"; value: readonly number[] }
  | { kind: "strings"; value: readonly string[] }
  | { kind: "tensor"; value: Tensor };

export interface Node {
  opType: string;
  domain?: string;
  name?: string;
  inputs: string[];
  outputs: string[];
  attributes?: Record<string, AttributeValue>;
}

/** A graph input or output: element type and shape (a string is a symbolic dimension). */
export interface ValueInfo {
  name: string;
  elemType: ElemType;
  shape: (number | string)[];
}

export interface Model {
  producerName: string;
  producerVersion: string;
  opsets: { domain: string; version: number }[];
  graph: { name: string; nodes: Node[]; initializers: Tensor[]; inputs: ValueInfo[]; outputs: ValueInfo[] };
  metadata: Record<string, string>;
  docString?: string;
}

/** ONNX IR version 10 (onnx 1.16): opset ai.onnx 21 and ai.onnx.ml 5. */
export const IR_VERSION = 10;

const utf8 = new TextEncoder();

function lengthDelimited(w: BinaryWriter, field: number, write: (w: BinaryWriter) => void): void {
  w.tag(field, WireType.LengthDelimited).fork();
  write(w);
  w.join();
}

function writeTensor(w: BinaryWriter, t: Tensor): void {
  for (const d of t.dims) w.tag(1, WireType.Varint).int64(d);
  w.tag(2, WireType.Varint).int32(t.dataType);
  if (t.strings) for (const s of t.strings) w.tag(6, WireType.LengthDelimited).bytes(utf8.encode(s));
  if (t.name !== undefined) w.tag(8, WireType.LengthDelimited).string(t.name);
  if (t.raw) w.tag(9, WireType.LengthDelimited).bytes(t.raw);
}

function writeAttribute(w: BinaryWriter, name: string, a: AttributeValue): void {
  w.tag(1, WireType.LengthDelimited).string(name);
  switch (a.kind) {
    case "float":
      w.tag(2, WireType.Bit32).float(a.value).tag(20, WireType.Varint).int32(1);
      break;
    case "int":
      w.tag(3, WireType.Varint).int64(a.value).tag(20, WireType.Varint).int32(2);
      break;
    case "string":
      w.tag(4, WireType.LengthDelimited).bytes(utf8.encode(a.value)).tag(20, WireType.Varint).int32(3);
      break;
    case "tensor":
      lengthDelimited(w, 5, (x) => writeTensor(x, a.value));
      w.tag(20, WireType.Varint).int32(4);
      break;
    case "floats":
      for (const v of a.value) w.tag(7, WireType.Bit32).float(v);
      w.tag(20, WireType.Varint).int32(6);
      break;
    case "ints":
      for (const v of a.value) w.tag(8, WireType.Varint).int64(v);
      w.tag(20, WireType.Varint).int32(7);
      break;
    case "strings":
      for (const v of a.value) w.tag(9, WireType.LengthDelimited).bytes(utf8.encode(v));
      w.tag(20, WireType.Varint).int32(8);
      break;
    default: {
      const unknown: never = a;
      throw new Error(`unknown attribute kind in ${JSON.stringify(unknown)}`);
    }
  }
}

function writeNode(w: BinaryWriter, n: Node): void {
  for (const i of n.inputs) w.tag(1, WireType.LengthDelimited).string(i);
  for (const o of n.outputs) w.tag(2, WireType.LengthDelimited).string(o);
  if (n.name !== undefined) w.tag(3, WireType.LengthDelimited).string(n.name);
  w.tag(4, WireType.LengthDelimited).string(n.opType);
  for (const [name, a] of Object.entries(n.attributes ?? {})) lengthDelimited(w, 5, (x) => writeAttribute(x, name, a));
  if (n.domain !== undefined) w.tag(7, WireType.LengthDelimited).string(n.domain);
}

function writeValueInfo(w: BinaryWriter, v: ValueInfo): void {
  w.tag(1, WireType.LengthDelimited).string(v.name);
  // TypeProto { tensor_type = 1: { elem_type = 1, shape = 2: { dim = 1: { dim_value = 1 | dim_param = 2 } } } }
  lengthDelimited(w, 2, (t) =>
    lengthDelimited(t, 1, (tt) => {
      tt.tag(1, WireType.Varint).int32(v.elemType);
      lengthDelimited(tt, 2, (s) => {
        for (const d of v.shape) {
          lengthDelimited(s, 1, (dim) => {
            if (typeof d === "number") dim.tag(1, WireType.Varint).int64(d);
            else dim.tag(2, WireType.LengthDelimited).string(d);
          });
        }
      });
    }),
  );
}

/** Serialises a ModelProto. */
export function encodeModel(m: Model): Uint8Array {
  const w = new BinaryWriter();
  w.tag(1, WireType.Varint).int64(IR_VERSION);
  w.tag(2, WireType.LengthDelimited).string(m.producerName);
  w.tag(3, WireType.LengthDelimited).string(m.producerVersion);
  if (m.docString !== undefined) w.tag(6, WireType.LengthDelimited).string(m.docString);
  lengthDelimited(w, 7, (g) => {
    for (const n of m.graph.nodes) lengthDelimited(g, 1, (x) => writeNode(x, n));
    g.tag(2, WireType.LengthDelimited).string(m.graph.name);
    for (const t of m.graph.initializers) lengthDelimited(g, 5, (x) => writeTensor(x, t));
    for (const v of m.graph.inputs) lengthDelimited(g, 11, (x) => writeValueInfo(x, v));
    for (const v of m.graph.outputs) lengthDelimited(g, 12, (x) => writeValueInfo(x, v));
  });
  for (const o of m.opsets) {
    lengthDelimited(w, 8, (x) => {
      x.tag(1, WireType.LengthDelimited).string(o.domain);
      x.tag(2, WireType.Varint).int64(o.version);
    });
  }
  for (const [key, value] of Object.entries(m.metadata)) {
    lengthDelimited(w, 14, (x) => x.tag(1, WireType.LengthDelimited).string(key).tag(2, WireType.LengthDelimited).string(value));
  }
  return w.finish();
}

/** Tensor of doubles (raw_data, little-endian). */
export function doubleTensor(values: ArrayLike<number>, dims: number[] = [values.length], name?: string): Tensor {
  const a = Float64Array.from(values);
  return { name, dims, dataType: DataType.DOUBLE, raw: new Uint8Array(a.buffer) };
}

export function int64Tensor(values: ArrayLike<number>, dims: number[] = [values.length], name?: string): Tensor {
  const a = BigInt64Array.from(Array.from(values, (v) => BigInt(v)));
  return { name, dims, dataType: DataType.INT64, raw: new Uint8Array(a.buffer) };
}

export function uint8Tensor(values: ArrayLike<number>, dims: number[] = [values.length], name?: string): Tensor {
  return { name, dims, dataType: DataType.UINT8, raw: Uint8Array.from(values) };
}
