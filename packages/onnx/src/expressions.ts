import {
  formatValue,
  toDataType,
  type ApplyExpr,
  type DataType,
  type DiscretizeExpr,
  type Expr,
  type MapValuesExpr,
  type NormContinuousExpr,
  type Value,
} from "@porta/ir";
import { DataType as Elem } from "./proto.ts";
import { NotExportable } from "./refusal.ts";
import { codeOf, type CodeTable, type GraphScope, type GraphValue } from "./scope.ts";

/**
 * PMML expressions as graph ops, each following the interpreter's rule (packages/ir/src/interpret/
 * expression.ts): a missing input is NaN and stays NaN unless mapMissingTo replaces it.
 * `where` names the element for refusals (`DerivedField "x"`).
 */
export function compileExpr(expr: Expr, scope: GraphScope, where: string): GraphValue {
  const g = scope.g;
  switch (expr.kind) {
    case "constant": {
      if (typeof expr.value !== "number") throw new NotExportable(`Constant "${formatValue(expr.value)}" in ${where} is not a number`);
      return { kind: "number", tensor: g.scalar(expr.value), dataType: expr.dataType ?? "double", scalar: true };
    }
    case "fieldRef": {
      const v = scope.resolve(expr.field);
      return expr.mapMissingTo === undefined ? v : mapMissing(scope, v, expr.mapMissingTo, where);
    }
    case "apply":
      return compileApply(expr, scope, where);
    case "normContinuous":
      return normContinuous(expr, scope, where);
    case "normDiscrete": {
      const v = scope.resolve(expr.field);
      const literal =
        v.kind === "code"
          ? codeOf(v.table, expr.value)
          : literalNumber(expr.value, scope.dataTypeOf(expr.field), `NormDiscrete value="${expr.value}" in ${where}`);
      const hit = g.op("Cast", [g.op("Equal", [v.tensor, g.scalar(literal)])], { to: { kind: "int", value: Elem.DOUBLE } });
      return { kind: "number", dataType: "double", tensor: g.where(g.isNaN(v.tensor), g.scalar(expr.mapMissingTo ?? NaN), hit) };
    }
    case "discretize":
      return discretize(expr, scope, where);
    case "mapValues":
      return mapValues(expr, scope, where);
    case "textIndex":
      throw new NotExportable(`TextIndex in ${where} is not exported`);
    default: {
      const never: never = expr;
      return never;
    }
  }
}

function literalNumber(text: string, dataType: DataType | undefined, where: string): number {
  const typed = toDataType(text, dataType ?? "double") ?? toDataType(text, "double");
  if (typeof typed !== "number") throw new NotExportable(`${where} is not a number`);
  return typed;
}

/** A value that replaces missing (mapMissingTo, defaultValue) as a code or number of `v`'s kind. */
function valueLike(v: GraphValue, value: Value, where: string): number {
  if (v.kind === "code") return codeOf(v.table, formatValue(value));
  if (typeof value === "number") return value;
  const n = toDataType(value, "double");
  if (typeof n !== "number") throw new NotExportable(`"${formatValue(value)}" in ${where} is not a number`);
  return n;
}

function mapMissing(scope: GraphScope, v: GraphValue, value: Value, where: string): GraphValue {
  const g = scope.g;
  return { ...v, tensor: g.where(g.isNaN(v.tensor), g.scalar(valueLike(v, value, where)), v.tensor), scalar: false };
}

const UNARY: Record<string, string> = { exp: "Exp", ln: "Log", sqrt: "Sqrt", abs: "Abs", floor: "Floor", ceil: "Ceil" };
const BINARY: Record<string, string> = { "+": "Add", "-": "Sub", "*": "Mul", "/": "Div" };
const AGGREGATE: Record<string, [string, number]> = { min: ["Min", Infinity], max: ["Max", -Infinity], sum: ["Add", 0], product: ["Mul", 1] };

/**
 * Arithmetic Apply. A result the interpreter calls invalid (ln of a negative, 0/0) is NaN here:
 * it is missing in the graph, where the interpreter fails the row (invalidValueTreatment
 * returnInvalid) — only rows outside the functions' domains differ.
 */
