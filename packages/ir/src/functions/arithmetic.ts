import type { Value } from "../values.ts";
import { asNumber } from "./arguments.ts";
import { registerBuiltins, type BuiltinFunction } from "./index.ts";

/**
 * PMML 4.4 "+, -, * and /", "modulo" and "min, max, sum, avg, median, product".
 * Numbers are IEEE doubles throughout: x/0 is ±Infinity (a valid value, as for Java doubles),
 * 0/0 and modulo(x, 0) are NaN (invalid).
 */

function binary(name: string, op: (a: number, b: number) => number): BuiltinFunction {
  return {
    name,
    minArgs: 2,
    maxArgs: 2,
    resultType: "double",
    fn: (args) => op(asNumber(name, args[0]), asNumber(name, args[1])),
  };
}

/** Floored modulo (PMML 4.4: "x - y*floor(x/y)"); sign follows the divisor like Java's floorMod. */
export function floorModulo(x: number, y: number): number {
  return x - Math.floor(x / y) * y;
}

/** Non-missing arguments as numbers; aggregates ignore missing inputs (spec: "simply ignored"). */
function presentNumbers(name: string, args: Value[]): number[] {
  const out: number[] = [];
  for (const a of args) if (a !== null) out.push(asNumber(name, a));
  return out;
}

function aggregate(name: string, reduce: (xs: number[]) => number): BuiltinFunction {
  return {
    name,
    minArgs: 1,
    maxArgs: Infinity,
    handlesMissing: true,
    resultType: "double",
    fn: (args) => {
      const xs = presentNumbers(name, args);
      // "If all inputs are missing, then the result evaluates to a missing value."
      if (xs.length === 0) return null;
      // An invalid (NaN) input makes the aggregate invalid rather than being skipped.
      for (const x of xs) if (Number.isNaN(x)) return NaN;
      return reduce(xs);
    },
  };
}

/** Incremental mean as Apache Commons Math's Mean (what JPMML uses): m += (x - m) / n. */
export function incrementalMean(xs: number[]): number {
  let m = 0;
  for (let i = 0; i < xs.length; i++) m += (xs[i] - m) / (i + 1);
  return m;
}

/** Commons Math Median (Percentile 50, legacy estimation): lower + 0.5 * (upper - lower). */
export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const n = s.length;
  if (n % 2 === 1) return s[(n - 1) / 2];
  const lower = s[n / 2 - 1],
    upper = s[n / 2];
  return lower + 0.5 * (upper - lower);
}

export const arithmeticFunctions: BuiltinFunction[] = [
  binary("+", (a, b) => a + b),
  binary("-", (a, b) => a - b),
  binary("*", (a, b) => a * b),
  binary("/", (a, b) => a / b),
  binary("modulo", floorModulo),
  aggregate("min", (xs) => xs.reduce((m, x) => (x < m ? x : m))),
  aggregate("max", (xs) => xs.reduce((m, x) => (x > m ? x : m))),
  aggregate("sum", (xs) => xs.reduce((s, x) => s + x, 0)),
  aggregate("avg", incrementalMean),
  aggregate("median", median),
  aggregate("product", (xs) => xs.reduce((p, x) => p * x, 1)),
];

registerBuiltins(arithmeticFunctions);
