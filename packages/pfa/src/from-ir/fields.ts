import type { DataField, DataType, DefineFunction, DerivedField, Interval, MiningField, ModelBase, Pipeline, Value } from "@porta/ir";
import { isPlainMiningField } from "@porta/ir";
import { type Block, type Code, type Json, type Scalar, asNullable, cannotConvert, choose, failure, literal, missing } from "./code.ts";
import type { AvroNames } from "./names.ts";
import { compileExpr } from "./expressions.ts";
import { toSinglePrecision } from "./single-precision.ts";

/** Where generated code finds a PMML field's value: the input record, a derived field, a model's scope. */
export interface Env {
  resolve(name: string): Code;
  /** The field's type as PMML declares it (a DataField or DerivedField), for typing literals compared with it. */
  dataTypeOf(name: string): DataType | undefined;
  /** A DefineFunction of the document, by name. */
  functionNamed(name: string): DefineFunction | undefined;
}

/** One field of the PFA input record: the PMML name, its Avro name and Avro type. */
export interface InputField {
  pmml: string;
  avro: string;
  type: "double" | "float" | "string";
}

/** The scalar a PMML dataType is computed as: every number is a double, as in JPMML's evaluation. */
export function scalarOf(dataType: DataType, what: string, path?: string): Scalar {
  switch (dataType) {
    case "string":
      return "string";
    case "double":
    case "integer":
    case "float":
      return "double";
    case "boolean":
      return "boolean";
    default:
      return cannotConvert(`${what}@dataType=${dataType}`, `${dataType} values have no PFA type in this conversion`, path);
  }
}

/** A literal of a field's type from document text or a typed value (a number field's "1" is 1). */
export function typedLiteral(value: Value, type: Scalar, what: string): Code {
  if (value === null) return missing(type);
  if (type === "double") {
    const n = typeof value === "number" ? value : Number(value);
    if (typeof value === "string" && (value.trim() === "" || Number.isNaN(n))) cannotConvert(what, `"${value}" is not a number`);
    return literal(n, "double");
  }
  if (type === "boolean") {
    if (typeof value === "boolean") return literal(value, "boolean");
    if (value === "true" || value === "false") return literal(value === "true", "boolean");
    return cannotConvert(what, `"${String(value)}" is not a boolean`);
  }
  return literal(typeof value === "number" ? formatNumber(value) : String(value), "string");
}

/** A number as PMML writes it as text (integers without ".0", as Java's formatting of an integral double does not). */
function formatNumber(n: number): string {
  return String(n);
}

/** The comparison of two present values of one scalar type. */
export function equals(a: Json, b: Json): Json {
  return { "==": [a, b] };
}

/**
 * The pipeline's fields: DataFields read from the input record and treated per the top-level
 * model's MiningFields (PMML 4.4 §MiningSchema: missing, invalid and outlier treatments), and
 * the TransformationDictionary's DerivedFields. A field is generated where first used, once.
 */
export class RootEnv implements Env {
  readonly inputs: InputField[] = [];
  private readonly cache = new Map<string, Code>();
  private readonly dataFields: Map<string, DataField>;
  private readonly derived: Map<string, DerivedField>;
  private readonly mining: Map<string, MiningField>;
  private readonly resolving = new Set<string>();

  constructor(
    private readonly block: Block,
    pipeline: Pipeline,
    private readonly names: AvroNames,
  ) {
    this.dataFields = new Map(pipeline.dataFields.map((f) => [f.name, f]));
    this.derived = new Map(pipeline.transformations.map((f) => [f.name, f]));
    this.mining = new Map(pipeline.model.miningSchema.map((f) => [f.name, f]));
    this.functions = new Map(pipeline.functions.map((f) => [f.name, f]));
  }

  private readonly functions: Map<string, DefineFunction>;

  functionNamed(name: string): DefineFunction | undefined {
    return this.functions.get(name);
  }

