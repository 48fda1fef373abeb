import { doubleTensor, int64Tensor, type AttributeValue, type Node, type Tensor, type ValueInfo } from "./proto.ts";

/** Opsets the exporter writes (onnxruntime-node 1.31 runs both). */
export const OPSET_ONNX = 21;
export const OPSET_ML = 5;
export const ML = "ai.onnx.ml";

/**
 * An ONNX graph under construction: every value is a tensor name; helpers return the name of
 * their output. Names are generated (`t12`), so a field name never reaches the graph.
 */
export class GraphBuilder {
  readonly nodes: Node[] = [];
  readonly initializers: Tensor[] = [];
  readonly inputs: ValueInfo[] = [];
  readonly outputs: ValueInfo[] = [];
  private counter = 0;
  private readonly constants = new Map<string, string>();
  /** Names generated tensors must not take: the graph inputs, named after the document's fields. */
  readonly reserved = new Set<string>();

  fresh(prefix = "t"): string {
    let name: string;
    do name = `${prefix}${this.counter++}`;
    while (this.reserved.has(name));
    return name;
  }

  node(opType: string, inputs: string[], attributes?: Record<string, AttributeValue>, domain?: string, outputs = 1): string[] {
    const outs = Array.from({ length: outputs }, () => this.fresh());
    this.nodes.push({ opType, inputs, outputs: outs, attributes, domain, name: this.fresh("n") });
    return outs;
  }

  op(opType: string, inputs: string[], attributes?: Record<string, AttributeValue>, domain?: string): string {
    return this.node(opType, inputs, attributes, domain)[0];
  }

  initializer(t: Omit<Tensor, "name">): string {
    const name = this.fresh("c");
    this.initializers.push({ ...t, name });
    return name;
  }

  /** A double constant of the given shape (scalars shared). */
  doubles(values: ArrayLike<number>, dims: number[] = [values.length]): string {
    const key = dims.length === 0 ? `d:${Object.is(values[0], -0) ? "-0" : String(values[0])}` : undefined;
    if (key !== undefined) {
      const known = this.constants.get(key);
      if (known) return known;
    }
    const name = this.initializer(doubleTensor(values, dims));
    if (key !== undefined) this.constants.set(key, name);
    return name;
  }

  scalar(v: number): string {
    return this.doubles([v], []);
  }

  int64s(values: ArrayLike<number>, dims: number[] = [values.length]): string {
    return this.initializer(int64Tensor(values, dims));
  }

  // Arithmetic on double tensors (broadcasting).
  add(a: string, b: string): string {
    return this.op("Add", [a, b]);
  }
  sub(a: string, b: string): string {
    return this.op("Sub", [a, b]);
  }
  mul(a: string, b: string): string {
    return this.op("Mul", [a, b]);
  }
  div(a: string, b: string): string {
    return this.op("Div", [a, b]);
  }
  isNaN(a: string): string {
    return this.op("IsNaN", [a]);
  }
  /**
   * a^exponent for a constant exponent, missing (NaN) where a is: Pow(NaN, 0) is 1 (IEEE pow),
   * where PMML and the interpreter make a missing value's power missing.
   */
  pow(a: string, exponent: number): string {
    if (exponent === 1) return a;
    const power = this.op("Pow", [a, this.scalar(exponent)]);
    return exponent === 0 ? this.where(this.isNaN(a), a, power) : power;
  }
  /** a^b for two tensors, missing (NaN) where either is: IEEE pow makes NaN^0 and 1^NaN 1. */
  powOfTensors(a: string, b: string): string {
    const power = this.op("Pow", [a, b]);
    return this.where(this.isNaN(a), a, this.where(this.isNaN(b), b, power));
  }
  where(cond: string, a: string, b: string): string {
    return this.op("Where", [cond, a, b]);
  }
  /** Columns [N,1] side by side: [N,k]. */
  concat(columns: string[], axis = 1): string {
    return columns.length === 1 ? columns[0] : this.op("Concat", columns, { axis: { kind: "int", value: axis } });
  }
  /** Column k of an [N,K] tensor as [N,1]. */
  column(x: string, k: number): string {
    return this.op("Slice", [x, this.int64s([k]), this.int64s([k + 1]), this.int64s([1])]);
  }
}
