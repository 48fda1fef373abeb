import { UnsupportedFeatureError } from "@porta/ir";
import { parsePmml } from "@porta/pmml";
import { describe, expect, it } from "vitest";
import { pmmlToPfa } from "./index.ts";
import { converted, pmml } from "./score.test-helper.ts";

/** A logistic regression over x predicting `k` (values 1, 0 of `dataType`), with `targets` and outputs. */
function logistic(dataType: string, targets: string, values = ""): string {
  return pmml(
    `<DataField name="x" optype="continuous" dataType="double"/><DataField name="k" optype="categorical" dataType="${dataType}">${values}</DataField>`,
    `<RegressionModel functionName="classification" normalizationMethod="logit">
      <MiningSchema><MiningField name="x"/><MiningField name="k" usageType="target"/></MiningSchema>
      <Output>
        <OutputField name="I_k" feature="predictedValue" dataType="string"/>
        <OutputField name="U_k" feature="predictedDisplayValue" dataType="string"/>
        <OutputField name="P1" feature="probability" value="1"/>
        <OutputField name="P0" feature="probability" value="0"/>
      </Output>
      ${targets}
      <RegressionTable intercept="-1" targetCategory="1"><NumericPredictor name="x" coefficient="2"/></RegressionTable>
      <RegressionTable intercept="0" targetCategory="0"/>
    </RegressionModel>`,
  );
}

const rows = [{ x: 0.1 }, { x: 2 }, { x: null }];

describe("a classification's TargetValues → PFA (PMML 4.4 §Targets)", () => {
  it("a missing prediction takes the priors (over their sum) and their first most probable category", () => {
    const m = converted(
      logistic(
        "double",
        `<Targets><Target field="k" optype="categorical"><TargetValue value="1" displayValue="yes" priorProbability="0.6"/><TargetValue value="0" displayValue="no" priorProbability="0.6"/></Target></Targets>`,
      ),
    );
    for (const row of rows) expect(m.score(row), JSON.stringify(row)).toEqual(m.reference(row));
    expect(m.score({ x: null })).toEqual({ k: 1, I_k: "1", U_k: "yes", P1: 0.5, P0: 0.5 });
    expect(m.score({ x: 0.1 })).toMatchObject({ k: 0, I_k: "0", U_k: "no" });
  });

  it("labels the prediction with the DataField Value's displayValue where no TargetValue does", () => {
    const m = converted(logistic("string", "", `<Value value="1" displayValue="one"/><Value value="0"/>`));
    for (const row of rows) expect(m.score(row), JSON.stringify(row)).toEqual(m.reference(row));
    expect(m.score({ x: 2 }).U_k).toBe("one");
    expect(m.score({ x: 0.1 }).U_k).toBe("0");
  });

  it("TargetValues without priors fail a missing prediction, as the interpreter does, and leave others alone", () => {
    const m = converted(logistic("string", `<Targets><Target field="k"><TargetValue value="1" displayValue="one"/></Target></Targets>`));
    expect(m.score({ x: 2 })).toEqual(m.reference({ x: 2 }));
    expect(() => m.reference({ x: null })).toThrow(/priorProbability/);
    expect(() => m.score({ x: null })).toThrow(/priorProbability/);
  });

  it("refuses priors over other categories than the model's", () => {
    const text = logistic(
      "string",
      `<Targets><Target field="k"><TargetValue value="1" priorProbability="0.5"/><TargetValue value="2" priorProbability="0.5"/></Target></Targets>`,
    );
    expect(() => pmmlToPfa(parsePmml(text))).toThrow(UnsupportedFeatureError);
    expect(() => pmmlToPfa(parsePmml(text))).toThrow(/TargetValue@priorProbability: priors over other categories/);
  });

  it("a numeric prediction labelled for some values only refuses predictedDisplayValue, not the model without it", () => {
    const partial = `<Value value="1" displayValue="one"/><Value value="0"/>`;
    const text = logistic("double", "", partial);
    expect(() => pmmlToPfa(parsePmml(text))).toThrow(/OutputField\[@feature=predictedDisplayValue\]: a numeric prediction without a label/);
    const m = converted(text.replace(/<OutputField name="U_k"[^>]*\/>/, ""));
    for (const row of rows) expect(m.score(row), JSON.stringify(row)).toEqual(m.reference(row));
  });
});