  dataTypeOf(name: string): DataType | undefined {
    return this.dataFields.get(name)?.dataType ?? this.derived.get(name)?.dataType;
  }

  resolve(name: string): Code {
    const known = this.cache.get(name);
    if (known) return known;
    if (this.resolving.has(name)) cannotConvert(`DerivedField[@name=${name}]`, "the field depends on itself");
    this.resolving.add(name);
    const field = this.dataFields.get(name);
    let code: Code;
    if (field) code = this.block.bind(this.prepareInput(field), "f");
    else {
      const derived = this.derived.get(name);
      if (!derived) return cannotConvert(`FieldRef[@field=${name}]`, "the field is not defined");
      code = this.block.bind(derivedValue(derived, this, this.block), "d");
    }
    this.resolving.delete(name);
    this.cache.set(name, code);
    return code;
  }

  private prepareInput(field: DataField): Code {
    const type = scalarOf(field.dataType, `DataField[@name=${field.name}]`);
    if (type === "boolean") cannotConvert(`DataField[@name=${field.name}]@dataType=boolean`, "boolean inputs are not converted");
    const avro = this.names.nameOf(field.name);
    const avroType = field.dataType === "float" ? "float" : type === "double" ? "double" : "string";
    this.inputs.push({ pmml: field.name, avro, type: avroType });
    const read: Json = { attr: "input", path: [{ string: avro }] };
    // A float input is read as a float (PMML's float is single precision) and computed on as a double.
    const raw: Code = { expr: avroType === "float" ? { upcast: read, as: ["null", "double"] } : read, type, nullable: true };
    return prepareValue(this.block, field, this.mining.get(field.name), raw);
  }
}

/**
 * PMML input preparation (§MiningSchema, as the reference interpreter's prepareInput): a declared
 * missing value is missing; a value outside the valid values or intervals is invalid and treated
 * per invalidValueTreatment; a missing value is replaced per missingValueReplacement; outliers.
 */
export function prepareValue(block: Block, field: DataField, mining: MiningField | undefined, raw: Code): Code {
  const type = raw.type;
  const what = `MiningField[@name=${field.name}]`;
  const whenMissing = missingTreatment(field, mining, type);
  const x = block.fresh("x");
  const present: Code = { expr: x, type, nullable: false };
  const isDeclaredMissing = anyOf(field.missingValues.map((v) => equals(x, typedLiteral(v, type, what).expr)));
  const invalid = invalidTest(field, x, type, what);
  let valid: Code = present;
  if (mining && type === "double" && mining.outliers !== "asIs" && (mining.lowValue !== undefined || mining.highValue !== undefined)) {
    valid = outlierTreatment(mining, present, whenMissing);
  }
  let body: Code = valid;
  if (invalid !== null) body = choose(invalid, invalidTreatment(field, mining, present, whenMissing), body);
  if (isDeclaredMissing !== null) body = choose(isDeclaredMissing, whenMissing, body);
  if (!raw.nullable) cannotConvert(what, "an input is always nullable");
  const nullable = body.nullable || whenMissing.nullable;
  return {
    expr: { ifnotnull: { [x]: raw.expr }, then: nullable ? asNullable(body) : body.expr, else: nullable ? asNullable(whenMissing) : whenMissing.expr },
    type,
    nullable,
  };
}

function anyOf(tests: Json[]): Json | null {
  if (tests.length === 0) return null;
  return tests.reduce((a, b) => ({ "||": [a, b] }));
}

function missingTreatment(field: DataField, mining: MiningField | undefined, type: Scalar): Code {
  if (mining?.missingValueReplacement !== undefined && mining.missingValueReplacement !== null) {
    return typedLiteral(mining.missingValueReplacement, type, `MiningField[@name=${field.name}]@missingValueReplacement`);
  }
  if (mining?.missingValueTreatment === "returnInvalid") return failure(`field "${field.name}" is missing and its MiningField says returnInvalid`, type);
  return missing(type);
}

