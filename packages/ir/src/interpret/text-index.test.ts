import { describe, expect, it } from "vitest";
import type { Expr, TextIndexExpr, TextIndexNormalization } from "../expr.ts";
import { EvaluationError, SchemaError } from "../errors.ts";
import { boundedLevenshtein, compileTextRegex, evaluateTextIndex, prepareTextIndex, termFrequency } from "./text-index.ts";

/** A TextIndex node with PMML 4.4's defaults, overridden by `over`. */
function node(over: Partial<TextIndexExpr> = {}): TextIndexExpr {
  const term: Expr = { kind: "constant", value: "x", dataType: "string" };
  return {
    kind: "textIndex",
    textField: "t",
    term,
    localTermWeights: "termFrequency",
    isCaseSensitive: false,
    maxLevenshteinDistance: 0,
    countHits: "allHits",
    wordSeparatorCharacterRE: "\\s+",
    tokenize: true,
    normalizations: [],
    ...over,
  };
}

function table(rows: [string, string, boolean][], over: Partial<TextIndexNormalization> = {}): TextIndexNormalization {
  return { rows: rows.map(([search, replacement, regex]) => ({ search, replacement, regex })), recursive: false, ...over };
}

describe("boundedLevenshtein (the edit distance TextIndex sums per token)", () => {
  it("is the Levenshtein distance when within the limit, -1 beyond it", () => {
    expect(boundedLevenshtein("kitten", "sitting", 3)).toBe(3);
    expect(boundedLevenshtein("kitten", "sitting", 2)).toBe(-1);
    expect(boundedLevenshtein("", "abc", 3)).toBe(3);
    expect(boundedLevenshtein("abc", "", 2)).toBe(-1);
    expect(boundedLevenshtein("flaw", "lawn", 2)).toBe(2);
    expect(boundedLevenshtein("same", "same", 0)).toBe(0);
  });

  it("agrees with the unbounded distance on random words for every limit", () => {
    const full = (a: string, b: string): number => {
      const d = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
      for (let i = 1; i <= a.length; i++)
        for (let j = 1; j <= b.length; j++) d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
      return d[a.length][b.length];
    };
    let s = 7;
    const word = () => {
      let w = "";
      s = (s * 1103515245 + 12345) % 2147483648;
      const n = s % 6;
      for (let k = 0; k < n; k++) {
        s = (s * 1103515245 + 12345) % 2147483648;
        w += "abc"[s % 3];
      }
      return w;
    };
    for (let k = 0; k < 300; k++) {
      const a = word(),
        b = word(),
        d = full(a, b);
      for (let limit = 0; limit <= 6; limit++) expect(boundedLevenshtein(a, b, limit)).toBe(d <= limit ? d : -1);
    }
  });
});

describe("termFrequency (PMML 4.4 TextIndex countHits)", () => {
  const text = ["a", "b", "ab", "b", "a", "b"];
  it("allHits counts every window within the summed distance", () => {
    expect(termFrequency(text, ["a", "b"], 0, false)).toBe(2);
    // Within 1 also "ab b" (1 + 0); "b ab" and "b a" need 1 for their first token and then differ again.
    expect(termFrequency(text, ["a", "b"], 1, false)).toBe(3);
  });
  it("bestHits counts only the windows at the smallest distance found", () => {
    expect(termFrequency(["ax", "b", "a", "bx"], ["a", "b"], 1, true)).toBe(2);
    expect(termFrequency(["ax", "b", "a", "b"], ["a", "b"], 1, true)).toBe(1);
  });
  it("an empty text or term counts nothing; a term longer than the text too", () => {
    expect(termFrequency([], ["a"], 3, false)).toBe(0);
    expect(termFrequency(["a"], [], 3, false)).toBe(0);
    expect(termFrequency(["a"], ["a", "a"], 3, false)).toBe(0);
  });
});

