import type { ApplyExpr, DiscretizeExpr, Expr, MapValuesExpr, NormContinuousExpr, NormDiscreteExpr } from "@porta/ir";
import { type Block, type Code, type Json, type Scalar, asNullable, cannotConvert, choose, failure, lift, literal, missing, PFA_COMPARISON } from "./code.ts";
import { compileStringFunction, STRING_FUNCTIONS } from "./strings.ts";
import { type Env, FunctionEnv, intervalTest, scalarOf, typedLiteral } from "./fields.ts";

/**
 * PMML expressions (§Transformations) as PFA expressions over nullable values: a missing input
 * gives a missing result unless the element says otherwise (mapMissingTo, defaultValue), as the
 * reference interpreter's evaluateExpr.
 */
export function compileExpr(expr: Expr, env: Env, block: Block): Code {
  switch (expr.kind) {
    case "constant": {
      const type = expr.dataType
        ? scalarOf(expr.dataType, "Constant", expr.path)
        : typeof expr.value === "number"
          ? "double"
          : typeof expr.value === "boolean"
            ? "boolean"
            : "string";
      return typedLiteral(expr.value, type, "Constant");
    }
    case "fieldRef": {
      const v = env.resolve(expr.field);
      if (expr.mapMissingTo === undefined || expr.mapMissingTo === null) return v;
      return orElse(v, typedLiteral(expr.mapMissingTo, v.type, "FieldRef@mapMissingTo"), block);
    }
    case "apply":
      return compileApply(expr, env, block);
    case "normContinuous":
      return normContinuous(expr, env, block);
    case "normDiscrete":
      return normDiscrete(expr, env, block);
    case "discretize":
      return discretize(expr, env, block);
    case "mapValues":
      return mapValues(expr, env, block);
    case "textIndex":
      return cannotConvert("TextIndex", "text mining expressions are not converted", expr.path);
    default: {
      const never: never = expr;
      return never;
    }
  }
}

/** A nullable value with a replacement for missing. */
export function orElse(v: Code, replacement: Code, block: Block): Code {
  if (!v.nullable) return v;
  const name = block.fresh("m");
  const nullable = replacement.nullable;
  return {
    expr: {
      ifnotnull: { [name]: v.expr },
      then: nullable ? { upcast: name, as: ["null", v.type] } : name,
      else: nullable ? asNullable(replacement) : replacement.expr,
    },
    type: v.type,
    nullable,
  };
}

type Lowering = (args: Json[]) => Json;

const num =
  (f: string): Lowering =>
  (args) => ({ [f]: args });
const binary =
  (op: string): Lowering =>
  (args) => ({ [op]: [args[0], args[1]] });

/** Built-ins on present doubles whose PFA function computes the same IEEE double. */
const NUMERIC: Record<string, { arity: number; lower: Lowering }> = {
  "+": { arity: 2, lower: binary("+") },
  "-": { arity: 2, lower: binary("-") },
  "*": { arity: 2, lower: binary("*") },
  // PMML's x/0 is ±Infinity (Java doubles), as PFA's double division.
  "/": { arity: 2, lower: binary("/") },
  exp: { arity: 1, lower: num("m.exp") },
  ln: { arity: 1, lower: num("m.ln") },
  log10: { arity: 1, lower: num("m.log10") },
  sqrt: { arity: 1, lower: num("m.sqrt") },
  abs: { arity: 1, lower: num("m.abs") },
  pow: { arity: 2, lower: binary("**") },
  floor: { arity: 1, lower: num("m.floor") },
  ceil: { arity: 1, lower: num("m.ceil") },
  // PMML threshold(x, y): 1 if x > y else 0.
  threshold: { arity: 2, lower: (a) => ({ if: { ">": [a[0], a[1]] }, then: { double: 1 }, else: { double: 0 } }) },
};

