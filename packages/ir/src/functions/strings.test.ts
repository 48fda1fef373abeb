import { describe, expect, it } from "vitest";
import "./all.ts";
import { getBuiltin } from "./index.ts";
import { translateJavaRegex } from "./java-regex.ts";
import type { Value } from "../values.ts";
import { DEFAULT_LIMITS } from "../limits.ts";

const call = (name: string, ...args: Value[]) => getBuiltin(name)!.fn(args);

describe("PMML 4.4 uppercase, lowercase, stringLength", () => {
  it("converts case", () => {
    expect(call("uppercase", "aBc9")).toBe("ABC9");
    expect(call("lowercase", "aBc9")).toBe("abc9");
    expect(call("uppercase", "straße")).toBe("STRASSE");
  });
  it("stringLength counts UTF-16 units like Java's String.length()", () => {
    expect(call("stringLength", "abc")).toBe(3);
    expect(call("stringLength", "")).toBe(0);
    expect(call("stringLength", "😀")).toBe(2);
  });
});

describe("PMML 4.4 substring(input, startPos, length), 1-based", () => {
  it("spec example: substring('aBc9x', 2, 3) = 'Bc9'", () => {
    expect(call("substring", "aBc9x", 2, 3)).toBe("Bc9");
  });
  it("clips a range past the end", () => {
    expect(call("substring", "abc", 2, 10)).toBe("bc");
    expect(call("substring", "abc", 5, 2)).toBe("");
    expect(call("substring", "abc", 1, 0)).toBe("");
  });
  it("startPos < 1 or length < 0 is an error (JPMML FunctionException)", () => {
    expect(() => call("substring", "abc", 0, 1)).toThrow(/startPos/);
    expect(() => call("substring", "abc", 1, -1)).toThrow(/length/);
    expect(() => call("substring", "abc", 1.5, 1)).toThrow(/integer/);
  });
});

describe("PMML 4.4 trimBlanks", () => {
  it("removes leading and trailing blanks", () => {
    expect(call("trimBlanks", "  a b  ")).toBe("a b");
    expect(call("trimBlanks", "\t\n a \r")).toBe("a");
  });
  it("is Java's trim: control chars go, a no-break space stays", () => {
    expect(call("trimBlanks", "\u0001a\u0001")).toBe("a");
    expect(call("trimBlanks", "\u00a0a\u00a0")).toBe("\u00a0a\u00a0");
  });
});

describe("PMML 4.4 concat", () => {
  it("joins two or more values", () => {
    expect(call("concat", "2024", "-", "01")).toBe("2024-01");
  });
  it("prints numbers as JPMML's asString: ints plain, doubles like Double.toString", () => {
    expect(call("concat", "n=", 3)).toBe("n=3");
    expect(call("concat", "x=", 2.5)).toBe("x=2.5");
    expect(call("concat", "x=", 1e10)).toBe("x=1.0E10");
    expect(call("concat", "x=", 1.5e-5)).toBe("x=1.5E-5");
    expect(call("concat", "b=", true)).toBe("b=true");
  });
  it("skips missing arguments (JPMML)", () => {
    expect(call("concat", "a", null, "b")).toBe("ab");
    expect(call("concat", null, null)).toBe("");
  });
});

