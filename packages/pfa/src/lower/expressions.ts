/**
 * PFA library calls on scalars as IR expressions: each call becomes the IR function (a PMML
 * built-in where it computes exactly what the PFA engine computes, operation for operation, else
 * one of the IR's `pfa:` functions, which are PFA's semantics) or a small composition of them.
 * Values: int, float and double are IR numbers (the PFA engine computes floats in double, as
 * here), booleans booleans, strings strings; long is never lowered (a PFA long is exact to 64
 * bits, an IR number to 53). A call not listed here is refused with its name.
 */
import type { ApplyExpr, Expr } from "@porta/ir";
import { notLowerable } from "./refusal.ts";

/** The scalar kinds a lowered value has. */
export type Scalar = "int" | "double" | "boolean" | "string";

export function apply(fn: string, ...args: Expr[]): ApplyExpr {
  // asMissing: PFA's NaN is the IR's missing value (see @porta/ir functions/pfa.ts)
  return { kind: "apply", function: fn, args, invalidValueTreatment: "asMissing" };
}

export const constant = (value: number | boolean | string): Expr => ({
  kind: "constant",
  value,
  dataType: typeof value === "number" ? "double" : typeof value === "boolean" ? "boolean" : "string",
});

/** m.* of one double whose PMML built-in is the same JS function (Math.*, the correctly rounded exp). */
const SAME_UNARY: Readonly<Record<string, string>> = {
  "m.acos": "acos",
  "m.asin": "asin",
  "m.atan": "atan",
  "m.cos": "cos",
  "m.cosh": "cosh",
  "m.exp": "exp",
  "m.expm1": "expm1",
  "m.ln": "ln",
  "m.log10": "log10",
  "m.ln1p": "ln1p",
  "m.sin": "sin",
  "m.sinh": "sinh",
  "m.sqrt": "sqrt",
  "m.tan": "tan",
  "m.tanh": "tanh",
  "m.link.tanh": "tanh",
};

/** Functions of numbers the IR's pfa: functions implement under the same name. */
const PFA_SAME: ReadonlySet<string> = new Set([
  "m.floor",
  "m.ceil",
  "m.rint",
  "m.signum",
  "m.hypot",
  "m.log",
  "impute.isnan",
  "impute.isinf",
  "impute.isnum",
  "impute.errorOnNonNum",
  "impute.defaultOnNonNum",
]);

const COMPARISONS: ReadonlySet<string> = new Set(["==", "!=", "<", "<=", ">", ">=", "cmp"]);

const isNumber = (k: Scalar) => k === "int" || k === "double";

/**
 * The IR expression of library function `name` applied to `args` (IR expressions of kinds
 * `kinds`, evaluated in order), whose result has kind `ret`. Refuses (NotLowerable) a function or
 * signature with no exact IR form.
 */
export function libraryCall(name: string, kinds: readonly Scalar[], ret: Scalar, args: readonly Expr[], path: string): Expr {
  const [a, b] = args as [Expr, Expr];
  const int = ret === "int";
  const numbers = kinds.every(isNumber);
  const refuse = (why: string): never => notLowerable(`${name} ${why}`, path);
  if (COMPARISONS.has(name)) {
    // numbers (int and double compare as numbers), booleans or strings, both of one kind
    if (!(numbers || kinds.every((k) => k === kinds[0]))) return refuse(`of ${kinds.join(" and ")}`);
    return apply(`pfa:${name}`, a, b);
  }
  if (SAME_UNARY[name] && numbers) return apply(SAME_UNARY[name]!, a);
  if (PFA_SAME.has(name) && numbers) return apply(`pfa:${name}`, ...args);
  switch (name) {
    case "+":
    case "-":
    case "*":
      if (!numbers) break;
      return int ? apply(`pfa:int${name}`, a, b) : apply(name, a, b);
    case "/":
      if (!numbers) break;
      return apply("/", a, b);
    case "//":
      if (!int) break;
      return apply("pfa:int//", a, b);
    case "u-":
      if (!numbers) break;
      return apply(int ? "pfa:intNeg" : "pfa:u-", a);
    case "%":
    case "%%":
    case "**":
      if (!numbers) break;
      return apply(int ? `pfa:int${name}` : `pfa:${name}`, a, b);
    case "max":
    case "min":
      if (!numbers) break;
      return apply(`pfa:${name}`, a, b);
    case "&&":
      // lazy: the second argument only when the first is true
      return apply("if", a, b, constant(false));
    case "||":
      return apply("if", a, constant(true), b);
    case "!":
      return apply("not", a);
    case "^^":
      return apply("pfa:!=", a, b);
    case "&":
    case "|":
    case "^":
      if (!int) break;
      return apply(`pfa:int${name}`, a, b);
    case "~":
      if (!int) break;
      return apply("pfa:int~", a);
    case "m.pi":
      return constant(Math.PI);
    case "m.e":
      return constant(Math.E);
    case "m.abs":
      if (!numbers) break;
      return apply(int ? "pfa:intAbs" : "abs", a);
    case "m.atan2":
      return apply("x-atan2", a, b);
    case "m.copysign":
      if (!numbers) break;
      return apply(int ? "pfa:intCopysign" : "pfa:m.copysign", a, b);
    case "m.round":
      // m.round of a double is a long
      if (!int) break;
      return apply("pfa:m.round:int", a);
    case "m.link.logit":
      // 1 / (1 + exp(-x)), the PFA engine's operations (its exp is the IR's correctly rounded one)
      return apply("/", constant(1), apply("+", constant(1), apply("exp", apply("pfa:u-", a))));
    case "m.link.cloglog":
      // 1 - exp(-exp(x))
      return apply("-", constant(1), apply("exp", apply("pfa:u-", apply("exp", a))));
    case "m.link.cauchit":
      return apply("+", constant(0.5), apply("/", apply("atan", a), constant(Math.PI)));
    case "m.link.relu":
      // x <= 0 ? 0 : x (NaN passes through); x is read twice, so only a field or a constant
      if (a.kind !== "fieldRef" && a.kind !== "constant") break;
      return apply("if", apply("pfa:<=", a, constant(0)), constant(0), a);
    case "metric.absDiff":
      // |x - y|: the PFA engine's Math.abs(x - y)
      if (!numbers) break;
      return apply("abs", apply("-", a, b));
    case "cast.double":
    case "cast.float":
      // the PFA engine keeps floats in double: both are the number itself
      if (!numbers) break;
      return a;
    case "cast.int":
      if (!numbers) break;
      return kinds[0] === "int" ? a : apply("pfa:cast.int", a);
    default:
      break;
  }
  return refuse(`(${kinds.join(", ")}) → ${ret} has no exact IR form (stays on the PFA engine)`);
}
