import {
  isNumericType,
  isPlainMiningField,
  nestedModels,
  type ModelNode,
  toDataType,
  formatValue,
  type DataField,
  type DataType,
  type DerivedField,
  type MiningField,
  type ModelBase,
  type Pipeline,
  type Value,
} from "@porta/ir";
import type { GraphBuilder } from "./graph.ts";
import { DataType as Elem } from "./proto.ts";
import { NotExportable } from "./refusal.ts";
import { compileExpr } from "./expressions.ts";

/**
 * Categories of a text-valued field in the graph, as double codes (the index in `texts`).
 * An input's table is open: literals the model compares with are added while exporting, and a
 * valid value outside it is fed as -1, which equals no literal. A computed field's table is closed.
 */
export interface CodeTable {
  texts: string[];
  open: boolean;
}

/** Code of a text in a table (added to an open one); -2 when a closed table lacks it (equals no value). */
export function codeOf(table: CodeTable, text: string): number {
  const i = table.texts.indexOf(text);
  if (i >= 0) return i;
  if (!table.open) return -2;
  table.texts.push(text);
  return table.texts.length - 1;
}

/**
 * A field's value in the graph: a double tensor [N,1] (NaN missing), for text fields their codes.
 * `scalar` marks a constant that has no row dimension.
 */
export type GraphValue =
  | { kind: "number"; tensor: string; dataType: DataType; scalar?: boolean }
  | { kind: "code"; tensor: string; table: CodeTable; scalar?: boolean };

/** A graph input: one per DataField the model reads, a double column [N,1]. */
export interface GraphInput {
  /** The graph input's name: the field's name. */
  name: string;
  field: DataField;
  /** Codes of a text field (null for numbers). */
  table: CodeTable | null;
}

export interface GraphScope {
  readonly g: GraphBuilder;
  readonly root: RootGraphScope;
  resolve(name: string): GraphValue;
  dataTypeOf(name: string): DataType | undefined;
}

/** A value treated per a MiningField in the graph: missingValueReplacement and outliers. */
function treat(g: GraphBuilder, v: GraphValue, m: MiningField, fieldType: DataType): GraphValue {
  let tensor = v.tensor;
  if (v.kind === "number" && m.outliers !== "asIs" && (m.lowValue !== undefined || m.highValue !== undefined)) {
    const low = m.lowValue,
      high = m.highValue;
    if (m.outliers === "asExtremeValues") {
      if (low !== undefined) tensor = g.where(g.op("Less", [tensor, g.scalar(low)]), g.scalar(low), tensor);
      if (high !== undefined) tensor = g.where(g.op("Greater", [tensor, g.scalar(high)]), g.scalar(high), tensor);
    } else {
      const nan = g.scalar(NaN);
      if (low !== undefined) tensor = g.where(g.op("Less", [tensor, g.scalar(low)]), nan, tensor);
      if (high !== undefined) tensor = g.where(g.op("Greater", [tensor, g.scalar(high)]), nan, tensor);
    }
  }
  if (m.missingValueReplacement !== undefined && m.missingValueReplacement !== null) {
    const rep = replacementCode(v, m.missingValueReplacement, fieldType, m.name);
    tensor = g.where(g.isNaN(tensor), g.scalar(rep), tensor);
  }
  return { ...v, tensor };
}

function replacementCode(v: GraphValue, replacement: Value, fieldType: DataType, field: string): number {
  if (v.kind === "code") return codeOf(v.table, formatValue(replacement));
  const typed = toDataType(replacement, fieldType);
  if (typeof typed !== "number") throw new NotExportable(`MiningField "${field}" missingValueReplacement is not a number`);
  return typed;
}

/** Data fields (graph inputs, treated by the top-level MiningSchema) and the TransformationDictionary. */
export class RootGraphScope implements GraphScope {
  readonly root = this;
  readonly inputs = new Map<string, GraphInput>();
  private readonly dataFields: Map<string, DataField>;
  private readonly derived: Map<string, DerivedField>;
  private readonly topMining: Map<string, MiningField>;
  private readonly cache = new Map<string, GraphValue>();
  private readonly resolving = new Set<string>();

  constructor(
    readonly pipeline: Pipeline,
    readonly g: GraphBuilder,
    top: ModelBase,
  ) {
    this.dataFields = new Map(pipeline.dataFields.map((f) => [f.name, f]));
    this.derived = new Map(pipeline.transformations.map((f) => [f.name, f]));
    this.topMining = new Map(top.miningSchema.map((f) => [f.name, f]));
  }

  dataField(name: string): DataField | undefined {
    return this.dataFields.get(name);
  }

  dataTypeOf(name: string): DataType | undefined {
    return this.dataFields.get(name)?.dataType ?? this.derived.get(name)?.dataType;
  }

  resolve(name: string): GraphValue {
    return resolveOnce(this.cache, this.resolving, name, (n) => this.compute(n));
  }

  private compute(name: string): GraphValue {
    const field = this.dataFields.get(name);
    if (field) {
      const input = this.input(field);
      const mining = this.topMining.get(name);
      return mining ? treat(this.g, input, mining, field.dataType) : input;
    }
    const derived = this.derived.get(name);
    if (!derived) {
      if (isOutputField(this.pipeline.model, name)) throw new NotExportable(`OutputField name="${name}" read by a later Segment (modelChain) is not exported`);
      throw new NotExportable(`field "${name}" is not defined`);
    }
    return derivedValue(derived, this);
  }

