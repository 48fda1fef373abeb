import { describe, expect, it } from "vitest";
import { EvaluationError } from "@porta/ir";
import { compilePfa, decodeInput, encodeOutput, parsePfa, type PfaEngineOptions } from "../index.ts";

const ints = { type: "array", items: "int" };
const strings = { type: "array", items: "string" };
/** Output type of each re.* function (string signature). */
const OUT: Record<string, unknown> = {
  "re.index": ints,
  "re.contains": "boolean",
  "re.count": "int",
  "re.rindex": ints,
  "re.groups": { type: "array", items: ints },
  "re.indexall": { type: "array", items: ints },
  "re.findall": strings,
  "re.findfirst": ["null", "string"],
  "re.findgroupsfirst": strings,
  "re.findgroupsall": { type: "array", items: strings },
  "re.groupsall": { type: "array", items: { type: "array", items: ints } },
  "re.replacefirst": "string",
  "re.replacelast": "string",
  "re.replaceall": "string",
  "re.split": strings,
};
const REPLACING = new Set(["re.replacefirst", "re.replacelast", "re.replaceall"]);

/** An engine whose haystack, pattern (and replacement) come from the input row, as an attacker's would. */
function engine(fn: string, options: PfaEngineOptions = {}, wrap = (e: unknown): unknown => e, out: unknown = OUT[fn]) {
  const args = ["input.h", "input.p", ...(REPLACING.has(fn) ? ["input.r"] : [])];
  const doc = {
    input: {
      type: "record",
      name: "In",
      fields: [
        { name: "h", type: "string" },
        { name: "p", type: "string" },
        { name: "r", type: "string" },
      ],
    },
    output: out,
    action: wrap({ [fn]: args }),
  };
  const e = compilePfa(parsePfa(JSON.stringify(doc)), options);
  return (h: string, p: string, r = "") => encodeOutput(e, e.action(decodeInput(e, { h, p, r })));
}

/** The answer of each function when nothing matches `h`. */
function noMatch(fn: string, h: string): unknown {
  switch (fn) {
    case "re.contains":
      return false;
    case "re.count":
      return 0;
    case "re.findfirst":
      return null;
    case "re.split":
      return [h];
    default:
      return REPLACING.has(fn) ? h : [];
  }
}

describe("re.* cannot run away (issue 11): RE2JS, else V8 under regexSteps", () => {
  for (const n of [30, 100_000]) {
    const h = "a".repeat(n) + "b";
    it(`(a+)+$ on 'a'×${n}+'b' from the input: every re.* function answers "no match" in well under 2 s`, () => {
      for (const fn of Object.keys(OUT)) {
        const run = engine(fn);
        const t = performance.now();
        expect(run(h, "(a+)+$", "x"), fn).toEqual(noMatch(fn, h));
        expect(performance.now() - t, fn).toBeLessThan(2000);
      }
    });
  }

  it("the bytes signatures are bounded too", () => {
    const doc = {
      input: {
        type: "record",
        name: "In",
        fields: [
          { name: "h", type: "bytes" },
          { name: "p", type: "bytes" },
        ],
      },
      output: "boolean",
      action: { "re.contains": ["input.h", "input.p"] },
    };
    const e = compilePfa(parsePfa(JSON.stringify(doc)));
    const b64 = (s: string) => Buffer.from(s, "latin1").toString("base64");
    const t = performance.now();
    expect(e.action(decodeInput(e, { h: b64("a".repeat(100_000) + "b"), p: b64("(a+)+$") }))).toBe(false);
    expect(e.action(decodeInput(e, { h: b64("xaab"), p: b64("(a+)+b$") }))).toBe(true);
    expect(performance.now() - t).toBeLessThan(2000);
  });

  it("a runaway back reference ends in EvaluationError REGEX_BUDGET (no pfaCode), for index, contains and replaceall", () => {
    const h = "a".repeat(30) + "b";
    for (const fn of ["re.index", "re.contains", "re.replaceall"]) {
      const run = engine(fn, { regexSteps: 1_000_000 });
      const t = performance.now();
      let caught: unknown;
      try {
        run(h, "(a+)+\\1$", "x");
      } catch (e) {
        caught = e;
      }
      expect(caught, fn).toBeInstanceOf(EvaluationError);
      expect((caught as EvaluationError).code, fn).toBe("REGEX_BUDGET");
      expect((caught as EvaluationError).pfaCode, fn).toBeUndefined();
      expect(performance.now() - t, fn).toBeLessThan(2000);
    }
  });

  it("try does not catch REGEX_BUDGET (a resource limit, like PFA_TIMEOUT), but still catches a bad pattern", () => {
    const run = engine("re.contains", { regexSteps: 1_000_000 }, (e) => ({ try: e }), ["null", "boolean"]);
    expect(() => run("a".repeat(30) + "b", "(a+)+\\1$")).toThrow(expect.objectContaining({ code: "REGEX_BUDGET" }));
    expect(run("x", "(")).toBeNull();
    expect(run("xx", "(x)\\1")).toEqual({ boolean: true });
  });

  it("ordinary patterns keep their answers: spans, groups, empty matches, replacement, split, back references", () => {
    expect(engine("re.index")("hello", "l+")).toEqual([2, 4]);
    expect(engine("re.groups")("2024-05", "(\\d+)-(\\d+)(x)?")).toEqual([
      [0, 7],
      [0, 4],
      [5, 7],
      [-1, -1],
    ]);
    expect(engine("re.findgroupsfirst")("2024-05", "(\\d+)-(\\d+)(x)?")).toEqual(["2024-05", "2024", "05", ""]);
    expect(engine("re.indexall")("baaac", "a*")).toEqual([
      [0, 0],
      [1, 4],
      [4, 4],
      [5, 5],
    ]);
    expect(engine("re.count")("oneee\u2212two", "e")).toBe(3);
    expect(engine("re.rindex")("oneee\u2212two", "[^a-z]")).toEqual([5, 6]);
    expect(engine("re.replacelast")("a1b2c3", "\\d", "#")).toBe("a1b2c#");
    expect(engine("re.replaceall")("a1b22c", "\\d+", "$1")).toBe("a$1b$1c"); // PFA replacements are literal
    expect(engine("re.split")("a, b,c", ",\\s*")).toEqual(["a", "b", "c"]);
    expect(engine("re.findall")("hello moon", "(.)\\1")).toEqual(["ll", "oo"]);
    expect(engine("re.contains")("a\u00a0b", "a\\sb")).toBe(true); // ECMAScript \s, not RE2's ASCII one
    expect(engine("re.contains")("a\rb", "a.b")).toBe(false);
  });
});
