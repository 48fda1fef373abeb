import { describe, expect, it } from "vitest";
import "./all.ts";
import { getBuiltin } from "./index.ts";
import type { Value } from "../values.ts";

const call = (name: string, ...args: Value[]) => getBuiltin(name)!.fn(args);

describe("PMML 4.4 +, -, * and /", () => {
  it("spec example: A - B with A=2.5, B=4 is -1.5", () => {
    expect(call("-", 2.5, 4)).toBe(-1.5);
  });
  it("computes in doubles", () => {
    expect(call("+", 0.1, 0.2)).toBe(0.30000000000000004);
    expect(call("*", 3, 1.5)).toBe(4.5);
    expect(call("/", 7, 2)).toBe(3.5);
  });
  it("x/0 is ±Infinity (a valid double, as in Java); 0/0 is NaN (invalid)", () => {
    expect(call("/", 1, 0)).toBe(Infinity);
    expect(call("/", -1, 0)).toBe(-Infinity);
    expect(call("/", 0, 0)).toBeNaN();
  });
  it("accepts numeric strings and booleans like JPMML's asNumber; other text is an error", () => {
    expect(call("+", "1.5", true)).toBe(2.5);
    expect(() => call("+", "abc", 1)).toThrow(/expected a number/);
  });
  it("missing in, missing out is the evaluator's job (no handlesMissing)", () => {
    expect(getBuiltin("+")!.handlesMissing).toBeFalsy();
  });
});

describe("PMML 4.4 modulo: x - y*floor(x/y)", () => {
  it("follows the divisor's sign (floored, like Java floorMod)", () => {
    expect(call("modulo", 7, 3)).toBe(1);
    expect(call("modulo", -7, 3)).toBe(2);
    expect(call("modulo", 7, -3)).toBe(-2);
    expect(call("modulo", -7, -3)).toBe(-1);
  });
  it("works on fractions", () => {
    expect(call("modulo", 5.5, 2)).toBe(1.5);
    expect(call("modulo", -5.5, 2)).toBe(0.5);
  });
  it("modulo by zero is invalid (NaN)", () => {
    expect(call("modulo", 5, 0)).toBeNaN();
  });
});

describe("PMML 4.4 min, max, sum, avg, median, product", () => {
  it("spec example: min(2.5, 4, 1.5) = 1.5", () => {
    expect(call("min", 2.5, 4, 1.5)).toBe(1.5);
    expect(call("max", 2.5, 4, 1.5)).toBe(4);
  });
  it("'Missing values in the input to an aggregate function are simply ignored'", () => {
    expect(call("sum", 1, null, 2)).toBe(3);
    expect(call("avg", 1, null, 3)).toBe(2);
    expect(call("product", 2, null, 5)).toBe(10);
    expect(call("min", null, 3, 2)).toBe(2);
  });
  it("all inputs missing gives missing", () => {
    for (const f of ["min", "max", "sum", "avg", "median", "product"]) expect(call(f, null, null)).toBeNull();
  });
  it("median of an odd count is the middle value, of an even count the mean of the two middle ones", () => {
    expect(call("median", 5, 1, 3)).toBe(3);
    expect(call("median", 4, 1, 3, 2)).toBe(2.5);
    expect(call("median", 7)).toBe(7);
  });
  it("avg is Commons Math's incremental mean (what JPMML computes)", () => {
    expect(call("avg", 1, 2, 4)).toBe(7 / 3);
    // Incremental mean stays finite where sum/n would overflow.
    expect(call("avg", Number.MAX_VALUE, Number.MAX_VALUE)).toBe(Number.MAX_VALUE);
  });
  it("single argument aggregates", () => {
    expect(call("sum", 4)).toBe(4);
    expect(call("product", 4)).toBe(4);
  });
  it("an invalid (NaN) input makes the aggregate invalid", () => {
    expect(call("sum", 1, NaN)).toBeNaN();
    expect(call("max", NaN, 1)).toBeNaN();
  });
  it("handles missing itself", () => {
    expect(getBuiltin("sum")!.handlesMissing).toBe(true);
  });
});
