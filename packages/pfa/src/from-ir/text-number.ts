import { type Block, type Code, type Json, cannotConvert, lift } from "./code.ts";

/**
 * A value read as a number the way the interpreter's toNumber reads it (JPMML's
 * FieldValue.asNumber for a covariate): a number as is, a boolean as 1 or 0, text parsed as
 * PMML number text (the IR's parseNumber) after trimming, text that is no number NaN.
 */

/** What JS's String.prototype.trim removes (WhiteSpace and LineTerminator, ECMA-262 §22.1.3.32). */
export const JS_TRIMMED = "\t\n\v\f\r \u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000\ufeff";

/** The IR's NUMBER_RE, in the plain syntax every PFA engine's regular expressions read. */
const DECIMAL = "^[+-]?([0-9]+[.]?[0-9]*|[.][0-9]+)([eE][+-]?[0-9]+)?$";

/** parseNumber's named values: exact spellings, no case folding. */
const NAMED: ReadonlyArray<[string[], number]> = [
  [["NaN"], Number.NaN],
  [["INF", "Infinity", "+INF", "+Infinity"], Number.POSITIVE_INFINITY],
  [["-INF", "-Infinity"], Number.NEGATIVE_INFINITY],
];

/**
 * A non-finite double by arithmetic (an overflowing product, ∞ − ∞), not a literal: JSON has
 * no such number, and a tagged "nan" string is not every PFA reader's literal.
 */
function double(x: number): Json {
  const inf: Json = { "*": [{ double: 1e308 }, { double: 10 }] };
  if (Number.isNaN(x)) return { "-": [inf, inf] };
  return x > 0 ? inf : { "u-": inf };
}

export function numberOf(value: Code, block: Block, what: string, path?: string): Code {
  switch (value.type) {
    case "double":
      return value;
    case "int":
      return lift(block, [value], ([x]) => ({ expr: { upcast: x.expr, as: "double" }, type: "double", nullable: false }));
    case "boolean":
      return lift(block, [value], ([x]) => ({ expr: { if: x.expr, then: { double: 1 }, else: { double: 0 } }, type: "double", nullable: false }));
    case "string":
      return lift(block, [value], ([x]) => ({ expr: textNumber(x.expr, block), type: "double", nullable: false }));
    default: {
      const never: never = value.type;
      return cannotConvert(what, `a ${String(never)} is no number`, path);
    }
  }
}

/**
 * Trimmed text matching PMML's decimal grammar is parsed by parse.double, whose grammar is wider
 * (any case, "inf", "nan"), so only text the IR would parse reaches it and the double is the
 * correctly rounded one in every engine; the named values are compared as written.
 */
function textNumber(x: Json, block: Block): Json {
  const t = block.fresh("text");
  let chain: Json = double(Number.NaN);
  for (let i = NAMED.length - 1; i >= 0; i--) {
    const [spellings, v] = NAMED[i];
    const test = spellings.map((s): Json => ({ "==": [t, { string: s }] })).reduce((a, b) => ({ "||": [a, b] }));
    chain = { if: test, then: double(v), else: chain };
  }
  return {
    do: [
      { let: { [t]: { "s.strip": [x, { string: JS_TRIMMED }] } } },
      { if: { "re.contains": [t, { string: DECIMAL }] }, then: { "parse.double": t }, else: chain },
    ],
  };
}