/** The test that a present value is invalid (§DataField Value and Interval), or null when every value is valid. */
function invalidTest(field: DataField, x: string, type: Scalar, what: string): Json | null {
  const invalids = anyOf(field.invalidValues.map((v) => equals(x, typedLiteral(v, type, what).expr)));
  const inValid = anyOf(field.validValues.map((v) => equals(x, typedLiteral(v, type, what).expr)));
  let outside: Json | null = null;
  if (field.opType === "continuous" && type === "double") {
    const inIntervals = anyOf(field.intervals.map((iv) => intervalTest(iv, x)));
    const validity = anyOf([inValid, inIntervals].filter((t): t is Json => t !== null));
    if (validity !== null) outside = { "!": validity };
  } else if (inValid !== null && field.opType !== "continuous") outside = { "!": inValid };
  return anyOf([invalids, outside].filter((t): t is Json => t !== null));
}

export function intervalTest(iv: Interval, x: Json): Json {
  const tests: Json[] = [];
  if (iv.left !== undefined) tests.push({ [iv.closure.startsWith("closed") ? ">=" : ">"]: [x, literal(iv.left, "double").expr] });
  if (iv.right !== undefined) tests.push({ [iv.closure.endsWith("Closed") ? "<=" : "<"]: [x, literal(iv.right, "double").expr] });
  if (tests.length === 0) return true;
  return tests.length === 1 ? tests[0] : { "&&": tests };
}

function invalidTreatment(field: DataField, mining: MiningField | undefined, present: Code, whenMissing: Code): Code {
  const what = `MiningField[@name=${field.name}]@invalidValueReplacement`;
  const replacement = mining?.invalidValueReplacement;
  switch (mining?.invalidValueTreatment ?? "returnInvalid") {
    case "returnInvalid":
      return failure(`field "${field.name}" has an invalid value`, present.type);
    case "asIs":
      return replacement === undefined || replacement === null ? present : typedLiteral(replacement, present.type, what);
    case "asMissing":
      return whenMissing;
    case "asValue":
      return replacement === undefined || replacement === null ? missing(present.type) : typedLiteral(replacement, present.type, what);
  }
}

function outlierTreatment(mining: MiningField, present: Code, whenMissing: Code): Code {
  const low = mining.lowValue,
    high = mining.highValue;
  let out: Code = present;
  if (mining.outliers === "asMissingValues") {
    // An outlier under asMissingValues is missing, then treated as a missing value (JPMML).
    if (high !== undefined) out = choose({ ">": [present.expr, literal(high, "double").expr] }, whenMissing, out);
    if (low !== undefined) out = choose({ "<": [present.expr, literal(low, "double").expr] }, whenMissing, out);
    return out;
  }
  if (high !== undefined) out = choose({ ">": [present.expr, literal(high, "double").expr] }, literal(high, "double"), out);
  if (low !== undefined) out = choose({ "<": [present.expr, literal(low, "double").expr] }, literal(low, "double"), out);
  return out;
}

/** A DerivedField's value as its declared type (PMML casts the expression's value to dataType). */
export function derivedValue(derived: DerivedField, env: Env, block: Block): Code {
  const what = `DerivedField[@name=${derived.name}]`;
  // A MapValues or Discretize without dataType yields its table's text, which the DerivedField casts (PMML §DerivedField).
  const expr =
    (derived.expr.kind === "mapValues" || derived.expr.kind === "discretize") && !derived.expr.dataType
      ? { ...derived.expr, dataType: derived.dataType }
      : derived.expr;
  const code = compileExpr(expr, env, block);
  // A float DerivedField holds its value rounded to single precision (PMML's toDataType "float").
  if (derived.dataType === "float" && code.type === "double") return toSinglePrecision(code, block);
  const type = scalarOf(derived.dataType, what);
  if (type !== code.type) cannotConvert(what, `a ${code.type} expression cast to ${derived.dataType} is not converted`);
  // An integer from a table (MapValues, Discretize) is checked integral where the table is read; an arithmetic one may not be.
  if (derived.dataType === "integer" && expr.kind !== "mapValues" && expr.kind !== "discretize") {
    cannotConvert(`${what}@dataType=integer`, "a derived integer's truncation is not converted");
  }
  return code;
}