function compileApply(expr: ApplyExpr, env: Env, block: Block): Code {
  const what = `Apply[@function=${expr.function}]`;
  if (expr.defaultValue !== undefined && expr.defaultValue !== null) cannotConvert(`${what}@defaultValue`, "defaultValue is not converted", expr.path);
  if (expr.function === "if") return applyIf(expr, env, block);
  if (expr.function === "isMissing" || expr.function === "isNotMissing") {
    const v = compileExpr(expr.args[0], env, block);
    const isMissing: Json = v.nullable ? { ifnotnull: { [block.fresh("q")]: v.expr }, then: false, else: true } : false;
    return { expr: expr.function === "isMissing" ? isMissing : { "!": isMissing }, type: "boolean", nullable: false };
  }
  const args = expr.args.map((a) => compileExpr(a, env, block));
  const user = env.functionNamed(expr.function);
  if (user) return callUser(expr, user, args, env, block);
  let result: Code;
  const numeric = NUMERIC[expr.function];
  if (numeric) {
    if (args.length !== numeric.arity) cannotConvert(what, `takes ${numeric.arity} arguments, has ${args.length}`, expr.path);
    if (args.some((a) => a.type !== "double")) cannotConvert(what, "non-numeric arguments are not converted", expr.path);
    result = lift(block, args, (xs) => ({ expr: numeric.lower(xs.map((x) => x.expr)), type: "double", nullable: false }));
    result = invalidResult(expr, result, block);
  } else if (PFA_COMPARISON[expr.function]) {
    if (args.length !== 2 || args[0].type !== args[1].type) cannotConvert(what, "compares two values of one type only", expr.path);
    result = lift(block, args, (xs) => ({ expr: { [PFA_COMPARISON[expr.function]]: [xs[0].expr, xs[1].expr] }, type: "boolean", nullable: false }));
  } else if (expr.function === "and" || expr.function === "or") {
    if (args.some((a) => a.type !== "boolean")) cannotConvert(what, "takes booleans", expr.path);
    result = lift(block, args, (xs) => ({
      expr: xs.map((x) => x.expr).reduce((a, b) => ({ [expr.function === "and" ? "&&" : "||"]: [a, b] })),
      type: "boolean",
      nullable: false,
    }));
  } else if (expr.function === "not") {
    if (args.length !== 1 || args[0].type !== "boolean") cannotConvert(what, "takes one boolean", expr.path);
    result = lift(block, args, (xs) => ({ expr: { "!": xs[0].expr }, type: "boolean", nullable: false }));
  } else if (expr.function === "min" || expr.function === "max" || expr.function === "sum" || expr.function === "product") {
    result = aggregate(expr, args, block);
  } else if (STRING_FUNCTIONS.has(expr.function)) {
    result = compileStringFunction(expr, args, block);
  } else {
    return cannotConvert(what, "this built-in function has no PFA translation here", expr.path);
  }
  if (expr.mapMissingTo !== undefined && expr.mapMissingTo !== null && args.some((a) => a.nullable)) {
    // mapMissingTo applies when an argument is missing, not when the function's result is.
    const anyMissing: Json = args
      .filter((a) => a.nullable)
      .map((a): Json => ({ ifnotnull: { [block.fresh("q")]: a.expr }, then: false, else: true }))
      .reduce((a, b) => ({ "||": [a, b] }));
    return choose(anyMissing, typedLiteral(expr.mapMissingTo, result.type, `${what}@mapMissingTo`), result);
  }
  return result;
}

/** A NaN result under invalidValueTreatment (PMML 4.4 Apply): returnInvalid fails, asMissing is missing, asIs keeps NaN. */
function invalidResult(expr: ApplyExpr, result: Code, block: Block): Code {
  if (expr.invalidValueTreatment === "asIs") return result;
  const bound = block.bind(result, "r");
  const onInvalid = expr.invalidValueTreatment === "asMissing" ? missing("double") : failure(`function "${expr.function}" gave an invalid result`, "double");
  return lift(block, [bound], ([x]) => choose({ "!=": [x.expr, x.expr] }, onInvalid, x));
}

/** min/max/sum/product: missing arguments are ignored; all missing gives missing (PMML 4.4 §Built-in functions). */
function aggregate(expr: ApplyExpr, args: Code[], block: Block): Code {
  if (args.some((a) => a.type !== "double")) cannotConvert(`Apply[@function=${expr.function}]`, "takes numbers", expr.path);
  // JPMML folds left to right over the present arguments: the sum (product) in argument order,
  // min/max keeping the first of equals. Starting from the first present value is exact (0 + x and 1 * x are x).
  const step = (acc: string, x: string): Json => {
    switch (expr.function) {
      case "sum":
        return { "+": [acc, x] };
      case "product":
        return { "*": [acc, x] };
      default:
        return { if: { [expr.function === "min" ? "<" : ">"]: [x, acc] }, then: x, else: acc };
    }
  };
  let acc: Code | undefined;
  for (const a of args) {
    const x = block.bind(a, "a");
    if (acc === undefined) {
      acc = x;
      continue;
    }
    const prev = acc;
    if (!prev.nullable && !x.nullable) acc = block.bind({ expr: step(prev.expr as string, x.expr as string), type: "double", nullable: false }, "a");
    else {
      // Either may be missing: a missing one is skipped.
      const p = block.fresh("p"),
        q = block.fresh("q");
      const nn = (c: Code, name: string): Json => (c.nullable ? name : (c.expr as Json));
      const both: Json = step(nn(prev, p) as string, nn(x, q) as string);
      let e: Json = both;
      if (x.nullable) e = { ifnotnull: { [q]: x.expr }, then: e, else: prev.nullable ? p : prev.expr };
      if (prev.nullable) e = { ifnotnull: { [p]: prev.expr }, then: e, else: x.expr };
      acc = block.bind({ expr: e, type: "double", nullable: prev.nullable && x.nullable }, "a");
    }
  }
  return acc ?? missing("double");
}