describe("PMML 4.4 replace(input, pattern, replacement): Java regex, all matches", () => {
  it("spec example: replace('BBBB', 'B+', 'c') = 'c'", () => {
    expect(call("replace", "BBBB", "B+", "c")).toBe("c");
  });
  it("replaces every match", () => {
    expect(call("replace", "a1b22c333", "[0-9]+", "#")).toBe("a#b#c#");
  });
  it("'$1' inserts a group; '\\$' is a literal dollar", () => {
    expect(call("replace", "John Smith", "(\\w+)\\s(\\w+)", "$2, $1")).toBe("Smith, John");
    expect(call("replace", "5", "(\\d)", "\\$$1")).toBe("$5");
  });
  it("'$12' takes the longest existing group number, as Java", () => {
    expect(call("replace", "ab", "(a)(b)", "$12")).toBe("a2");
  });
  it("named groups: (?<n>...) and ${n}", () => {
    expect(call("replace", "2024-05", "(?<y>\\d{4})-(?<m>\\d{2})", "${m}/${y}")).toBe("05/2024");
  });
  it("an unmatched group inserts nothing", () => {
    expect(call("replace", "b", "(a)?b", "[$1]")).toBe("[]");
  });
  it("a bad group reference is an error", () => {
    expect(() => call("replace", "a", "a", "$2")).toThrow(/group/);
    expect(() => call("replace", "a", "a", "$")).toThrow(/group/);
  });
  it("empty matches interleave like Java's replaceAll", () => {
    expect(call("replace", "abc", "x*", "-")).toBe("-a-b-c-");
  });
});

describe("PMML 4.4 matches(input, pattern): true if any substring matches", () => {
  it("spec example: matches('ab', 'a') is true (find, not full match)", () => {
    expect(call("matches", "ab", "a")).toBe(true);
    expect(call("matches", "ab", "^b")).toBe(false);
  });
  it("Java inline flags at the start", () => {
    expect(call("matches", "ABC", "(?i)abc")).toBe(true);
    expect(call("matches", "a\nb", "(?s)a.b")).toBe(true);
    expect(call("matches", "a\nb", "a.b")).toBe(false);
  });
  it("Java's \\s is ASCII-only (a no-break space is not whitespace)", () => {
    expect(call("matches", "a\u00a0b", "a\\sb")).toBe(false);
    expect(call("matches", "a\tb", "a\\sb")).toBe(true);
  });
  it("POSIX classes \\p{Alpha} \\p{Digit} \\p{Punct} and Unicode \\p{L}", () => {
    expect(call("matches", "a1", "^\\p{Alpha}\\p{Digit}$")).toBe(true);
    expect(call("matches", "é", "^\\p{Alpha}$")).toBe(false);
    expect(call("matches", "é", "^\\p{L}$")).toBe(true);
    expect(call("matches", "!", "\\p{Punct}")).toBe(true);
    expect(call("matches", "a", "\\P{Digit}")).toBe(true);
  });
  it("\\Q...\\E quotes, \\A and \\z anchor the whole input", () => {
    expect(call("matches", "a.b", "\\Qa.b\\E")).toBe(true);
    expect(call("matches", "axb", "\\Qa.b\\E")).toBe(false);
    expect(call("matches", "ab\nc", "\\Aab")).toBe(true);
    expect(call("matches", "x\nab", "(?m)\\Aab")).toBe(false);
    expect(call("matches", "ab\n", "ab\\z")).toBe(false);
    expect(call("matches", "ab\n", "ab\\Z")).toBe(true);
  });
  it("Java escapes that JS 'u' mode rejects are re-emitted as literals", () => {
    expect(call("matches", "a-b_c", "a\\-b\\_c")).toBe(true);
    expect(call("matches", "#", "\\#")).toBe(true);
    expect(call("matches", "a]", "a]")).toBe(true);
    expect(call("matches", "\u0007", "\\a")).toBe(true);
    expect(call("matches", "A", "\\x{41}")).toBe(true);
    expect(call("matches", "A", "\\0101")).toBe(true);
  });
  it("features JS cannot express are reported, not silently changed", () => {
    expect(() => call("matches", "aaa", "a*+")).toThrow(/possessive/);
    expect(() => call("matches", "a", "(?>a)")).toThrow(/atomic/);
    expect(() => call("matches", "a", "[a-z&&[^b]]")).toThrow(/class/);
    expect(() => call("matches", "a", "a(?i)b")).toThrow(/inline flags/);
  });
  it("repeated calls with one cached pattern give the same answer (no lastIndex carry-over)", () => {
    for (let i = 0; i < 3; i++) expect(call("matches", "xab", "ab")).toBe(true);
    expect(call("replace", "aXbX", "X", "-")).toBe("a-b-");
    expect(call("matches", "ab", "X")).toBe(false);
  });
  it("an invalid pattern is an error", () => {
    expect(() => call("matches", "a", "(a")).toThrow(/invalid regular expression/);
  });
  it("translation keeps ordinary syntax as is", () => {
    expect(translateJavaRegex("t", "^(a|b){2,3}?[^x-z]$").source).toBe("^(a|b){2,3}?[^x-z]$");
  });
});