describe("evaluateTextIndex", () => {
  it("trims edge punctuation of each token and drops tokens that were only punctuation", () => {
    expect(evaluateTextIndex(node(), "-- x, (x) x-ray ...", "x")).toBe(2);
  });

  it("a zero-length separator match still separates (every character a token)", () => {
    expect(evaluateTextIndex(node({ wordSeparatorCharacterRE: "" }), "xyx", "x")).toBe(2);
  });

  it("x-wordRE tokens are its matches, untrimmed", () => {
    expect(evaluateTextIndex(node({ wordRE: "[a-z']+" }), "x 'x' x1x", "x")).toBe(3);
    expect(evaluateTextIndex(node({ wordRE: "[a-z']+" }), "x 'x' x1x", "'x'")).toBe(1);
  });

  it("the term is tokenised too (its punctuation trimmed) but not normalised", () => {
    const n = node({ normalizations: [table([["colour", "color", false]])] });
    expect(evaluateTextIndex(n, "colour color", "color!")).toBe(2);
    expect(evaluateTextIndex(n, "colour color", "colour")).toBe(0);
  });

  it("case folding follows Java's equalsIgnoreCase per character", () => {
    expect(evaluateTextIndex(node(), "STRASSE straße Straße", "straße")).toBe(2);
    expect(evaluateTextIndex(node({ isCaseSensitive: true }), "Fox fox FOX", "fox")).toBe(1);
  });

  it("a number text or term is matched through its text", () => {
    expect(evaluateTextIndex(node(), 42, 42)).toBe(1);
    expect(evaluateTextIndex(node(), null, "x")).toBeNull();
    expect(evaluateTextIndex(node(), "x", null)).toBeNull();
  });

  it("replacements use Java's syntax: $n and ${name} groups, backslash escapes; JS's $& is an error there", () => {
    const n = (replacement: string) => node({ normalizations: [table([["(?<w>o)(u)", replacement, true]])], wordRE: "\\S+" });
    expect(evaluateTextIndex(n("$1"), "colour", "color")).toBe(1);
    expect(evaluateTextIndex(n("${w}"), "colour", "color")).toBe(1);
    expect(evaluateTextIndex(n("\\$&"), "colour", "col$&r")).toBe(1);
    expect(() => evaluateTextIndex(n("$&"), "colour", "x")).toThrow(expect.objectContaining({ code: "PMML_TEXT_INDEX_REPLACEMENT" }));
  });
});

describe("bad TextIndex definitions are SchemaErrors when prepared", () => {
  const code = (f: () => unknown) => {
    try {
      f();
    } catch (e) {
      return e instanceof SchemaError || e instanceof EvaluationError ? e.code : String(e);
    }
    return "no error";
  };
  it("regexes, replacements, inline flags, distances", () => {
    expect(code(() => prepareTextIndex(node({ wordSeparatorCharacterRE: "(" })))).toBe("PMML_TEXT_INDEX_REGEX");
    expect(code(() => prepareTextIndex(node({ wordRE: "(?x)a" })))).toBe("PMML_TEXT_INDEX_REGEX");
    expect(code(() => prepareTextIndex(node({ normalizations: [table([["a", "$2", true]])] })))).toBe("PMML_TEXT_INDEX_REPLACEMENT");
    expect(code(() => prepareTextIndex(node({ normalizations: [table([["(a)", "x\\", true]])] })))).toBe("PMML_TEXT_INDEX_REPLACEMENT");
    expect(code(() => prepareTextIndex(node({ maxLevenshteinDistance: 1e9 })))).toBe("PMML_TEXT_INDEX_LEVENSHTEIN");
    expect(code(() => prepareTextIndex(node({ maxLevenshteinDistance: -1 })))).toBe("PMML_TEXT_INDEX_LEVENSHTEIN");
    expect(code(() => prepareTextIndex(node({ tokenize: false })))).toBe("PMML_TEXT_INDEX_TOKENIZE");
  });

  it("leading Java inline flags become JS flags; (?u) is dropped", () => {
    const re = compileTextRegex("(?u)(?i)\\bab\\b", true, undefined);
    // (?i) made it case-insensitive; (?u) left nothing behind in the pattern.
    expect(re.all("AB x ab").map((m) => m.spans.slice(0, 2))).toEqual([
      [0, 2],
      [5, 7],
    ]);
    expect(re.test("xab")).toBe(false);
  });

  it("a catastrophic pattern in a document cannot run away on a row's text (the safe regex engine)", () => {
    const t0 = performance.now();
    const n = node({ normalizations: [table([["(a+)+$", "", true]])] });
    expect(() => evaluateTextIndex(n, `${"a".repeat(50_000)}b`, "x")).not.toThrow();
    expect(performance.now() - t0).toBeLessThan(2000);
  });

  it("a normalisation that keeps growing the text stops with an EvaluationError", () => {
    const n = node({ normalizations: [table([["x", "xx", false]], { recursive: true })] });
    expect(code(() => evaluateTextIndex(n, "x", "x"))).toBe("PMML_TEXT_INDEX_NORMALIZATION");
  });
});