/** A DefineFunction inlined: its body over the arguments, the value as the function's dataType. */
function callUser(expr: ApplyExpr, fn: import("@porta/ir").DefineFunction, args: Code[], env: Env, block: Block): Code {
  const what = `DefineFunction[@name=${fn.name}]`;
  if (args.length !== fn.params.length) cannotConvert(`Apply[@function=${fn.name}]`, `takes ${fn.params.length} arguments, has ${args.length}`, expr.path);
  fn.params.forEach((p, i) => {
    if (p.dataType && scalarOf(p.dataType, what) !== args[i].type)
      cannotConvert(`${what}/ParameterField[@name=${p.name}]`, "an argument of another type is not converted", expr.path);
  });
  const body = compileExpr(fn.expr, new FunctionEnv(fn, args, env), block);
  if (scalarOf(fn.dataType, what) !== body.type)
    cannotConvert(`${what}@dataType=${fn.dataType}`, `a ${body.type} body cast to ${fn.dataType} is not converted`, expr.path);
  if (expr.mapMissingTo !== undefined && expr.mapMissingTo !== null && args.some((a) => a.nullable)) {
    cannotConvert(`Apply[@function=${fn.name}]@mapMissingTo`, "mapMissingTo on a user function is not converted", expr.path);
  }
  return body;
}

/** `if`: lazy in its branches; a missing condition is missing (or mapMissingTo). */
function applyIf(expr: ApplyExpr, env: Env, block: Block): Code {
  if (expr.args.length < 2 || expr.args.length > 3) cannotConvert("Apply[@function=if]", "takes 2 or 3 arguments", expr.path);
  const cond = compileExpr(expr.args[0], env, block);
  if (cond.type !== "boolean") cannotConvert("Apply[@function=if]", "a non-boolean condition is not converted", expr.path);
  // The branches' own sub-expressions bound as lets are computed whatever the condition: pure,
  // but a returnInvalid inside the branch not taken would fail where PMML does not.
  const thenCode = compileExpr(expr.args[1], env, block);
  const elseCode = expr.args.length === 3 ? compileExpr(expr.args[2], env, block) : missing(thenCode.type);
  const whenMissing =
    expr.mapMissingTo === undefined || expr.mapMissingTo === null
      ? missing(thenCode.type)
      : typedLiteral(expr.mapMissingTo, thenCode.type, "Apply@mapMissingTo");
  if (!cond.nullable) return choose(cond.expr, thenCode, elseCode);
  const c = block.fresh("c");
  const chosen = choose(c, thenCode, elseCode);
  const nullable = chosen.nullable || whenMissing.nullable;
  return {
    expr: { ifnotnull: { [c]: cond.expr }, then: nullable ? asNullable(chosen) : chosen.expr, else: nullable ? asNullable(whenMissing) : whenMissing.expr },
    type: thenCode.type,
    nullable,
  };
}

/** NormContinuous: piecewise linear between LinearNorms, outliers per @outliers (§NormContinuous). */
function normContinuous(expr: NormContinuousExpr, env: Env, block: Block): Code {
  const v = env.resolve(expr.field);
  const pts = expr.points;
  if (pts.length < 2) cannotConvert("NormContinuous", "needs at least two LinearNorm elements", expr.path);
  const body = lift(block, [v], ([x]) => {
    const segment = (i: number): Code => {
      const a = pts[i],
        b = pts[i + 1];
      // a.norm + ((x - a.orig) / (b.orig - a.orig)) * (b.norm - a.norm), in the interpreter's order.
      const e: Json = {
        "+": [
          literal(a.norm, "double").expr,
          {
            "*": [
              { "/": [{ "-": [x.expr, literal(a.orig, "double").expr] }, { "-": [literal(b.orig, "double").expr, literal(a.orig, "double").expr] }] },
              { "-": [literal(b.norm, "double").expr, literal(a.norm, "double").expr] },
            ],
          },
        ],
      };
      return { expr: e, type: "double", nullable: false };
    };
    // The first segment whose right end is ≥ x; below the first point, the first segment.
    let chosen: Code = segment(pts.length - 2);
    for (let k = pts.length - 3; k >= 0; k--) chosen = choose({ "<=": [x.expr, literal(pts[k + 1].orig, "double").expr] }, segment(k), chosen);
    const first = pts[0],
      last = pts[pts.length - 1];
    if (expr.outliers === "asIs") return chosen;
    const low: Code = expr.outliers === "asMissingValues" ? missing("double") : literal(first.norm, "double");
    const high: Code = expr.outliers === "asMissingValues" ? missing("double") : literal(last.norm, "double");
    return choose({ "<": [x.expr, literal(first.orig, "double").expr] }, low, choose({ ">": [x.expr, literal(last.orig, "double").expr] }, high, chosen));
  });
  return expr.mapMissingTo === undefined ? body : orElse(body, literal(expr.mapMissingTo, "double"), block);
}