describe("PMML matches / replace cannot run away (issue 11): RE2JS, else V8 under regexSteps", () => {
  const steps = (regexSteps: number) => ({ ...DEFAULT_LIMITS, regexSteps });
  const within2s = <T>(f: () => T): T => {
    const t = performance.now();
    const v = f();
    expect(performance.now() - t).toBeLessThan(2000);
    return v;
  };
  for (const n of [30, 100_000]) {
    const input = "a".repeat(n) + "b";
    it(`(a+)+$ on 'a'×${n}+'b': matches is false and replace leaves the text, at once`, () => {
      expect(within2s(() => call("matches", input, "(a+)+$"))).toBe(false);
      expect(within2s(() => call("replace", input, "(a+)+$", "x"))).toBe(input);
      expect(within2s(() => call("replace", input, "(a+)+b$", "[$1]"))).toBe(`[${"a".repeat(n)}]`); // greedy: group 1 is the whole run, as Java
    });
  }
  it("a runaway back reference ends in EvaluationError REGEX_BUDGET, for matches and replace", () => {
    const input = "a".repeat(30) + "b";
    for (const [fn, args] of [
      ["matches", [input, "(a+)+\\1$"]],
      ["replace", [input, "(a+)+\\1$", "x"]],
    ] as const) {
      const t = performance.now();
      expect(() => getBuiltin(fn)!.fn([...args], steps(1_000_000)), fn).toThrow(expect.objectContaining({ name: "EvaluationError", code: "REGEX_BUDGET" }));
      expect(performance.now() - t).toBeLessThan(2000);
    }
  });
  it("back references and lookahead keep working within the budget (Java semantics)", () => {
    expect(call("matches", "hello", "(.)\\1")).toBe(true);
    expect(call("replace", "aa bb cd", "(\\w)\\1", "<$1>")).toBe("<a> <b> cd");
    expect(call("replace", "price: 10USD", "\\d+(?=USD)", "#")).toBe("price: #USD");
    expect(call("matches", "ab\n", "ab\\Z")).toBe(true);
  });
  it("ordinary patterns keep Java's answers on the linear engine", () => {
    expect(call("replace", "2024-05-06", "(\\d+)-(\\d+)-(\\d+)", "$3.$2.$1")).toBe("06.05.2024");
    expect(call("replace", "a.b.c", "\\.", "")).toBe("abc");
    expect(call("replace", "x\r\ny", ".", "_")).toBe("_\r\n_");
    expect(call("replace", "a \u00a0b", "\\s", "_")).toBe("a_\u00a0b");
    expect(call("matches", "line1\nline2", "(?m)^line2$")).toBe(true);
    expect(call("matches", "CamelCase", "^\\p{Upper}\\p{Lower}+\\p{Upper}")).toBe(true);
    expect(call("replace", "ab", "(?:(a)|b)+", "[$1]")).toBe("[a]"); // Java keeps a repeated group's last capture
  });
});