function compileApply(expr: ApplyExpr, scope: GraphScope, where: string): GraphValue {
  const g = scope.g;
  const fn = expr.function;
  const at = `Apply function="${fn}" in ${where}`;
  if (scope.root.pipeline.functions.some((f) => f.name === fn)) throw new NotExportable(`${at} (a DefineFunction) is not exported`);
  if (expr.invalidValueTreatment === "asIs") throw new NotExportable(`${at} invalidValueTreatment="asIs" is not exported`);
  const args = expr.args.map((a) => compileExpr(a, scope, where));
  for (const a of args) if (a.kind !== "number") throw new NotExportable(`${at} takes text`);
  const ts = args.map((a) => a.tensor);
  let out: string;
  if (BINARY[fn] && ts.length === 2) out = g.op(BINARY[fn], ts);
  else if (UNARY[fn] && ts.length === 1) out = g.op(UNARY[fn], ts);
  else if (fn === "log10" && ts.length === 1) out = g.div(g.op("Log", ts), g.scalar(Math.LN10));
  else if (fn === "pow" && ts.length === 2) out = g.powOfTensors(ts[0], ts[1]);
  else if (AGGREGATE[fn] && ts.length >= 1) {
    // min, max, sum and product skip missing arguments; all missing is missing (the built-ins' handlesMissing).
    const [opType, neutral] = AGGREGATE[fn];
    const present = ts.map((t) => g.where(g.isNaN(t), g.scalar(neutral), t));
    let r = present[0];
    for (const t of present.slice(1)) r = g.op(opType, [r, t]);
    let allMissing = g.isNaN(ts[0]);
    for (const t of ts.slice(1)) allMissing = g.op("And", [allMissing, g.isNaN(t)]);
    out = g.where(allMissing, g.scalar(NaN), r);
  } else throw new NotExportable(`${at} is not exported`);
  const scalar = args.every((a) => a.scalar);
  if (expr.mapMissingTo !== undefined) {
    let anyMissing = g.isNaN(ts[0]);
    for (const t of ts.slice(1)) anyMissing = g.op("Or", [anyMissing, g.isNaN(t)]);
    out = g.where(anyMissing, g.scalar(valueLike({ kind: "number", tensor: out, dataType: "double" }, expr.mapMissingTo, at)), out);
  }
  if (expr.defaultValue !== undefined)
    out = g.where(g.isNaN(out), g.scalar(valueLike({ kind: "number", tensor: out, dataType: "double" }, expr.defaultValue, at)), out);
  return { kind: "number", tensor: out, dataType: "double", scalar };
}

/** Piecewise linear: each segment's line as the interpreter writes it, chosen by the first segment whose right end is ≥ x. */
function normContinuous(expr: NormContinuousExpr, scope: GraphScope, where: string): GraphValue {
  const g = scope.g;
  const v = scope.resolve(expr.field);
  if (v.kind !== "number") throw new NotExportable(`NormContinuous field="${expr.field}" in ${where} is text`);
  const pts = expr.points;
  if (pts.length < 2) throw new NotExportable(`NormContinuous in ${where} has fewer than two LinearNorm`);
  const x = v.tensor;
  const line = (i: number): string => {
    const a = pts[i],
      b = pts[i + 1];
    // a.norm + ((x − a.orig) / (b.orig − a.orig)) · (b.norm − a.norm)
    return g.add(g.scalar(a.norm), g.mul(g.div(g.sub(x, g.scalar(a.orig)), g.scalar(b.orig - a.orig)), g.scalar(b.norm - a.norm)));
  };
  let y = line(pts.length - 2);
  for (let k = pts.length - 3; k >= 0; k--) y = g.where(g.op("LessOrEqual", [x, g.scalar(pts[k + 1].orig)]), line(k), y);
  const first = pts[0],
    last = pts[pts.length - 1];
  if (expr.outliers === "asMissingValues") {
    const out = g.op("Or", [g.op("Less", [x, g.scalar(first.orig)]), g.op("Greater", [x, g.scalar(last.orig)])]);
    y = g.where(out, g.scalar(NaN), y);
  } else if (expr.outliers === "asExtremeValues") {
    y = g.where(g.op("Less", [x, g.scalar(first.orig)]), g.scalar(first.norm), y);
    y = g.where(g.op("Greater", [x, g.scalar(last.orig)]), g.scalar(last.norm), y);
  }
  if (expr.mapMissingTo !== undefined) y = g.where(g.isNaN(x), g.scalar(expr.mapMissingTo), y);
  return { kind: "number", dataType: "double", tensor: y };
}

