import { describe, expect, it } from "vitest";
import "./all.ts";
import { getBuiltin } from "./index.ts";
import type { Value } from "../values.ts";

const call = (name: string, ...args: Value[]) => getBuiltin(name)!.fn(args);

describe("PMML 4.4 and, or (two or more arguments)", () => {
  it("truth tables", () => {
    expect(call("and", true, true)).toBe(true);
    expect(call("and", true, false)).toBe(false);
    expect(call("or", false, false)).toBe(false);
    expect(call("or", false, true)).toBe(true);
  });
  it("are variadic", () => {
    expect(call("and", true, true, true, false)).toBe(false);
    expect(call("or", false, false, false, true)).toBe(true);
    expect(getBuiltin("and")!.maxArgs).toBe(Infinity);
  });
  it("accept boolean-like values (1/0, 'true'/'false') and reject others", () => {
    expect(call("and", 1, "true")).toBe(true);
    expect(call("or", 0, "false")).toBe(false);
    expect(() => call("and", true, 2)).toThrow(/boolean/);
  });
  it("leave missing to the evaluator (JPMML has no three-valued Apply logic)", () => {
    expect(getBuiltin("and")!.handlesMissing).toBeFalsy();
    expect(getBuiltin("or")!.handlesMissing).toBeFalsy();
  });
});

describe("PMML 4.4 not", () => {
  it("negates", () => {
    expect(call("not", true)).toBe(false);
    expect(call("not", false)).toBe(true);
  });
});

describe("PMML 4.4 if", () => {
  it("returns the THEN or the ELSE value", () => {
    expect(call("if", true, "yes", "no")).toBe("yes");
    expect(call("if", false, "yes", "no")).toBe("no");
  });
  it("'If the ELSE part is absent, then a missing value is returned'", () => {
    expect(call("if", false, "yes")).toBeNull();
  });
  it("a missing condition gives missing", () => {
    expect(call("if", null, "yes", "no")).toBeNull();
  });
  it("passes a missing branch value through", () => {
    expect(call("if", true, null, "no")).toBeNull();
  });
  it("takes 2 or 3 arguments and handles missing itself", () => {
    const f = getBuiltin("if")!;
    expect([f.minArgs, f.maxArgs, f.handlesMissing]).toEqual([2, 3, true]);
  });
});

describe("PMML 4.4 isMissing, isNotMissing", () => {
  it("test for missing", () => {
    expect(call("isMissing", null)).toBe(true);
    expect(call("isMissing", 0)).toBe(false);
    expect(call("isMissing", "")).toBe(false);
    expect(call("isNotMissing", null)).toBe(false);
    expect(call("isNotMissing", "x")).toBe(true);
  });
});

describe("PMML 4.4 isValid, isNotValid", () => {
  it("a present, valid value is valid", () => {
    expect(call("isValid", 1.5)).toBe(true);
    expect(call("isNotValid", 1.5)).toBe(false);
  });
  it("an invalid value (NaN) is not valid", () => {
    expect(call("isValid", NaN)).toBe(false);
    expect(call("isNotValid", NaN)).toBe(true);
  });
  it("missing is neither valid nor invalid", () => {
    expect(call("isValid", null)).toBe(false);
    expect(call("isNotValid", null)).toBe(false);
  });
});
