import type { ApplyExpr, DiscretizeExpr, Expr, MapValuesExpr, NormContinuousExpr, NormDiscreteExpr } from "../expr.ts";
import { EvaluationError, SchemaError } from "../errors.ts";
import { getBuiltin, InvalidResult } from "../functions/index.ts";
import "../functions/all.ts";
import { formatValue, toDataType, toNumber, valuesEqual, type Value } from "../values.ts";
import { FunctionScope, inInterval, type Scope } from "./scope.ts";
import { evaluateTextIndex } from "./text-index.ts";

/** Evaluates one expression (PMML 4.4 §Transformations) against a scope. */
export function evaluateExpr(expr: Expr, scope: Scope): Value {
  switch (expr.kind) {
    case "constant":
      return expr.value;
    case "fieldRef": {
      const v = scope.resolve(expr.field);
      return v === null && expr.mapMissingTo !== undefined ? expr.mapMissingTo : v;
    }
    case "apply":
      return evaluateApply(expr, scope);
    case "normContinuous":
      return evaluateNormContinuous(expr, scope);
    case "normDiscrete":
      return evaluateNormDiscrete(expr, scope);
    case "discretize":
      return evaluateDiscretize(expr, scope);
    case "mapValues":
      return evaluateMapValues(expr, scope);
    case "textIndex": {
      // JPMML evaluates the text field first, then the term.
      const text = scope.resolve(expr.textField);
      return evaluateTextIndex(expr, text, evaluateExpr(expr.term, scope));
    }
    default: {
      const never: never = expr;
      throw new SchemaError("PMML_UNKNOWN_EXPRESSION", "unknown expression", { value: never });
    }
  }
}

function evaluateApply(expr: ApplyExpr, scope: Scope): Value {
  // `if` is lazy: only the chosen branch is evaluated (the other may be invalid).
  if (expr.function === "if") return withDefault(expr, evaluateIf(expr, scope));
  const args = expr.args.map((a) => evaluateExpr(a, scope));
  if (expr.mapMissingTo !== undefined && args.some((a) => a === null)) return expr.mapMissingTo;
  let result: Value;
  try {
    result = callFunction(expr, args, scope);
  } catch (e) {
    if (!(e instanceof InvalidResult)) throw e;
    result = NaN;
  }
  if (typeof result === "number" && Number.isNaN(result)) {
    switch (expr.invalidValueTreatment) {
      case "returnInvalid":
        throw new EvaluationError("PMML_INVALID_RESULT", `function "${expr.function}" gave an invalid result`, {
          path: expr.path,
          value: args.map((a) => (a === null ? null : formatValue(a))),
        });
      case "asMissing":
        result = null;
        break;
      default:
        break;
    }
  }
  return withDefault(expr, result);
}

function withDefault(expr: ApplyExpr, result: Value): Value {
  return result === null && expr.defaultValue !== undefined ? expr.defaultValue : result;
}

function evaluateIf(expr: ApplyExpr, scope: Scope): Value {
  if (expr.args.length < 2 || expr.args.length > 3) {
    throw new SchemaError("PMML_FUNCTION_ARITY", `function "if" takes 2 or 3 arguments, got ${expr.args.length}`, { path: expr.path, value: expr.args.length });
  }
  const cond = evaluateExpr(expr.args[0], scope);
  if (cond === null) return expr.mapMissingTo !== undefined ? expr.mapMissingTo : null;
  const truth = typeof cond === "boolean" ? cond : toNumber(cond) !== 0;
  if (truth) return evaluateExpr(expr.args[1], scope);
  return expr.args.length === 3 ? evaluateExpr(expr.args[2], scope) : null;
}

