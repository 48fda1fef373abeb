import { type Block, type Code, type Json, lift } from "./code.ts";

/** The user function's name in the converted document (`u.` + this). */
const FROUND = "pmmlFloat";

const d = (x: number): Json => ({ double: x });

/**
 * A double rounded to the nearest single-precision float, ties to even (IEEE 754 binary32; Java's
 * `(float) x` and JS's Math.fround), written in PFA 0.8.1 arithmetic so that every PFA engine
 * computes it the same way: PFA has no float rounding of its own that engines agree on (Titus
 * keeps floats as Python doubles, and `cast.float` may answer the number unchanged).
 *
 * With a = |x| and 2^e ≤ a < 2^(e+1), the floats near a are spaced ulp = 2^(max(e, −126) − 23)
 * (subnormals below 2^−126); a / ulp and rint(a / ulp) × ulp are exact in doubles, so the only
 * rounding is m.rint's, half to even. From 2^128 − 2^103 (half-way past the largest float) the
 * result is infinite. NaN, ±0 and ±∞ are their own float.
 */
function froundFunction(): Json {
  const two = (e: Json): Json => ({ "**": [d(2), e] });
  return {
    params: [{ x: "double" }],
    ret: "double",
    do: [
      { let: { a: { "m.abs": "x" } } },
      {
        // a − a is 0 for a finite a, NaN for NaN and ±∞ (whether an engine orders NaN or not, it is no 0).
        if: { "||": [{ "==": ["a", d(0)] }, { "!=": [{ "-": ["a", "a"] }, d(0)] }] },
        then: "x",
        else: {
          do: [
            { let: { e0: { "m.floor": { "/": [{ "m.ln": "a" }, { "m.ln": d(2) }] } } } },
            // ln(a)/ln(2) is within one of log2(a): one step down, then one up, finds the exact e.
            { let: { e1: { if: { ">": [two("e0"), "a"] }, then: { "-": ["e0", d(1)] }, else: "e0" } } },
            { let: { e: { if: { "<=": [two({ "+": ["e1", d(1)] }), "a"] }, then: { "+": ["e1", d(1)] }, else: "e1" } } },
            { let: { ulp: two({ "-": [{ max: ["e", d(-126)] }, d(23)] }) } },
            {
              let: {
                r: {
                  if: { ">=": ["a", d(2 ** 128 - 2 ** 103)] },
                  // Infinity by overflow: no non-finite literal, which JSON cannot write.
                  then: { "*": ["a", d(1e308)] },
                  else: { "*": [{ "m.rint": { "/": ["a", "ulp"] } }, "ulp"] },
                },
              },
            },
            { if: { "<": ["x", d(0)] }, then: { "u-": "r" }, else: "r" },
          ],
        },
      },
    ],
  };
}

/**
 * A number as PMML's float dataType holds it (toDataType "float": Math.fround): the document's
 * float-rounding user function applied to a present value; missing stays missing.
 */
export function toSinglePrecision(value: Code, block: Block): Code {
  if (value.type !== "double") throw new Error(`single precision of a ${value.type}`);
  block.fcns[FROUND] ??= froundFunction();
  return lift(block, [value], ([x]) => ({ expr: { [`u.${FROUND}`]: [x.expr] }, type: "double", nullable: false }));
}
