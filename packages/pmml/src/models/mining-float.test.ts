import { describe, expect, it } from "vitest";
import { parsePmml } from "../parse.ts";
import { pmmlDocument, scorer } from "../testing.ts";

const f = Math.fround;

const FIELDS = `
  <DataField name="x" optype="continuous" dataType="float"/>
  <DataField name="y" optype="continuous" dataType="float"/>
  <DataField name="k" optype="categorical" dataType="string"><Value value="no"/><Value value="yes"/></DataField>`;

// Leaves chosen so that float and double sums differ.
const LEAVES = [
  ["0.1", "0.7"],
  ["0.2", "-0.3"],
  ["0.30000001", "0.123456789"],
];

function trees(attr: string): string {
  return LEAVES.map(
    ([lo, hi], i) => `
    <Segment id="${i + 1}"><True/>
      <TreeModel functionName="regression" missingValueStrategy="defaultChild" noTrueChildStrategy="returnLastPrediction" splitCharacteristic="binarySplit" ${attr}>
        <MiningSchema><MiningField name="x"/></MiningSchema>
        <Node id="0"><True/>
          <Node id="1" score="${lo}"><SimplePredicate field="x" operator="lessThan" value="${i + 0.5}"/></Node>
          <Node id="2" score="${hi}"><True/></Node>
        </Node>
      </TreeModel>
    </Segment>`,
  ).join("");
}

/** The shape jpmml-xgboost writes for a regressor: a float sum of trees plus base_score. */
function regressor(attr: string): string {
  return pmmlDocument(
    FIELDS,
    `
    <MiningModel functionName="regression" ${attr}>
      <MiningSchema><MiningField name="x"/><MiningField name="y" usageType="target"/></MiningSchema>
      <Targets><Target field="y" rescaleConstant="0.5"/></Targets>
      <Segmentation multipleModelMethod="sum">${trees(attr)}</Segmentation>
    </MiningModel>`,
  );
}

/** A float sum in JPMML's order: leaves as floats, each addition rounded to float. */
function floatSum(xs: string[]): number {
  let s = 0;
  for (const x of xs) s = f(s + f(Number(x)));
  return s;
}

describe('mathContext="float" (PMML 4.4; x-mathContext before it)', () => {
  it("sums float tree scores in float and rescales in float, as JPMML's FloatValue", () => {
    const leaves = LEAVES.map(([lo, hi], i) => (1.7 < i + 0.5 ? lo : hi));
    const expected = f(floatSum(leaves) + f(0.5));
    for (const attr of ['mathContext="float"', 'x-mathContext="float"']) {
      const y = scorer(regressor(attr))({ x: 1.7 }).y as number;
      expect(y).toBe(expected);
    }
    // Double arithmetic gives another number: the float path is really taken.
    const double = scorer(regressor(""))({ x: 1.7 }).y as number;
    expect(double).not.toBe(expected);
    expect(double).toBeCloseTo(expected, 6);
  });

  it("the binary classifier chain: float sum, then a float RegressionModel with logit", () => {
    const attr = 'mathContext="float"';
    const score = scorer(
      pmmlDocument(
        FIELDS,
        `
      <MiningModel functionName="classification" ${attr}>
        <MiningSchema><MiningField name="x"/><MiningField name="k" usageType="target"/></MiningSchema>
        <Segmentation multipleModelMethod="modelChain">
          <Segment id="1"><True/>
            <MiningModel functionName="regression" ${attr}>
              <MiningSchema><MiningField name="x"/></MiningSchema>
              <Output><OutputField name="xgbValue" optype="continuous" dataType="float" isFinalResult="false"/></Output>
              <Segmentation multipleModelMethod="sum">${trees(attr)}</Segmentation>
            </MiningModel>
          </Segment>
          <Segment id="2"><True/>
            <RegressionModel functionName="classification" normalizationMethod="logit" ${attr}>
              <MiningSchema><MiningField name="xgbValue"/><MiningField name="k" usageType="target"/></MiningSchema>
              <Output>
                <OutputField name="probability(no)" optype="continuous" dataType="float" feature="probability" value="no"/>
                <OutputField name="probability(yes)" optype="continuous" dataType="float" feature="probability" value="yes"/>
              </Output>
              <RegressionTable intercept="0.0" targetCategory="yes"><NumericPredictor name="xgbValue" coefficient="1.0"/></RegressionTable>
              <RegressionTable intercept="0.0" targetCategory="no"/>
            </RegressionModel>
          </Segment>
        </Segmentation>
      </MiningModel>`,
      ),
    );
    const value = floatSum(LEAVES.map(([lo, hi], i) => (0.2 < i + 0.5 ? lo : hi)));
    const pYes = f(1 / f(1 + f(Math.exp(-value))));
    const r = score({ x: 0.2 });
    expect(r["probability(yes)"]).toBe(pYes);
    expect(r["probability(no)"]).toBe(f(1 - pYes));
    expect(r.k).toBe(pYes > 0.5 ? "yes" : "no");
  });

  it("rejects a mathContext other than float or double", () => {
    expect(() => parsePmml(regressor('mathContext="half"'))).toThrow(/mathContext/);
  });
});