/** NormDiscrete: 1 when the field equals the value, else 0. */
function normDiscrete(expr: NormDiscreteExpr, env: Env, block: Block): Code {
  const v = env.resolve(expr.field);
  const value = typedLiteral(expr.value, v.type, "NormDiscrete@value");
  const body = lift(block, [v], ([x]) => ({
    expr: { if: { "==": [x.expr, value.expr] }, then: { double: 1 }, else: { double: 0 } },
    type: "double",
    nullable: false,
  }));
  return expr.mapMissingTo === undefined ? body : orElse(body, literal(expr.mapMissingTo, "double"), block);
}

/** Discretize: the first bin whose interval holds the value, else defaultValue (§Discretize). */
function discretize(expr: DiscretizeExpr, env: Env, block: Block): Code {
  const v = env.resolve(expr.field);
  if (v.type !== "double") cannotConvert("Discretize", "discretizes numbers only", expr.path);
  const outType: Scalar = expr.dataType ? scalarOf(expr.dataType, "Discretize", expr.path) : binType(expr.bins.map((b) => b.binValue));
  const dflt = expr.defaultValue === undefined ? missing(outType) : typedLiteral(expr.defaultValue, outType, "Discretize@defaultValue");
  const body = lift(block, [v], ([x]) => {
    let out = dflt;
    for (let k = expr.bins.length - 1; k >= 0; k--)
      out = choose(intervalTest(expr.bins[k], x.expr), tableValue(expr.bins[k].binValue, outType, expr.dataType, "DiscretizeBin@binValue"), out);
    return out;
  });
  return expr.mapMissingTo === undefined ? body : orElse(body, typedLiteral(expr.mapMissingTo, outType, "Discretize@mapMissingTo"), block);
}

function binType(values: readonly unknown[]): Scalar {
  return values.every((v) => typeof v === "number") ? "double" : "string";
}

/** MapValues: the first InlineTable row whose input columns all match, else defaultValue (§MapValues). */
function mapValues(expr: MapValuesExpr, env: Env, block: Block): Code {
  const inputs = expr.inputs.map((i) => env.resolve(i.field));
  const outType: Scalar = expr.dataType ? scalarOf(expr.dataType, "MapValues", expr.path) : "string";
  const dflt =
    expr.defaultValue === undefined || expr.defaultValue === null ? missing(outType) : typedLiteral(expr.defaultValue, outType, "MapValues@defaultValue");
  const body = lift(block, inputs, (xs) => {
    let out = dflt;
    for (let r = expr.rows.length - 1; r >= 0; r--) {
      const row = expr.rows[r];
      const tests: Json[] = [];
      let possible = true;
      expr.inputs.forEach((input, i) => {
        const cell = row[input.column];
        if (cell === undefined || (xs[i].type === "double" && (cell.trim() === "" || Number.isNaN(Number(cell))))) possible = false;
        else tests.push({ "==": [xs[i].expr, typedLiteral(cell, xs[i].type, "MapValues row").expr] });
      });
      if (!possible) continue;
      const cellOut = row[expr.outputColumn];
      const value = cellOut === undefined ? dflt : tableValue(cellOut, outType, expr.dataType, "MapValues output");
      out = choose(
        tests.reduce((a, b) => ({ "&&": [a, b] })),
        value,
        out,
      );
    }
    return out;
  });
  return expr.mapMissingTo === undefined || expr.mapMissingTo === null
    ? body
    : orElse(body, typedLiteral(expr.mapMissingTo, outType, "MapValues@mapMissingTo"), block);
}

/** A table's cell as the expression's dataType; an integer type holds integral cells only (else PMML's value is invalid). */
function tableValue(cell: import("@porta/ir").Value, type: Scalar, dataType: string | undefined, what: string): Code {
  const code = typedLiteral(cell, type, what);
  if (dataType === "integer" && !Number.isInteger(Number(cell))) cannotConvert(`${what}`, `"${String(cell)}" is no integer`);
  return code;
}