/**
 * A model's scope (§LocalTransformations and a nested model's MiningSchema): its local derived
 * fields, else its parent's fields; a nested model's MiningField treats the value its parent
 * sees again (JPMML's ModelEvaluationContext), so an ensemble's segments may each replace or
 * keep invalid values their own way.
 */
export class ModelEnv implements Env {
  private readonly cache = new Map<string, Code>();
  private readonly local: Map<string, DerivedField>;
  private readonly treated = new Map<string, MiningField>();
  private readonly resolving = new Set<string>();

  constructor(
    private readonly block: Block,
    private readonly parent: Env,
    model: ModelBase,
    nested: boolean,
    private readonly dataFields: ReadonlyMap<string, DataField>,
  ) {
    this.local = new Map(model.localTransformations.map((f) => [f.name, f]));
    if (nested) {
      for (const f of model.miningSchema) {
        if (isPlainMiningField(f)) continue;
        if (!dataFields.has(f.name))
          cannotConvert(`MiningField[@name=${f.name}]`, "a nested model's treatment of a derived field is not converted", model.path);
        this.treated.set(f.name, f);
      }
    }
  }

  dataTypeOf(name: string): DataType | undefined {
    return this.local.get(name)?.dataType ?? this.parent.dataTypeOf(name);
  }

  functionNamed(name: string): DefineFunction | undefined {
    return this.parent.functionNamed(name);
  }

  resolve(name: string): Code {
    const known = this.cache.get(name);
    if (known) return known;
    const derived = this.local.get(name);
    const mining = this.treated.get(name);
    if (!derived && !mining) return this.parent.resolve(name);
    if (this.resolving.has(name)) cannotConvert(`DerivedField[@name=${name}]`, "the field depends on itself");
    this.resolving.add(name);
    let code: Code;
    if (derived) code = this.block.bind(derivedValue(derived, this, this.block), "d");
    else {
      const inherited = this.parent.resolve(name);
      const raw: Code = inherited.nullable
        ? inherited
        : { expr: { upcast: inherited.expr, as: ["null", inherited.type] }, type: inherited.type, nullable: true };
      code = this.block.bind(prepareValue(this.block, this.dataFields.get(name)!, mining, raw), "f");
    }
    this.resolving.delete(name);
    this.cache.set(name, code);
    return code;
  }

  /** Makes a name (an OutputField a later segment reads, modelChain) resolve to a computed value. */
  define(name: string, code: Code): void {
    this.cache.set(name, code);
  }
}

/**
 * A DefineFunction's body inlined at its call (PMML functions are not recursive): its parameters
 * are the call's arguments (missing ones included, as PMML passes them), and nothing else is in scope.
 */
export class FunctionEnv implements Env {
  private readonly params: Map<string, { code: Code; dataType?: DataType }>;

  constructor(
    private readonly fn: DefineFunction,
    args: readonly Code[],
    private readonly outer: Env,
  ) {
    this.params = new Map(fn.params.map((p, i) => [p.name, { code: args[i], dataType: p.dataType }]));
  }

  dataTypeOf(name: string): DataType | undefined {
    return this.params.get(name)?.dataType;
  }

  functionNamed(name: string): DefineFunction | undefined {
    return this.outer.functionNamed(name);
  }

  resolve(name: string): Code {
    const p = this.params.get(name);
    if (!p) return cannotConvert(`DefineFunction[@name=${this.fn.name}]`, `its body reads "${name}", which is no parameter`);
    return p.code;
  }
}
