import { describe, expect, it } from "vitest";
import { converted, pmml } from "../score.test-helper.ts";

const tree = (split: number, low: number, high: number) => `<Segment><True/><TreeModel functionName="regression">
  <MiningSchema><MiningField name="a"/></MiningSchema>
  <Node score="0"><True/><Node score="${low}"><SimplePredicate field="a" operator="lessThan" value="${split}"/></Node><Node score="${high}"><True/></Node></Node>
</TreeModel></Segment>`;

const forest = (algorithm: string, extra: string) =>
  pmml(
    `<DataField name="a" optype="continuous" dataType="double"/>`,
    `<AnomalyDetectionModel functionName="regression" algorithmType="${algorithm}" ${extra}>
      <MiningSchema><MiningField name="a"/></MiningSchema>
      <Output><OutputField name="score" feature="predictedValue" dataType="double"/><OutputField name="outlier" feature="transformedValue" dataType="boolean"><Apply function="greaterThan"><FieldRef field="score"/><Constant dataType="double">0.5</Constant></Apply></OutputField></Output>
      <MiningModel functionName="regression"><MiningSchema><MiningField name="a"/></MiningSchema>
        <Segmentation multipleModelMethod="average">${tree(1, 2, 5)}${tree(3, 1.5, 4.25)}</Segmentation>
      </MiningModel>
    </AnomalyDetectionModel>`,
  );

describe("AnomalyDetectionModel → PFA (PMML 4.4 §AnomalyDetectionModel)", () => {
  it("iforest: 2^(−E(h)/c(sampleDataSize)) of the forest's mean path length, as the interpreter; a missing input a missing score", () => {
    const m = converted(forest("iforest", `sampleDataSize="256"`));
    for (const row of [{ a: 0 }, { a: 2 }, { a: 7 }, { a: null }]) expect(m.score(row), JSON.stringify(row)).toEqual(m.reference(row));
    expect(m.score({ a: 0 }).score).toBeGreaterThan(0.5);
  });

  it("other: the embedded model's value is the score", () => {
    const m = converted(forest("other", ""));
    expect(m.score({ a: 2 })).toEqual(m.reference({ a: 2 }));
    expect(m.score({ a: 2 }).score).toBe((5 + 1.5) / 2);
  });
});