  private input(field: DataField): GraphValue {
    const kind = columnKind(field.dataType, `DataField "${field.name}"`);
    const table: CodeTable | null = kind === "code" ? { texts: field.validValues.map((v) => formatValue(v)), open: true } : null;
    this.inputs.set(field.name, { name: field.name, field, table });
    this.g.inputs.push({ name: field.name, elemType: Elem.DOUBLE, shape: ["N", 1] });
    return table ? { kind: "code", tensor: field.name, table } : { kind: "number", tensor: field.name, dataType: field.dataType };
  }
}

function isOutputField(model: ModelNode, name: string): boolean {
  return model.output.some((o) => o.name === name) || nestedModels(model).some((m) => isOutputField(m, name));
}

/** How a field of this type travels in the graph. */
export function columnKind(dataType: DataType, where: string): "number" | "code" {
  if (dataType === "string") return "code";
  if (isNumericType(dataType) && (dataType === "double" || dataType === "float" || dataType === "integer")) return "number";
  throw new NotExportable(`${where} dataType="${dataType}" is not exported`);
}

/** A DerivedField's expression, cast to its dataType as the interpreter casts it. */
export function derivedValue(field: DerivedField, scope: GraphScope): GraphValue {
  const where = `DerivedField "${field.name}"`;
  const v = compileExpr(field.expr, scope, where);
  if (v.scalar) throw new NotExportable(`${where} is a Constant`);
  const kind = columnKind(field.dataType, where);
  if (kind === "code") {
    if (v.kind !== "code") throw new NotExportable(`${where} casts a number to dataType="string"`);
    return v;
  }
  if (v.kind !== "number") {
    // Text cast to a number (a MapValues without dataType writing "0", "1"): each code's number.
    const numbers = v.table.texts.map((t) => toDataType(t, field.dataType));
    if (numbers.some((n) => typeof n !== "number")) throw new NotExportable(`${where} casts text to dataType="${field.dataType}"`);
    let y = scope.g.scalar(NaN);
    numbers.forEach((n, k) => {
      y = scope.g.where(scope.g.op("Equal", [v.tensor, scope.g.scalar(k)]), scope.g.scalar(n as number), y);
    });
    return { kind: "number", dataType: field.dataType, tensor: y };
  }
  if (field.dataType === "float")
    return {
      kind: "number",
      dataType: "float",
      tensor: scope.g.op("Cast", [scope.g.op("Cast", [v.tensor], { to: { kind: "int", value: Elem.FLOAT } })], { to: { kind: "int", value: Elem.DOUBLE } }),
    };
  if (field.dataType === "integer" && v.dataType !== "integer") throw new NotExportable(`${where} casts a double to dataType="integer"`);
  return { ...v, dataType: field.dataType };
}

/** One model element: its MiningSchema treatments (nested models) and LocalTransformations. */
export class ModelGraphScope implements GraphScope {
  readonly g: GraphBuilder;
  private readonly mining: Map<string, MiningField>;
  private readonly local: Map<string, DerivedField>;
  private readonly cache = new Map<string, GraphValue>();
  private readonly resolving = new Set<string>();

  constructor(
    readonly model: ModelBase,
    readonly parent: GraphScope,
    readonly root: RootGraphScope,
  ) {
    this.g = root.g;
    this.mining = new Map(model.miningSchema.map((f) => [f.name, f]));
    this.local = new Map(model.localTransformations.map((f) => [f.name, f]));
  }

  dataTypeOf(name: string): DataType | undefined {
    return this.local.get(name)?.dataType ?? this.parent.dataTypeOf(name);
  }

  resolve(name: string): GraphValue {
    return resolveOnce(this.cache, this.resolving, name, (n) => this.compute(n));
  }

  private compute(name: string): GraphValue {
    const derived = this.local.get(name);
    if (derived) return derivedValue(derived, this);
    const m = this.mining.get(name);
    const inherited = this.parent.resolve(name);
    // The top-level model's treatments are the root's; a nested model treats its parent's value again.
    if (!m || this.parent === this.root || isPlainMiningField(m)) return inherited;
    // The parent validated the value already: returnInvalid and asIs (without a replacement) keep it.
    if ((m.invalidValueTreatment !== "returnInvalid" && m.invalidValueTreatment !== "asIs") || m.invalidValueReplacement !== undefined) {
      throw new NotExportable(`MiningField "${name}" invalidValueTreatment="${m.invalidValueTreatment}" in a nested model`);
    }
    const type = this.root.dataField(name)?.dataType ?? this.parent.dataTypeOf(name) ?? "double";
    return treat(this.g, inherited, m, type);
  }
}

/** A field's graph value, computed once per scope; a field defined in terms of itself is refused. */
function resolveOnce(cache: Map<string, GraphValue>, resolving: Set<string>, name: string, compute: (name: string) => GraphValue): GraphValue {
  const known = cache.get(name);
  if (known) return known;
  if (resolving.has(name)) throw new NotExportable(`field "${name}" is defined in terms of itself`);
  resolving.add(name);
  try {
    const v = compute(name);
    cache.set(name, v);
    return v;
  } finally {
    resolving.delete(name);
  }
}