function callFunction(expr: ApplyExpr, args: Value[], scope: Scope): Value {
  const user = scope.lookupFunction(expr.function);
  if (user) {
    if (args.length !== user.params.length) {
      throw new SchemaError("PMML_FUNCTION_ARITY", `function "${user.name}" takes ${user.params.length} arguments, got ${args.length}`, {
        path: expr.path,
        value: args.length,
      });
    }
    const bound = new Map<string, Value>();
    user.params.forEach((p, i) => {
      const a = args[i];
      const typed = a !== null && p.dataType ? toDataType(a, p.dataType) : a;
      bound.set(p.name, typed === undefined ? a : typed);
    });
    const result = evaluateExpr(user.expr, new FunctionScope(user, bound, scope));
    if (result === null) return null;
    const typed = toDataType(result, user.dataType);
    return typed === undefined ? NaN : typed;
  }
  const builtin = getBuiltin(expr.function);
  if (!builtin) {
    throw new SchemaError("PMML_UNKNOWN_FUNCTION", `function "${expr.function}" is neither built in nor defined`, { path: expr.path, value: expr.function });
  }
  if (args.length < builtin.minArgs || args.length > builtin.maxArgs) {
    throw new SchemaError("PMML_FUNCTION_ARITY", `function "${expr.function}" takes ${arity(builtin.minArgs, builtin.maxArgs)} arguments, got ${args.length}`, {
      path: expr.path,
      value: args.length,
    });
  }
  if (!builtin.handlesMissing && args.some((a) => a === null)) return null;
  return builtin.fn(args, scope.limits);
}

function arity(min: number, max: number): string {
  if (min === max) return String(min);
  return max === Infinity ? `at least ${min}` : `${min} to ${max}`;
}

/** Piecewise-linear normalisation (PMML NormContinuous), extrapolating outliers per `outliers`. */
function evaluateNormContinuous(expr: NormContinuousExpr, scope: Scope): Value {
  const v = scope.resolve(expr.field);
  if (v === null) return expr.mapMissingTo ?? null;
  const x = toNumber(v);
  const pts = expr.points;
  if (pts.length < 2)
    throw new SchemaError("PMML_NORM_CONTINUOUS", "NormContinuous needs at least two LinearNorm elements", { path: expr.path, value: pts.length });
  const first = pts[0],
    last = pts[pts.length - 1];
  if (x < first.orig || x > last.orig) {
    if (expr.outliers === "asMissingValues") return null;
    if (expr.outliers === "asExtremeValues") return x < first.orig ? first.norm : last.norm;
  }
  let i = 0;
  if (x >= first.orig) {
    i = pts.length - 2;
    for (let k = 0; k < pts.length - 1; k++) {
      if (x <= pts[k + 1].orig) {
        i = k;
        break;
      }
    }
  }
  const a = pts[i],
    b = pts[i + 1];
  return a.norm + ((x - a.orig) / (b.orig - a.orig)) * (b.norm - a.norm);
}

function evaluateNormDiscrete(expr: NormDiscreteExpr, scope: Scope): Value {
  const v = scope.resolve(expr.field);
  if (v === null) return expr.mapMissingTo ?? null;
  const type = scope.typeOf(expr.field);
  const target = type ? toDataType(expr.value, type) : expr.value;
  return valuesEqual(v, target ?? expr.value) || formatValue(v) === expr.value ? 1 : 0;
}

function evaluateDiscretize(expr: DiscretizeExpr, scope: Scope): Value {
  const v = scope.resolve(expr.field);
  if (v === null) return expr.mapMissingTo ?? null;
  const x = toNumber(v);
  for (const bin of expr.bins) {
    if (inInterval(bin, x)) return bin.binValue;
  }
  return expr.defaultValue ?? null;
}

function evaluateMapValues(expr: MapValuesExpr, scope: Scope): Value {
  const keys: Value[] = [];
  for (const input of expr.inputs) {
    const v = scope.resolve(input.field);
    if (v === null) return expr.mapMissingTo ?? null;
    keys.push(v);
  }
  for (const row of expr.rows) {
    if (expr.inputs.every((input, i) => cellMatches(row[input.column], keys[i]))) {
      const out = row[expr.outputColumn];
      if (out === undefined) return expr.defaultValue ?? null;
      if (!expr.dataType) return out;
      const typed = toDataType(out, expr.dataType);
      return typed === undefined ? out : typed;
    }
  }
  return expr.defaultValue ?? null;
}

function cellMatches(cell: string | undefined, key: Value): boolean {
  if (cell === undefined) return false;
  if (typeof key === "number") {
    const n = Number(cell);
    return cell.trim() !== "" && n === key;
  }
  return cell === formatValue(key);
}
