import type { DataType, Value } from "../values.ts";
import type { Limits } from "../limits.ts";

/**
 * A PMML built-in function implementation. Arguments arrive already evaluated and (for
 * functions that do not declare `handlesMissing`) non-missing: the evaluator returns missing
 * for them when any argument is missing (PMML 4.4 §"Built-in functions": missing in, missing out).
 *
 * To signal PMML's "invalid" result (e.g. ln of a negative number), return NaN for numeric
 * results or throw `InvalidResult`; the Apply element's invalidValueTreatment decides what
 * happens next.
 */
export interface BuiltinFunction {
  name: string;
  minArgs: number;
  /** Infinity for variadic functions. */
  maxArgs: number;
  /** The function sees missing (null) arguments itself: isMissing, if, and/or, coalesce, ... */
  handlesMissing?: boolean;
  /** Declared result type, when fixed (used by inspect, compile-js and type checks). */
  resultType?: DataType;
  /** `limits`: the evaluation's resource limits (`matches` and `replace` read `regexSteps`); the defaults when absent. */
  fn: (args: Value[], limits?: Readonly<Limits>) => Value;
}

/** Thrown by a built-in whose result is invalid for the given arguments. */
export class InvalidResult extends Error {
  constructor(message: string) {
    super(message);
    this.name = "InvalidResult";
  }
}
