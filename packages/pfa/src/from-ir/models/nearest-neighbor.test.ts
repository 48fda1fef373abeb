import { describe, expect, it } from "vitest";
import { converted, pmml } from "../score.test-helper.ts";

const FIELDS = `<DataField name="a" optype="continuous" dataType="double"/><DataField name="b" optype="continuous" dataType="double"/>`;
/** Training points on a line; the first two are at the same distance from (1.5, 0), as are the last two from (4.5, 0). */
const ROWS = [
  [0, 0, "x", 1],
  [3, 0, "y", 2],
  [1, 0, "y", 3],
  [4, 0, "x", 4],
  [5, 0, "z", 5],
] as const;
const knn = (fn: string, k: number, method: string, extra = "") =>
  pmml(
    `${FIELDS}<DataField name="t" optype="${fn === "regression" ? "continuous" : "categorical"}" dataType="${fn === "regression" ? "double" : "string"}"/>`,
    `<NearestNeighborModel functionName="${fn}" numberOfNeighbors="${k}" ${method} ${extra}>
      <MiningSchema><MiningField name="a"/><MiningField name="b"/><MiningField name="t" usageType="target"/></MiningSchema>
      <Output><OutputField name="id" feature="entityId"/></Output>
      <TrainingInstances><InstanceFields><InstanceField field="a" column="ca"/><InstanceField field="b" column="cb"/><InstanceField field="t" column="ct"/></InstanceFields>
      <InlineTable>${ROWS.map(([a, b, c, y]) => `<row><ca>${a}</ca><cb>${b}</cb><ct>${fn === "regression" ? y : c}</ct></row>`).join("")}</InlineTable></TrainingInstances>
      <ComparisonMeasure kind="distance"><euclidean/></ComparisonMeasure>
      <KNNInputs><KNNInput field="a"/><KNNInput field="b" fieldWeight="2"/></KNNInputs>
    </NearestNeighborModel>`,
  );
const rows = [
  { a: 1.5, b: 0 },
  { a: 4.5, b: 0.2 },
  { a: 2, b: null },
  { a: -3, b: 1 },
  { a: 3.5, b: -1 },
];

describe("NearestNeighborModel → PFA (PMML 4.4 §NearestNeighborModel)", () => {
  for (const [k, method] of [
    [3, `continuousScoringMethod="average"`],
    [4, `continuousScoringMethod="median"`],
    [2, `continuousScoringMethod="weightedAverage" threshold="0.5"`],
  ] as const) {
    it(`regression, ${method}, k=${k}: as the interpreter, equal distances in row order, a missing input skipped`, () => {
      const m = converted(knn("regression", k, method));
      for (const row of rows) expect(m.score(row), JSON.stringify(row)).toEqual(m.reference(row));
    });
  }

  for (const method of ["majorityVote", "weightedMajorityVote"]) {
    it(`classification, ${method}: ties go to the most frequent training category, then the smallest`, () => {
      for (const k of [1, 2, 4]) {
        const m = converted(knn("classification", k, `categoricalScoringMethod="${method}"`));
        for (const row of rows) expect(m.score(row), `k=${k} ${JSON.stringify(row)}`).toEqual(m.reference(row));
      }
    });
  }
});
