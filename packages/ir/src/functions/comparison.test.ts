import { describe, expect, it } from "vitest";
import "./all.ts";
import { getBuiltin } from "./index.ts";
import { parseTemporalText, type Value } from "../values.ts";

const call = (name: string, ...args: Value[]) => getBuiltin(name)!.fn(args);

describe("PMML 4.4 equal, notEqual", () => {
  it("compares numbers numerically", () => {
    expect(call("equal", 1, 1.0)).toBe(true);
    expect(call("equal", 0.1 + 0.2, 0.3)).toBe(false);
    expect(call("notEqual", 1, 2)).toBe(true);
  });
  it("compares strings exactly (case-sensitive)", () => {
    expect(call("equal", "a", "a")).toBe(true);
    expect(call("equal", "a", "A")).toBe(false);
  });
  it("reads a numeric string against a number numerically (JPMML parses to the other type)", () => {
    expect(call("equal", "1.0", 1)).toBe(true);
    expect(call("equal", 2, "2")).toBe(true);
    expect(call("equal", "x", 2)).toBe(false);
  });
  it("booleans against numbers as 1/0", () => {
    expect(call("equal", true, 1)).toBe(true);
    expect(call("equal", false, 0)).toBe(true);
  });
  it("temporals by instant", () => {
    expect(call("equal", parseTemporalText("2020-01-01")!, parseTemporalText("2020-01-01T00:00:00")!)).toBe(true);
  });
});

describe("PMML 4.4 lessThan, lessOrEqual, greaterThan, greaterOrEqual", () => {
  it("orders numbers", () => {
    expect(call("lessThan", 1, 2)).toBe(true);
    expect(call("lessThan", 2, 2)).toBe(false);
    expect(call("lessOrEqual", 2, 2)).toBe(true);
    expect(call("greaterThan", 3, 2)).toBe(true);
    expect(call("greaterOrEqual", 2, 3)).toBe(false);
  });
  it("orders strings by UTF-16 code units like Java's String.compareTo", () => {
    expect(call("lessThan", "abc", "abd")).toBe(true);
    expect(call("lessThan", "Z", "a")).toBe(true);
  });
  it("orders dates", () => {
    expect(call("lessThan", parseTemporalText("1969-12-31")!, parseTemporalText("1970-01-01")!)).toBe(true);
  });
  it("NaN sorts above everything (Java Double.compareTo)", () => {
    expect(call("greaterThan", NaN, Infinity)).toBe(true);
    expect(call("lessOrEqual", NaN, NaN)).toBe(true);
  });
});

describe("PMML 4.4 isIn, isNotIn: value first, then the set", () => {
  it("tests membership with PMML equality", () => {
    expect(call("isIn", "b", "a", "b", "c")).toBe(true);
    expect(call("isIn", "d", "a", "b")).toBe(false);
    expect(call("isNotIn", "d", "a", "b")).toBe(true);
    expect(call("isIn", 2, 1, 2.0, 3)).toBe(true);
    expect(call("isIn", "2", 1, 2)).toBe(true);
  });
  it("a missing value is in the set only when the set holds a missing member (JPMML)", () => {
    expect(call("isIn", null, "a", "b")).toBe(false);
    expect(call("isIn", null, "a", null)).toBe(true);
    expect(call("isNotIn", null, "a")).toBe(true);
    expect(getBuiltin("isIn")!.handlesMissing).toBe(true);
  });
  it("missing set members never match a present value", () => {
    expect(call("isIn", "a", null, "b")).toBe(false);
  });
});
