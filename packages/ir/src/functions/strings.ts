import type { Value } from "../values.ts";
import { argumentError, asInteger, asNumber, asString } from "./arguments.ts";
import { compileJavaRegex, javaReplaceAll } from "./java-regex.ts";
import { formatNumber } from "./printf.ts";
import { registerBuiltins, type BuiltinFunction } from "./index.ts";

/**
 * PMML 4.4 "uppercase, lowercase, stringLength, substring, trimBlanks, concat, replace,
 * matches, formatNumber". Non-string arguments are converted as JPMML's asString does
 * (see javaNumberText: 3 → "3", 2.5 → "2.5", 1e7 → "1.0E7").
 */

/** Java String.trim(): strips every char <= U+0020 at both ends (controls too, but not NBSP). */
export function javaTrim(s: string): string {
  let start = 0,
    end = s.length;
  while (start < end && s.charCodeAt(start) <= 0x20) start++;
  while (end > start && s.charCodeAt(end - 1) <= 0x20) end--;
  return s.slice(start, end);
}

/**
 * "substring(input, startPos, length)": 1-based start. As JPMML: startPos < 1 or length < 0 is
 * an error; a range past the end is clipped.
 */
export function pmmlSubstring(s: string, start: number, length: number): string {
  if (start < 1) throw argumentError("substring", "startPos must be 1 or greater", start);
  if (length < 0) throw argumentError("substring", "length must not be negative", length);
  const from = Math.min(start - 1, s.length);
  return s.slice(from, from + Math.min(length, s.length - from));
}

function stringArg(fn: string, v: Value, what: string): string {
  if (typeof v !== "string") throw argumentError(fn, `${what} must be a string`, v);
  return v;
}

export const stringFunctions: BuiltinFunction[] = [
  { name: "uppercase", minArgs: 1, maxArgs: 1, resultType: "string", fn: (a) => asString(a[0]).toUpperCase() },
  { name: "lowercase", minArgs: 1, maxArgs: 1, resultType: "string", fn: (a) => asString(a[0]).toLowerCase() },
  // Java String.length(): UTF-16 code units, as JS .length.
  { name: "stringLength", minArgs: 1, maxArgs: 1, resultType: "integer", fn: (a) => asString(a[0]).length },
  {
    name: "substring",
    minArgs: 3,
    maxArgs: 3,
    resultType: "string",
    fn: (a) => pmmlSubstring(asString(a[0]), asInteger("substring", a[1]), asInteger("substring", a[2])),
  },
  { name: "trimBlanks", minArgs: 1, maxArgs: 1, resultType: "string", fn: (a) => javaTrim(asString(a[0])) },
  {
    // Missing arguments are skipped (JPMML); all missing gives "".
    name: "concat",
    minArgs: 2,
    maxArgs: Infinity,
    handlesMissing: true,
    resultType: "string",
    fn: (a) =>
      a
        .filter((v) => v !== null)
        .map(asString)
        .join(""),
  },
  {
    // "replace(input, pattern, replacement)": every match of the Java regex is replaced;
    // "$1" in the replacement inserts group 1.
    name: "replace",
    minArgs: 3,
    maxArgs: 3,
    resultType: "string",
    fn: (a, limits) => {
      const re = compileJavaRegex("replace", stringArg("replace", a[1], "pattern"));
      return javaReplaceAll("replace", asString(a[0]), re, asString(a[2]), limits?.regexSteps);
    },
  },
  {
    // "The string is considered to match the pattern if any substring matches the pattern."
    name: "matches",
    minArgs: 2,
    maxArgs: 2,
    resultType: "boolean",
    fn: (a, limits) => compileJavaRegex("matches", stringArg("matches", a[1], "pattern")).test(asString(a[0]), limits?.regexSteps),
  },
  {
    name: "formatNumber",
    minArgs: 2,
    maxArgs: 2,
    resultType: "string",
    fn: (a) => formatNumber("formatNumber", stringArg("formatNumber", a[1], "pattern"), asNumber("formatNumber", a[0])),
  },
];

registerBuiltins(stringFunctions);
