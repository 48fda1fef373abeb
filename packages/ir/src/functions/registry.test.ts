import { describe, expect, it } from "vitest";
import "./all.ts";
import { builtinNames, getBuiltin } from "./index.ts";
import table from "../../../../formats/pmml/builtins.json" with { type: "json" };

interface TableEntry {
  name: string;
  minArgs: number;
  maxArgs: number | null;
  resultType: string | null;
  missing: "propagate" | "ignored" | "handled";
  specSection: string;
  aliasOf?: string;
}

const entries = (table as { functions: TableEntry[] }).functions;

// The PMML 4.4 "Built-in Functions" list, section by section.
const PMML_44 = [
  "+",
  "-",
  "*",
  "/",
  "modulo",
  "min",
  "max",
  "sum",
  "avg",
  "median",
  "product",
  "log10",
  "ln",
  "sqrt",
  "abs",
  "exp",
  "pow",
  "threshold",
  "floor",
  "ceil",
  "round",
  "expm1",
  "ln1p",
  "hypot",
  "rint",
  "sin",
  "cos",
  "tan",
  "asin",
  "acos",
  "atan",
  "sinh",
  "cosh",
  "tanh",
  "erf",
  "normalCDF",
  "normalPDF",
  "stdNormalCDF",
  "stdNormalPDF",
  "normalIDF",
  "stdNormalIDF",
  "isMissing",
  "isNotMissing",
  "isValid",
  "isNotValid",
  "equal",
  "notEqual",
  "lessThan",
  "lessOrEqual",
  "greaterThan",
  "greaterOrEqual",
  "and",
  "or",
  "not",
  "isIn",
  "isNotIn",
  "if",
  "uppercase",
  "lowercase",
  "stringLength",
  "substring",
  "trimBlanks",
  "concat",
  "replace",
  "matches",
  "formatNumber",
  "formatDatetime",
  "dateDaysSinceYear",
  "dateSecondsSinceYear",
  "dateSecondsSinceMidnight",
];

describe("formats/pmml/builtins.json and the registry agree", () => {
  it("every PMML 4.4 built-in is registered", () => {
    const missing = PMML_44.filter((n) => getBuiltin(n) === undefined);
    expect(missing).toEqual([]);
  });
  it("the table and the registry list the same names", () => {
    // the "pfa:" functions (pfa.ts) are PFA's semantics for lowered PFA documents, not PMML built-ins
    expect(entries.map((e) => e.name).sort()).toEqual(builtinNames().filter((n) => !n.startsWith("pfa:")));
  });
  it("names are unique in the table", () => {
    expect(new Set(entries.map((e) => e.name)).size).toBe(entries.length);
  });
  for (const e of entries) {
    it(`${e.name}: same arity, result type and missing handling`, () => {
      const f = getBuiltin(e.name)!;
      expect(f.minArgs).toBe(e.minArgs);
      expect(f.maxArgs).toBe(e.maxArgs ?? Infinity);
      expect(f.resultType ?? null).toBe(e.resultType);
      expect(Boolean(f.handlesMissing)).toBe(e.missing !== "propagate");
      expect(e.specSection).not.toBe("");
      if (e.aliasOf) expect(f.fn).toBe(getBuiltin(e.aliasOf)!.fn);
    });
  }
});
