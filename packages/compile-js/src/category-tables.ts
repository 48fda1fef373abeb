import {
  evaluateExpr,
  formatValue,
  isPortaError,
  toDataType,
  EvaluationError,
  type DataType,
  type DefineFunction,
  type Expr,
  type Pipeline,
  type Value,
} from "@porta/ir";
import { registerRuntimeHelper } from "./helpers.ts";

/**
 * An expression whose only field is one category column, evaluated once per entry of that
 * column's dictionary instead of once per row. It lives in the constant pool (plain data, so a
 * compiled artifact stays serialisable) and is evaluated by the interpreter's own
 * `evaluateExpr`: string built-ins, MapValues, DefineFunction calls and their errors behave
 * exactly as in the reference evaluator.
 */
export interface CategoryTableSpec {
  expr: Expr;
  /** The user functions the expression may call (DefineFunction bodies see only their parameters). */
  functions: DefineFunction[];
  /** The one field the expression reads, and its declared type. */
  field: string;
  fieldType: DataType;
  /** The DerivedField's dataType when the table is a derived field (castDerived), else null. */
  cast: DataType | null;
  /** "number": values as doubles (NaN missing, booleans 0/1); "category": codes in `dictionary`. */
  mode: "number" | "category";
  /** Error code → k + 1 (rowErrorKinds index + 1); an error with another code is rethrown. */
  errorKinds: Record<string, number>;
  /** The derived column's compile-time dictionary (category mode); batch texts extend it. */
  dictionary: string[] | null;
}

/**
 * Entry 0 is the missing value, entry c + 1 the category of code c. `reads[e]` is 1 when the
 * evaluation of entry e read the field (so an error of the field itself would surface there).
 */
export interface CategoryTable {
  values: Float64Array | Int32Array;
  errors: Int32Array;
  reads: Uint8Array;
  /** Category mode: the text of every code of the result (the dictionary, then new values). */
  texts: string[] | null;
}

/** Evaluates the spec for the missing value and every text of the source column. */
export function tabulateCategoryExpr(spec: CategoryTableSpec, texts: readonly string[]): CategoryTable {
  const size = texts.length + 1;
  const values = spec.mode === "number" ? new Float64Array(size) : new Int32Array(size);
  const errors = new Int32Array(size);
  const reads = new Uint8Array(size);
  const functions = new Map(spec.functions.map((f) => [f.name, f]));
  const outTexts = spec.mode === "category" ? [...(spec.dictionary ?? [])] : null;
  const outCodes = outTexts ? new Map(outTexts.map((t, k) => [t, k])) : null;
  let entry = 0;
  let current: Value = null;
  const scope = {
    pipeline: undefined as unknown as Pipeline,
    resolve(name: string): Value {
      if (name !== spec.field) throw new Error(`category table: unexpected field ${JSON.stringify(name)}`);
      reads[entry] = 1;
      return current;
    },
    typeOf: (name: string): DataType | undefined => (name === spec.field ? spec.fieldType : undefined),
    lookupFunction: (name: string): DefineFunction | undefined => functions.get(name),
  };
  for (entry = 0; entry < size; entry++) {
    current = entry === 0 ? null : texts[entry - 1];
    let v: Value;
    try {
      v = evaluateExpr(spec.expr, scope);
      if (spec.cast !== null && v !== null) {
        const typed = toDataType(v, spec.cast);
        if (typed === undefined) throw new EvaluationError("PMML_INVALID_DERIVED_VALUE", "derived field cannot hold the value", { value: v });
        v = typed;
      }
    } catch (e) {
      // a PFA error (a pfa: function of a lowered PFA document) by its code and message, as registered
      const key =
        e instanceof EvaluationError && e.pfaCode !== undefined ? `PFA_RUNTIME_ERROR:${e.pfaCode}:${e.message}` : isPortaError(e) ? e.code : undefined;
      const k = key !== undefined && Object.hasOwn(spec.errorKinds, key) ? spec.errorKinds[key] : undefined;
      if (k === undefined) throw e;
      errors[entry] = k;
      v = null;
    }
    if (outTexts && outCodes) {
      if (v === null) {
        values[entry] = -1;
        continue;
      }
      const text = typeof v === "string" ? v : formatValue(v);
      let code = outCodes.get(text);
      if (code === undefined) {
        code = outTexts.length;
        outTexts.push(text);
        outCodes.set(text, code);
      }
      values[entry] = code;
    } else {
      if (v === null) values[entry] = NaN;
      else if (typeof v === "number") values[entry] = v;
      else if (typeof v === "boolean") values[entry] = v ? 1 : 0;
      else throw new Error(`category table: a ${typeof v} where a number was expected`);
    }
  }
  return { values, errors, reads, texts: outTexts };
}

// Registered by name for generated code (helpers.ts loads this module for an artifact that calls it).
registerRuntimeHelper("tabulateCategoryExpr", tabulateCategoryExpr as (...args: never[]) => unknown);
