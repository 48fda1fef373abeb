import { describe, expect, it } from "vitest";
import { EvaluationError } from "./errors.ts";
import { DEFAULT_LIMITS } from "./limits.ts";
import { compileSafeRegex, REGEX_STEPS_PER_MS } from "./regex.ts";

/** Every match of V8's own engine, as flat spans (-1 for a group that took no part). */
function nativeSpans(source: string, flags: string, input: string): number[][] {
  const out: number[][] = [];
  for (const m of input.matchAll(new RegExp(source, `gdu${flags}`))) {
    out.push((m as RegExpMatchArray & { indices: ([number, number] | undefined)[] }).indices.flatMap((s) => s ?? [-1, -1]));
  }
  return out;
}

const catastrophic = "a".repeat(30) + "b";
const long = "a".repeat(100_000) + "b";

describe("safe regular expressions: a linear engine, a bounded fallback (issue 11)", () => {
  it("runs (a+)+$ on RE2JS: 'a'×30+'b' and 'a'×100000+'b' answer no match at once", () => {
    const re = compileSafeRegex("(a+)+$");
    expect(re.engine).toBe("linear");
    const t = performance.now();
    expect(re.test(catastrophic)).toBe(false);
    expect(re.test(long)).toBe(false);
    expect(re.first(long)).toBeNull();
    expect(re.all(long)).toEqual([]);
    expect(performance.now() - t).toBeLessThan(2000);
  });

  it("never gives V8 an exponential pattern, even with an unlimited budget (no fast-path shape)", () => {
    for (const [source, input] of [
      ["(a+)+$", catastrophic],
      ["(a|a)*$", catastrophic],
      ["(a?)*$", catastrophic],
      ["(?:a*)*$", catastrophic],
      ["(a?){30}a{30}", "a".repeat(30)],
      ["(?:a{1,30}){1,30}$", catastrophic],
      ["(\\w+\\s?)+$", "word ".repeat(20) + "!"],
    ]) {
      const t = performance.now();
      compileSafeRegex(source!).all(input!, Infinity);
      expect(performance.now() - t, source).toBeLessThan(2000);
    }
  });

  it("the V8 fast path and RE2JS give the same matches (a budget of 0 steps forces RE2JS)", () => {
    const patterns = [
      "\\d{4}-\\d{2}",
      "[0-9]+",
      "(\\w+)-(\\d+)",
      "^cust",
      "ll",
      "a*",
      "(?:ab)+c",
      "x?y{2,3}",
      "(a)?b",
      "\\bw+\\b",
      "é+",
      "",
      "(?<n>\\d+)x",
      "[^]*?z",
      "\\u{1F600}*",
      "\\s+|,",
    ];
    const inputs = ["customer-12 on 2024-01-05", "baaac", "ab abab abc", "xyyy yy", "ab b", "w ww", "ééé", "😀😀a", "a, b\u00a0c"];
    for (const source of patterns) {
      const re = compileSafeRegex(source);
      for (const input of inputs) {
        expect(re.all(input), `/${source}/ on ${input}`).toEqual(re.all(input, 0));
        expect(re.first(input), `/${source}/ on ${input}`).toEqual(re.first(input, 0));
        expect(re.test(input), `/${source}/ on ${input}`).toBe(re.test(input, 0));
      }
    }
  });

  it("ends a runaway back-reference pattern (backtracking engine) with EvaluationError REGEX_BUDGET", () => {
    const re = compileSafeRegex("(a+)+\\1$");
    expect(re.engine).toBe("backtracking");
    const t = performance.now();
    let caught: unknown;
    try {
      re.test(catastrophic, 1_000_000);
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(EvaluationError);
    expect((caught as EvaluationError).code).toBe("REGEX_BUDGET");
    expect((caught as EvaluationError).value).toBe("(a+)+\\1$");
    expect(performance.now() - t).toBeLessThan(2000);
    // The same pattern on an input it settles quickly still answers.
    expect(re.all("xaaxaa", 1_000_000).map((m) => m.spans)).toEqual([[4, 6, 4, 5]]);
  });

  it("grants the backtracking engine regexSteps / REGEX_STEPS_PER_MS milliseconds (default from DEFAULT_LIMITS)", () => {
    const re = compileSafeRegex("(x+x+)+\\1y");
    const input = "x".repeat(40);
    const took = (steps?: number) => {
      const t = performance.now();
      expect(() => re.test(input, steps)).toThrow(expect.objectContaining({ code: "REGEX_BUDGET" }));
      return performance.now() - t;
    };
    // The fastest of three runs: one run can be descheduled for longer than the budget on a loaded machine.
    expect(Math.min(took(20 * REGEX_STEPS_PER_MS), took(20 * REGEX_STEPS_PER_MS), took(20 * REGEX_STEPS_PER_MS))).toBeLessThan(
      DEFAULT_LIMITS.regexSteps / REGEX_STEPS_PER_MS,
    );
    expect(took()).toBeGreaterThanOrEqual(DEFAULT_LIMITS.regexSteps / REGEX_STEPS_PER_MS - 5);
  });

  it("gives RE2 patterns their JavaScript meaning: ., \\s, \\S, multi-line ^, Java's \\A and \\z", () => {
    const cases: [string, string, string][] = [
      [".", "", "a\rb\u2028c\nd"],
      [".", "s", "a\rb\nd"],
      ["\\s+", "", "a \u00a0\u3000\ufeffb\u000bc"],
      ["\\S+", "", " ab\u00a0cd "],
      ["[\\s,]+", "", "a, \u2029b"],
      ["[\\s\\S]", "", "a\n"],
      ["[^]", "", "\n"],
      ["^b", "m", "a\rb\u2028b\nb"],
      ["^b", "", "bb"],
      ["(?<![\\s\\S])a", "", "aba"],
      ["a(?![\\s\\S])", "", "aba"],
      ["(?<![\\s\\S])a", "m", "a\na"],
      ["\\w+", "i", "\u017f\u212a x"],
      ["(?<y>\\d{4})-(?<m>\\d\\d)?", "", "2024-05 and 2023-x"],
      ["a*", "", "baaac"],
      ["", "", "ab"],
      ["é+", "i", "ÉéE"],
      ["\\u{1F600}|x", "", "a😀x"],
      ["(?<=e)l+", "", "hello"],
      ["\\bw", "", "a w,w"],
    ];
    for (const [source, flags, input] of cases) {
      const re = compileSafeRegex(source, flags);
      expect(re.engine, source).toBe("linear");
      expect(
        re.all(input).map((m) => m.spans),
        `/${source}/${flags} on ${JSON.stringify(input)}`,
      ).toEqual(nativeSpans(source, flags, input));
    }
  });

  it("runs what RE2 cannot express on the bounded engine with JavaScript's answers", () => {
    const cases: [string, string, string][] = [
      ["(.)\\1", "", "hello oneee"],
      ["(?=l)l", "", "hello"],
      ["a$", "m", "a\rb a"],
      ["[^\\S\\n]+", "", "a \t\nb"],
      ["(?<=(e))l", "", "hello"],
      ["x{1001}", "", "x".repeat(1002)],
      ["\\P{Lu}+", "i", "aB1"],
      ["(?<q>['\"]).*?\\k<q>", "", "say 'hi' \"yo\""],
    ];
    for (const [source, flags, input] of cases) {
      const re = compileSafeRegex(source, flags);
      expect(re.engine, source).toBe("backtracking");
      expect(
        re.all(input).map((m) => m.spans),
        `/${source}/${flags}`,
      ).toEqual(nativeSpans(source, flags, input));
    }
  });

  it("numbers and names groups as JavaScript does, on both engines", () => {
    const linear = compileSafeRegex("(a)(?:b)(?<n>c)[(]\\(");
    expect(linear.groupCount).toBe(2);
    expect([...linear.groupNames]).toEqual([["n", 2]]);
    const bounded = compileSafeRegex("(?<x>a)(?=b)(?<!z)\\k<x>");
    expect(bounded.groupCount).toBe(1);
    expect([...bounded.groupNames]).toEqual([["x", 1]]);
  });

  it("keeps V8 as the judge of syntax: an invalid pattern throws SyntaxError, the same each time (cached)", () => {
    expect(() => compileSafeRegex("\\1")).toThrow(SyntaxError);
    expect(() => compileSafeRegex("\\1")).toThrow(SyntaxError);
    expect(() => compileSafeRegex("(a")).toThrow(SyntaxError);
    expect(compileSafeRegex("l{2}")).toBe(compileSafeRegex("l{2}"));
  });

  it("differs from V8 in one documented place: a repeated group keeps its last capture (as Java and RE2)", () => {
    expect(compileSafeRegex("(?:(a)|b)+").first("ab")?.spans).toEqual([0, 2, 0, 1]);
  });
});
