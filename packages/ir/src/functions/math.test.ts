import { describe, expect, it } from "vitest";
import "./all.ts";
import { getBuiltin } from "./index.ts";
import type { Value } from "../values.ts";

const call = (name: string, ...args: Value[]) => getBuiltin(name)!.fn(args);

describe("PMML 4.4 log10, ln, sqrt, abs, exp, pow", () => {
  it("computes the usual values", () => {
    expect(call("log10", 1000)).toBe(3);
    expect(call("ln", Math.E)).toBe(1);
    expect(call("sqrt", 16)).toBe(4);
    expect(call("abs", -2.5)).toBe(2.5);
    expect(call("exp", 0)).toBe(1);
    expect(call("pow", 2, 10)).toBe(1024);
  });
  it("domain errors are invalid (NaN): ln(-1), log10(-1), sqrt(-1)", () => {
    expect(call("ln", -1)).toBeNaN();
    expect(call("log10", -1)).toBeNaN();
    expect(call("sqrt", -1)).toBeNaN();
  });
  it("ln(0) is -Infinity, a valid double as in Java", () => {
    expect(call("ln", 0)).toBe(-Infinity);
  });
  it("pow follows Java Math.pow: pow(0, 0) = 1, pow(0, -1) = Infinity, pow(-8, 1/3) = NaN", () => {
    expect(call("pow", 0, 0)).toBe(1);
    expect(call("pow", 0, -1)).toBe(Infinity);
    expect(call("pow", -8, 1 / 3)).toBeNaN();
  });
});

describe("PMML 4.4 threshold(x, y): 1 if x > y else 0", () => {
  it("is strict", () => {
    expect(call("threshold", 5, 3)).toBe(1);
    expect(call("threshold", 3, 3)).toBe(0);
    expect(call("threshold", 2, 3)).toBe(0);
  });
});

describe("PMML 4.4 floor, ceil, round (integer results)", () => {
  it("floor and ceil", () => {
    expect(call("floor", 2.7)).toBe(2);
    expect(call("floor", -2.2)).toBe(-3);
    expect(call("ceil", 2.2)).toBe(3);
    expect(call("ceil", -2.7)).toBe(-2);
  });
  it("round is Java Math.round: halves go toward +Infinity", () => {
    expect(call("round", 2.5)).toBe(3);
    expect(call("round", -2.5)).toBe(-2);
    expect(call("round", -2.51)).toBe(-3);
    expect(call("round", 0.5)).toBe(1);
    expect(call("round", -0.5)).toBe(0);
  });
  it("round(0.49999999999999994) is 0 (floor(x + 0.5) would wrongly give 1)", () => {
    expect(call("round", 0.49999999999999994)).toBe(0);
  });
  it("never returns -0", () => {
    expect(Object.is(call("round", -0.2), 0)).toBe(true);
    expect(Object.is(call("ceil", -0.5), 0)).toBe(true);
  });
  it("a result outside the 32-bit int range is an error, as JPMML's Math.toIntExact", () => {
    expect(() => call("floor", 3e10)).toThrow(/32-bit/);
    expect(call("round", 2147483647)).toBe(2147483647);
  });
});

describe("PMML 4.4 expm1, ln1p, hypot, rint", () => {
  it("expm1 and ln1p keep precision near 0", () => {
    expect(call("expm1", 1e-10)).toBeCloseTo(1e-10, 20);
    expect(call("ln1p", 1e-10)).toBeCloseTo(1e-10, 20);
    expect(call("ln1p", -1)).toBe(-Infinity);
    expect(call("ln1p", -2)).toBeNaN();
  });
  it("hypot", () => {
    expect(call("hypot", 3, 4)).toBe(5);
  });
  it("rint rounds halves to even (Java Math.rint) and returns a double", () => {
    expect(call("rint", 2.5)).toBe(2);
    expect(call("rint", 3.5)).toBe(4);
    expect(call("rint", -2.5)).toBe(-2);
    expect(call("rint", -3.5)).toBe(-4);
    expect(call("rint", 2.4)).toBe(2);
    expect(call("rint", 2.6)).toBe(3);
    expect(Object.is(call("rint", -0.4), -0)).toBe(true);
    expect(call("rint", 1e300)).toBe(1e300);
  });
});

describe("PMML 4.4 trigonometric functions", () => {
  it("computes in radians", () => {
    expect(call("sin", Math.PI / 2)).toBe(1);
    expect(call("cos", 0)).toBe(1);
    expect(call("tan", 0)).toBe(0);
    expect(call("asin", 1)).toBe(Math.PI / 2);
    expect(call("acos", 1)).toBe(0);
    expect(call("atan", 1)).toBe(Math.PI / 4);
    expect(call("sinh", 0)).toBe(0);
    expect(call("cosh", 0)).toBe(1);
    expect(call("tanh", Infinity)).toBe(1);
  });
  it("a NaN result is invalid (JPMML: NaNResultException)", () => {
    expect(call("asin", 2)).toBeNaN();
    expect(call("acos", -2)).toBeNaN();
  });
  it("JPMML extension x-atan2(y, x)", () => {
    expect(call("x-atan2", 1, -1)).toBe((3 * Math.PI) / 4);
  });
  it("pre-4.4 'x-' spellings call the same functions", () => {
    expect(call("x-sin", Math.PI / 2)).toBe(1);
    expect(call("x-modulo", -7, 3)).toBe(2);
    expect(call("x-rint", 2.5)).toBe(2);
  });
});
