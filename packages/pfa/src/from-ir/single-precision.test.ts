import { describe, expect, it } from "vitest";
import { parsePfa } from "../document.ts";
import { compilePfa } from "../engine.ts";
import { Block } from "./code.ts";
import { converted, pmml } from "./score.test-helper.ts";
import { toSinglePrecision } from "./single-precision.ts";

/** The generated float rounding as a one-function PFA document, run by Porta's PFA engine. */
function froundEngine(): (x: number) => number {
  const block = new Block();
  const code = toSinglePrecision({ expr: "input", type: "double", nullable: false }, block);
  const engine = compilePfa(parsePfa(JSON.stringify({ input: "double", output: "double", action: [code.expr], fcns: block.fcns })));
  engine.begin();
  return (x) => engine.action(x) as number;
}

describe("single precision in PFA (PMML dataType float: IEEE 754 binary32, ties to even)", () => {
  it("rounds as Math.fround: normals, ties, subnormals, the overflow threshold, zeros, infinities, NaN", () => {
    const fround = froundEngine();
    const maxFloat = 2 ** 128 - 2 ** 104;
    const specials = [
      0.1,
      -0.1,
      1 / 3,
      1,
      2,
      0.5,
      1 + 2 ** -24,
      1 + 3 * 2 ** -24,
      1 + 2 ** -24 + 2 ** -50,
      2 ** 24 + 1,
      2 ** 24 + 3,
      16777217.5,
      2 ** -126,
      2 ** -127 + 2 ** -150,
      2 ** -149,
      2 ** -150,
      2 ** -150 + 2 ** -170,
      3 * 2 ** -151,
      1e-50,
      5e-324,
      maxFloat,
      maxFloat + 2 ** 102,
      2 ** 128 - 2 ** 103,
      1e39,
      Number.MAX_VALUE,
      123456789.123,
      -987654.321e20,
    ];
    for (const x of [...specials, ...specials.map((v) => -v)]) expect(Object.is(fround(x), Math.fround(x)), String(x)).toBe(true);
    for (const x of [0, -0, Infinity, -Infinity, Number.NaN]) expect(Object.is(fround(x), Math.fround(x)), String(x)).toBe(true);
    // Values spread over every binary exponent a double has.
    let seed = 7;
    for (let i = 0; i < 3000; i++) {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      const x = (seed / 2 ** 31 - 0.5) * 2 ** ((i % 600) - 300);
      expect(fround(x), String(x)).toBe(Math.fround(x));
    }
  });

  it("an OutputField and a DerivedField of dataType float hold their value rounded to float (PMML 4.4 §DataType)", () => {
    const m = converted(
      pmml(
        `<DataField name="x" optype="continuous" dataType="double"/><DataField name="y" optype="continuous" dataType="double"/>`,
        `<RegressionModel functionName="regression">
          <MiningSchema><MiningField name="x"/><MiningField name="y" usageType="target"/></MiningSchema>
          <Output><OutputField name="yf" feature="predictedValue" dataType="float"/></Output>
          <RegressionTable intercept="0.1"><NumericPredictor name="xf" coefficient="1"/></RegressionTable>
        </RegressionModel>`,
        `<DerivedField name="xf" optype="continuous" dataType="float"><Apply function="*"><FieldRef field="x"/><Constant>3</Constant></Apply></DerivedField>`,
      ),
    );
    for (const x of [0.1, 1 / 7, -2.5e10, null]) {
      const want = x === null ? null : Math.fround(x * 3) + 0.1;
      expect(m.score({ x }), String(x)).toEqual({ y: want, yf: want === null ? null : Math.fround(want) });
      expect(m.score({ x })).toEqual(m.reference({ x }));
    }
  });
});
