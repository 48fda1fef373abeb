import { describe, expect, it } from "vitest";
import { numberColumn, rowsFromBatch, type Batch } from "@porta/backend";
import { parsePmml } from "@porta/pmml";
import { pmmlModel } from "@porta/runtime";
import { pmml } from "../packages/compile-js/src/families/same-answers.test-helper.ts";

/** y = 2x + 1 with the MiningField treatment `mining` on x. */
function linear(mining: string): string {
  return pmml(
    `<DataField name="x" optype="continuous" dataType="double"/><DataField name="y" optype="continuous" dataType="double"/>`,
    `<RegressionModel functionName="regression"><MiningSchema><MiningField name="x"${mining}/><MiningField name="y" usageType="target"/></MiningSchema>
<RegressionTable intercept="1"><NumericPredictor name="x" coefficient="2"/></RegressionTable></RegressionModel>`,
  );
}

function scored(text: string, backend: "js" | "interp", batch: Batch) {
  const out = pmmlModel(parsePmml(text), backend).scoreColumns(batch);
  return { rows: rowsFromBatch(out), errors: Array.from({ length: batch.length }, (_, i) => (out.errors[i] as { code?: string } | undefined)?.code ?? null) };
}

// compile-js's encodeBatch hands a plain double column to the kernel as the batch's own array where that is
// already its encoding: NaN must still mean what the interpreter makes of a missing value.
describe("scoreColumns on number columns with NaN gives the interpreter's answers (§MiningField missing and invalid values)", () => {
  const values = Float64Array.from([0.5, NaN, -3, NaN, 7]);
  const cases: [string, string][] = [
    ["no treatment: NaN is missing", ""],
    ["missingValueReplacement", ` missingValueReplacement="4"`],
    ["missingValueTreatment returnInvalid", ` missingValueTreatment="returnInvalid"`],
    ["invalidValueTreatment asMissing", ` invalidValueTreatment="asMissing"`],
  ];
  for (const [name, mining] of cases) {
    it(`${name}, without and with a missing mask (a NaN the mask calls present is invalid)`, () => {
      const text = linear(mining);
      for (const missing of [undefined, Uint8Array.from([0, 1, 0, 0, 0])]) {
        const batch: Batch = { length: values.length, columns: new Map([["x", numberColumn(values, missing)]]) };
        expect(scored(text, "js", batch)).toEqual(scored(text, "interp", batch));
      }
    });
  }
});