/** The output of a table-like expression (Discretize bins, MapValues cells): numbers, or codes of a closed table. */
function outputKind(values: Value[], dataType: DataType | undefined): { table: CodeTable | null; encode: (v: Value) => number } {
  const numeric = dataType !== undefined ? dataType !== "string" : values.every((v) => typeof v === "number");
  if (numeric) {
    return {
      table: null,
      encode: (v) => {
        const n = typeof v === "number" ? v : toDataType(v, dataType ?? "double");
        if (typeof n !== "number") throw new NotExportable(`value "${formatValue(v)}" is not a number`);
        return n;
      },
    };
  }
  const table: CodeTable = { texts: [], open: false };
  for (const v of values) if (v !== null && !table.texts.includes(formatValue(v))) table.texts.push(formatValue(v));
  return { table, encode: (v) => table.texts.indexOf(formatValue(v)) };
}

function tableValue(table: CodeTable | null, tensor: string, dataType: DataType | undefined): GraphValue {
  return table ? { kind: "code", tensor, table } : { kind: "number", tensor, dataType: dataType ?? "double" };
}

function discretize(expr: DiscretizeExpr, scope: GraphScope, where: string): GraphValue {
  const g = scope.g;
  const v = scope.resolve(expr.field);
  if (v.kind !== "number") throw new NotExportable(`Discretize field="${expr.field}" in ${where} is text`);
  const extra = [expr.defaultValue, expr.mapMissingTo].filter((x): x is Value => x !== undefined && x !== null);
  const out = outputKind([...expr.bins.map((b) => b.binValue), ...extra], expr.dataType);
  const x = v.tensor;
  let y = g.scalar(expr.defaultValue === undefined || expr.defaultValue === null ? NaN : out.encode(expr.defaultValue));
  for (let k = expr.bins.length - 1; k >= 0; k--) {
    const bin = expr.bins[k];
    let inside: string | undefined;
    if (bin.left !== undefined) inside = g.op(bin.closure.startsWith("closed") ? "GreaterOrEqual" : "Greater", [x, g.scalar(bin.left)]);
    if (bin.right !== undefined) {
      const r = g.op(bin.closure.endsWith("Closed") ? "LessOrEqual" : "Less", [x, g.scalar(bin.right)]);
      inside = inside ? g.op("And", [inside, r]) : r;
    }
    // An unbounded bin holds every number (inInterval), NaN aside.
    inside ??= g.op("Not", [g.isNaN(x)]);
    y = g.where(inside, g.scalar(out.encode(bin.binValue)), y);
  }
  const missing = expr.mapMissingTo === undefined || expr.mapMissingTo === null ? NaN : out.encode(expr.mapMissingTo);
  y = g.where(g.isNaN(x), g.scalar(missing), y);
  return tableValue(out.table, y, expr.dataType);
}

function mapValues(expr: MapValuesExpr, scope: GraphScope, where: string): GraphValue {
  const g = scope.g;
  if (expr.inputs.length !== 1) throw new NotExportable(`MapValues with ${expr.inputs.length} FieldColumnPairs in ${where} is not exported`);
  const { field, column } = expr.inputs[0];
  const v = scope.resolve(field);
  const cells = expr.rows.map((r) => r[expr.outputColumn]).filter((c): c is string => c !== undefined);
  const extra = [expr.defaultValue, expr.mapMissingTo].filter((x): x is Value => x !== undefined && x !== null);
  const out = outputKind([...cells, ...extra], expr.dataType);
  const x = v.tensor;
  let y = g.scalar(expr.defaultValue === undefined || expr.defaultValue === null ? NaN : out.encode(expr.defaultValue));
  for (let k = expr.rows.length - 1; k >= 0; k--) {
    const row = expr.rows[k];
    const key = row[column];
    if (key === undefined) continue;
    let code: number;
    if (v.kind === "code") code = codeOf(v.table, key);
    else {
      // cellMatches: a number key matches a cell whose Number() is that number.
      if (key.trim() === "" || Number.isNaN(Number(key))) continue;
      code = Number(key);
    }
    const cell = row[expr.outputColumn];
    const value =
      cell === undefined
        ? expr.defaultValue === undefined || expr.defaultValue === null
          ? NaN
          : out.encode(expr.defaultValue)
        : out.encode(out.table ? cell : (toDataType(cell, expr.dataType ?? "double") ?? cell));
    y = g.where(g.op("Equal", [x, g.scalar(code)]), g.scalar(value), y);
  }
  const missing = expr.mapMissingTo === undefined || expr.mapMissingTo === null ? NaN : out.encode(expr.mapMissingTo);
  y = g.where(g.isNaN(x), g.scalar(missing), y);
  return tableValue(out.table, y, expr.dataType);
}
