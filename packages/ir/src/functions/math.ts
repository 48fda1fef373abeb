import { EvaluationError } from "../errors.ts";
import { asNumber, isJavaInt } from "./arguments.ts";
import { registerBuiltins, type BuiltinFunction } from "./index.ts";
import { exp } from "../interpret/exp.ts";

/**
 * PMML 4.4 "log10, ln, sqrt, abs, exp, pow, threshold, floor, ceil, round", the 4.4 additions
 * "expm1, ln1p, hypot, rint" and the trigonometric functions. Domain errors (ln(-1), sqrt(-1),
 * asin(2)) give NaN, i.e. an invalid result; ln(0) is -Infinity, a valid double as in Java.
 */

function unary(name: string, op: (x: number) => number): BuiltinFunction {
  return { name, minArgs: 1, maxArgs: 1, resultType: "double", fn: (args) => op(asNumber(name, args[0])) };
}

/**
 * floor/ceil/round return a Java int in JPMML ((long) cast then Math.toIntExact): a result
 * outside the int range is an ArithmeticException there, an evaluation error here.
 */
function toJavaInt(name: string, x: number, input: number): number {
  if (Number.isNaN(x)) return NaN;
  if (!isJavaInt(x)) {
    throw new EvaluationError("PMML_FUNCTION_OVERFLOW", `${name}: result does not fit a 32-bit integer`, { value: input });
  }
  return x === 0 ? 0 : x; // no -0 from an integer function
}

function rounding(name: string, op: (x: number) => number): BuiltinFunction {
  return {
    name,
    minArgs: 1,
    maxArgs: 1,
    resultType: "integer",
    fn: (args) => {
      const x = asNumber(name, args[0]);
      return toJavaInt(name, op(x), x);
    },
  };
}

/**
 * Java Math.round: nearest integer, ties toward +Infinity. JS Math.round has exactly these
 * semantics (also for 0.49999999999999994 → 0, where floor(x + 0.5) would give 1).
 */
export function javaRound(x: number): number {
  return Math.round(x);
}

/** Java Math.rint: nearest integer, ties to even; keeps -0 and non-finite values. */
export function rint(x: number): number {
  if (!Number.isFinite(x) || Number.isInteger(x)) return x;
  const r = Math.round(x); // ties went up
  const result = r - x === 0.5 && r % 2 !== 0 ? r - 1 : r;
  return result === 0 && x < 0 ? -0 : result;
}

const binaryMath = (name: string, op: (a: number, b: number) => number): BuiltinFunction => ({
  name,
  minArgs: 2,
  maxArgs: 2,
  resultType: "double",
  fn: (args) => op(asNumber(name, args[0]), asNumber(name, args[1])),
});

export const mathFunctions: BuiltinFunction[] = [
  unary("log10", Math.log10),
  unary("ln", Math.log),
  unary("sqrt", Math.sqrt),
  unary("abs", Math.abs),
  // JPMML: java.lang.Math.exp (correctly rounded on HotSpot); expm1 stays V8's (JPMML calls Math.expm1).
  unary("exp", exp),
  unary("expm1", Math.expm1),
  unary("ln1p", Math.log1p),
  binaryMath("pow", Math.pow),
  binaryMath("hypot", Math.hypot),
  // "threshold(x, y) returns 1 if x > y and 0 otherwise."
  { ...binaryMath("threshold", (x, y) => (x > y ? 1 : 0)), resultType: "integer" },
  rounding("floor", Math.floor),
  rounding("ceil", Math.ceil),
  rounding("round", javaRound),
  unary("rint", rint),
  unary("sin", Math.sin),
  unary("cos", Math.cos),
  unary("tan", Math.tan),
  unary("asin", Math.asin),
  unary("acos", Math.acos),
  unary("atan", Math.atan),
  unary("sinh", Math.sinh),
  unary("cosh", Math.cosh),
  unary("tanh", Math.tanh),
  // JPMML extension (not in PMML 4.4): atan2(y, x).
  binaryMath("x-atan2", Math.atan2),
];

registerBuiltins(mathFunctions);
