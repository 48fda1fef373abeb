import { isPlainMiningField, type DataField, type DefineFunction, type DerivedField, type MiningField } from "../fields.ts";
import type { ModelBase, ModelNode, ModelResult } from "../model.ts";
import type { TargetInfo } from "./target.ts";
import type { Pipeline } from "../pipeline.ts";
import { EvaluationError, SchemaError } from "../errors.ts";
import { DEFAULT_LIMITS, type Limits } from "../limits.ts";
import { toDataType, type DataType, type Value } from "../values.ts";
import { evaluateExpr } from "./expression.ts";
import { prepareInput, treatOutlier } from "./input.ts";

export { classifyInput, inInterval, prepareInput, type Validity } from "./input.ts";

/** A raw input row: field name → value as given (strings from CSV, JSON scalars, ...). */
export type InputRow = Readonly<Record<string, unknown>>;

/**
 * Field resolution during one evaluation. Scopes nest like the document does: the pipeline
 * (data fields, TransformationDictionary), then one scope per model element (its MiningSchema
 * treatments and LocalTransformations), with segment models nested in their MiningModel.
 */
export interface Scope {
  /** Value of a field visible here; throws SchemaError for an unknown name. */
  resolve(name: string): Value;
  /** Declared type of a visible field, when known. */
  typeOf(name: string): DataType | undefined;
  /** The user function of this name, when defined. */
  lookupFunction(name: string): DefineFunction | undefined;
  /**
   * The ordering of an ordinal field's values (its valid Values in document order), when it has
   * one: comparisons then follow it (JPMML's OrdinalValue).
   */
  orderingOf?(name: string): Value[] | undefined;
  readonly pipeline: Pipeline;
  /** What one evaluation may spend (built-ins read `regexSteps`); DEFAULT_LIMITS when absent. */
  readonly limits?: Readonly<Limits>;
}

const IN_PROGRESS = Symbol("in-progress");

type FieldCache = Map<string, Value | typeof IN_PROGRESS>;

/** Memoised field resolution that reports a field defined in terms of itself. */
function memoised(cache: FieldCache, name: string, compute: () => Value): Value {
  const cached = cache.get(name);
  if (cached === IN_PROGRESS) {
    throw new SchemaError("PMML_CYCLIC_FIELD", `field "${name}" is defined in terms of itself`, { value: name });
  }
  if (cached !== undefined) return cached;
  cache.set(name, IN_PROGRESS);
  let value: Value;
  try {
    value = compute();
  } finally {
    cache.delete(name);
  }
  cache.set(name, value);
  return value;
}

/** Raw data fields and global derived fields. */
export class PipelineScope implements Scope {
  private readonly cache = new Map<string, Value | typeof IN_PROGRESS>();
  readonly dataFields: Map<string, DataField>;
  readonly derived: Map<string, DerivedField>;
  readonly functions: Map<string, DefineFunction>;
  /** The top-level model's mining fields: global transformations see treated inputs. */
  private topMiningFields = new Map<string, MiningField>();
  /**
   * A model's family result computed elsewhere (a backend that scored the family's arithmetic
   * for this row); when it answers, runModel uses it instead of evaluating the family, and
   * Targets and Output are applied to it as to the interpreter's own.
   */
  familyResult?: (model: ModelNode, scope: ModelScope, target: TargetInfo) => ModelResult | undefined;

  constructor(
    readonly pipeline: Pipeline,
    private readonly row: InputRow,
    index: PipelineIndex = indexPipeline(pipeline),
    readonly limits: Readonly<Limits> = DEFAULT_LIMITS,
  ) {
    this.dataFields = index.dataFields;
    this.derived = index.derived;
    this.functions = index.functions;
  }

  setTopModel(model: ModelBase): void {
    this.topMiningFields = new Map(model.miningSchema.map((f) => [f.name, f]));
  }

  lookupFunction(name: string): DefineFunction | undefined {
    return this.functions.get(name);
  }

  typeOf(name: string): DataType | undefined {
    return this.dataFields.get(name)?.dataType ?? this.derived.get(name)?.dataType;
  }

  orderingOf(name: string): Value[] | undefined {
    const dataField = this.dataFields.get(name);
    if (dataField) {
      const opType = this.topMiningFields.get(name)?.opType ?? dataField.opType;
      return opType === "ordinal" && dataField.validValues.length > 0 ? dataField.validValues : undefined;
    }
    const derived = this.derived.get(name);
    return derived?.opType === "ordinal" && derived.values && derived.values.length > 0 ? derived.values : undefined;
  }

  /** A data field's value as given, before any treatment. */
  rawInput(name: string): unknown {
    return this.row[name];
  }

