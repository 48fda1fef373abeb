import type { RegressionNormalization } from "../models/regression.ts";
import { normalCdf } from "./normal.ts";
import { exp } from "./exp.ts";

/**
 * Arithmetic of models with mathContext="float", as JPMML's FloatValue does it: operands are
 * floats and every operation is rounded back to float. A double operation on two floats,
 * rounded once with Math.fround, gives exactly the float result for + − × ÷ (a double holds
 * more than twice a float's precision), so each helper is the double operation then fround.
 */
const f = Math.fround;

/** a + b in float. */
export function addFloat(a: number, b: number): number {
  return f(f(a) + f(b));
}

/** a × b in float. */
export function multiplyFloat(a: number, b: number): number {
  return f(f(a) * f(b));
}

/** a ÷ b in float. */
export function divideFloat(a: number, b: number): number {
  return f(f(a) / f(b));
}

/** Left-to-right float sum (JPMML's SimpleFloatVector). */
export function sumFloat(xs: readonly number[]): number {
  let s = 0;
  for (const x of xs) s = f(s + f(x));
  return s;
}

/**
 * The inverse links of FloatValue: Math functions run in double on the float operand, their
 * result is cast to float, and the surrounding arithmetic is float.
 */
export function inverseLinkFloat(method: RegressionNormalization, y: number): number {
  const x = f(y);
  switch (method) {
    case "none":
    case "simplemax":
      return x;
    case "logit":
    case "softmax":
      return f(1 / f(1 + f(exp(-x))));
    case "exp":
      return f(exp(x));
    case "probit":
      return f(normalCdf(x));
    case "cloglog":
      return f(1 - f(exp(-f(exp(x)))));
    case "loglog":
      return f(exp(-f(exp(-x))));
    case "cauchit":
      return f(0.5 + f(f(1 / f(Math.PI)) * f(Math.atan(x))));
  }
}