describe("PMML 4.4 formatNumber(input, pattern): printf as Java's String.format", () => {
  const fmt = (x: number, p: string) => call("formatNumber", x, p);
  it("spec-style examples", () => {
    expect(fmt(3.14159, "%.2f")).toBe("3.14");
    expect(fmt(3.14159, "%5.2f")).toBe(" 3.14");
    expect(fmt(42, "%d")).toBe("42");
    expect(fmt(42, "%5d")).toBe("   42");
    expect(fmt(42, "%-5d|")).toBe("42   |");
    expect(fmt(42, "%05d")).toBe("00042");
  });
  it("%f rounds HALF_UP on the shortest decimal digits (Java), not on the binary value (C)", () => {
    expect(fmt(0.125, "%.2f")).toBe("0.13");
    expect(fmt(0.15, "%.1f")).toBe("0.2");
    expect(fmt(2.5, "%.0f")).toBe("3");
    expect(fmt(9.995, "%.2f")).toBe("10.00");
    expect(fmt(0.001, "%.2f")).toBe("0.00");
    expect(fmt(0.005, "%.2f")).toBe("0.01");
  });
  it("default precision is 6; big values print all integer digits", () => {
    expect(fmt(1.5, "%f")).toBe("1.500000");
    expect(fmt(1e20, "%.1f")).toBe("100000000000000000000.0");
  });
  it("flags: + space ( , 0 -", () => {
    expect(fmt(5, "%+d")).toBe("+5");
    expect(fmt(5, "% d")).toBe(" 5");
    expect(fmt(-1234.5, "%(,.2f")).toBe("(1,234.50)");
    expect(fmt(1234567, "%,d")).toBe("1,234,567");
    expect(fmt(-3.14159, "%08.3f")).toBe("-003.142");
    expect(fmt(-42, "%05d")).toBe("-0042");
  });
  it("%e has two exponent digits at least", () => {
    expect(fmt(12.3456, "%e")).toBe("1.234560e+01");
    expect(fmt(12.3456, "%.2E")).toBe("1.23E+01");
    expect(fmt(9.9996, "%.3e")).toBe("1.000e+01");
    expect(fmt(1.5e-300, "%.1e")).toBe("1.5e-300");
    expect(fmt(0, "%.2e")).toBe("0.00e+00");
  });
  it("%g is Java's: keeps trailing zeros, scientific below 1e-4 or from 10^precision", () => {
    expect(fmt(1.5, "%g")).toBe("1.50000");
    expect(fmt(0.0001234, "%g")).toBe("0.000123400");
    expect(fmt(0.00001234, "%g")).toBe("1.23400e-05");
    expect(fmt(123456789, "%g")).toBe("1.23457e+08");
    expect(fmt(99.96, "%.3g")).toBe("100");
  });
  it("%x %X %o, with two's complement for negatives", () => {
    expect(fmt(255, "%x")).toBe("ff");
    expect(fmt(255, "%#X")).toBe("0XFF");
    expect(fmt(8, "%o")).toBe("10");
    expect(fmt(-1, "%x")).toBe("ffffffff");
  });
  it("%s prints the number as JPMML's asString", () => {
    expect(fmt(2.5, "%s")).toBe("2.5");
    expect(fmt(3, "%s")).toBe("3");
    expect(fmt(3, "[%4s]")).toBe("[   3]");
  });
  it("literal text, %% and %n", () => {
    expect(fmt(5, "Value: %d%%")).toBe("Value: 5%");
    expect(fmt(5, "no conversion")).toBe("no conversion");
    expect(fmt(5, "%d%n")).toBe("5\n");
  });
  it("non-finite values print as Java does", () => {
    expect(fmt(Infinity, "%.2f")).toBe("Infinity");
    expect(fmt(-Infinity, "%.2f")).toBe("-Infinity");
    expect(fmt(NaN, "%f")).toBe("NaN");
  });
  it("Java's strictness: %d of a fraction, unknown conversions and bad flags are errors", () => {
    expect(() => fmt(2.5, "%d")).toThrow(/non-integral/);
    expect(() => fmt(1, "%q")).toThrow(/unknown/);
    expect(() => fmt(1, "%-d")).toThrow(/width/);
    expect(() => fmt(1, "%.2d")).toThrow(/precision/);
    expect(() => fmt(1, "%2$d")).toThrow(/argument/);
    expect(() => fmt(1, "50%")).toThrow(/invalid format/);
  });
  it("argument index 1$ and '<' refer to the one argument", () => {
    expect(fmt(7, "%1$d-%<d")).toBe("7-7");
  });
});