  resolve(name: string): Value {
    return memoised(this.cache, name, () => {
      const dataField = this.dataFields.get(name);
      if (dataField) return prepareInput(dataField, this.topMiningFields.get(name), this.row[name]);
      const derived = this.derived.get(name);
      if (!derived) throw new SchemaError("PMML_UNKNOWN_FIELD", `field "${name}" is not defined`, { value: name });
      return castDerived(derived, evaluateExpr(derived.expr, this));
    });
  }
}

export interface PipelineIndex {
  dataFields: Map<string, DataField>;
  derived: Map<string, DerivedField>;
  functions: Map<string, DefineFunction>;
}

export function indexPipeline(pipeline: Pipeline): PipelineIndex {
  return {
    dataFields: new Map(pipeline.dataFields.map((f) => [f.name, f])),
    derived: new Map(pipeline.transformations.map((f) => [f.name, f])),
    functions: new Map(pipeline.functions.map((f) => [f.name, f])),
  };
}

/** One model element: MiningSchema treatments, LocalTransformations, and defined values (outputs). */
export class ModelScope implements Scope {
  private readonly cache = new Map<string, Value | typeof IN_PROGRESS>();
  private readonly miningFields: Map<string, MiningField>;
  private readonly local: Map<string, DerivedField>;
  readonly pipeline: Pipeline;

  constructor(
    readonly model: ModelBase,
    readonly parent: Scope,
    readonly root: PipelineScope,
  ) {
    this.pipeline = root.pipeline;
    this.miningFields = new Map(model.miningSchema.map((f) => [f.name, f]));
    this.local = new Map(model.localTransformations.map((f) => [f.name, f]));
  }

  get limits(): Readonly<Limits> | undefined {
    return this.parent.limits;
  }

  lookupFunction(name: string): DefineFunction | undefined {
    return this.root.lookupFunction(name);
  }

  typeOf(name: string): DataType | undefined {
    return this.local.get(name)?.dataType ?? this.parent.typeOf(name);
  }

  orderingOf(name: string): Value[] | undefined {
    const local = this.local.get(name);
    if (local) return local.opType === "ordinal" && local.values && local.values.length > 0 ? local.values : undefined;
    return this.parent.orderingOf?.(name);
  }

  /** Makes a value visible by name in this scope (output fields, segment results). */
  define(name: string, value: Value): void {
    this.cache.set(name, value);
  }

  has(name: string): boolean {
    const v = this.cache.get(name);
    return v !== undefined && v !== IN_PROGRESS;
  }

  resolve(name: string): Value {
    return memoised(this.cache, name, () => {
      const derived = this.local.get(name);
      if (derived) return castDerived(derived, evaluateExpr(derived.expr, this));
      const miningField = this.miningFields.get(name);
      const dataField = this.root.dataFields.get(name);
      // Top-level model: the root applies this model's treatments already.
      if (miningField && dataField && this.parent === this.root) return this.root.resolve(name);
      // Nested model: the value its parent model sees, treated again by its own MiningField
      // (JPMML's ModelEvaluationContext: parent.evaluate, then the value treatment; a MiningField
      // without treatments passes it on). So an imputation written on the top-level MiningSchema
      // only (nyoka, sklearn2pmml ensembles) reaches every segment.
      if (miningField && dataField) {
        const inherited = this.parent.resolve(name);
        return isPlainMiningField(miningField) ? inherited : prepareInput(dataField, miningField, inherited);
      }
      if (miningField) return treatNonDataField(miningField, this.parent.resolve(name));
      return this.parent.resolve(name);
    });
  }
}

/** Function parameters only: PMML DefineFunction bodies see nothing else. */
export class FunctionScope implements Scope {
  constructor(
    private readonly fn: DefineFunction,
    private readonly args: Map<string, Value>,
    private readonly outer: Scope,
  ) {}

  get pipeline(): Pipeline {
    return this.outer.pipeline;
  }

  get limits(): Readonly<Limits> | undefined {
    return this.outer.limits;
  }

  lookupFunction(name: string): DefineFunction | undefined {
    return this.outer.lookupFunction(name);
  }

  typeOf(name: string): DataType | undefined {
    return this.fn.params.find((p) => p.name === name)?.dataType;
  }

  resolve(name: string): Value {
    if (this.args.has(name)) return this.args.get(name) ?? null;
    throw new SchemaError("PMML_UNKNOWN_FIELD", `function "${this.fn.name}" has no parameter "${name}"`, { value: name });
  }
}

function castDerived(field: DerivedField, value: Value): Value {
  if (value === null) return null;
  const typed = toDataType(value, field.dataType);
  if (typed === undefined) {
    throw new EvaluationError("PMML_INVALID_DERIVED_VALUE", `derived field "${field.name}" cannot hold ${JSON.stringify(String(value))} as ${field.dataType}`, {
      value,
    });
  }
  return typed;
}

function treatNonDataField(mining: MiningField, value: Value): Value {
  if (value === null) return mining.missingValueReplacement ?? null;
  return treatOutlier(mining, value);
}
