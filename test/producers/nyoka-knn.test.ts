/**
 * nyoka's KNeighborsRegressor / KNeighborsClassifier: NearestNeighborModel algorithmName="KNN"
 * threshold="0.001", TrainingInstances whose InlineTable columns are "y", "x1", "x2", … (mapped
 * by InstanceField column), KNNInput fieldWeight="1" without compareFunction, and the metric as
 * the ComparisonMeasure: minkowski with p-parameter, cityBlock (manhattan), chebychev,
 * squaredEuclidean, euclidean.
 */
import { describe, expect, it } from "vitest";
import { expectClose, nyokaPmml, scoreBoth } from "./both-backends.ts";

const train = [
  { y: 1.5, cls: "a", x: [0, 0] },
  { y: 2.5, cls: "a", x: [1, 0.5] },
  { y: 4, cls: "b", x: [0.2, 2] },
  { y: 9, cls: "b", x: [5, 5] },
  { y: 11, cls: "b", x: [4, 6.5] },
  { y: 5, cls: "a", x: [3, 1] },
];

function knnDocument(measure: string, classification: boolean, k: number): string {
  const target = classification
    ? `<DataField name="label" optype="categorical" dataType="string"><Value value="a"/><Value value="b"/></DataField>`
    : `<DataField name="label" optype="continuous" dataType="double"/>`;
  return nyokaPmml(`<DataDictionary numberOfFields="3">
        <DataField name="u1" optype="continuous" dataType="double"/>
        <DataField name="u2" optype="continuous" dataType="double"/>
        ${target}
    </DataDictionary>
    <NearestNeighborModel modelName="KNeighbors" functionName="${classification ? "classification" : "regression"}" algorithmName="KNN" numberOfNeighbors="${k}" threshold="0.001">
        <MiningSchema>
            <MiningField name="u1" usageType="active" optype="continuous"/>
            <MiningField name="u2" usageType="active" optype="continuous"/>
            <MiningField name="label" usageType="target" optype="${classification ? "categorical" : "continuous"}"/>
        </MiningSchema>
        <Output><OutputField name="predicted_label" optype="${classification ? "categorical" : "continuous"}" dataType="${classification ? "string" : "double"}" feature="predictedValue"/></Output>
        <TrainingInstances>
            <InstanceFields><InstanceField field="label" column="y"/><InstanceField field="u1" column="x1"/><InstanceField field="u2" column="x2"/></InstanceFields>
            <InlineTable>${train.map((t) => `<row><y>${classification ? t.cls : t.y}</y><x1>${t.x[0]}</x1><x2>${t.x[1]}</x2></row>`).join("\n")}</InlineTable>
        </TrainingInstances>
        <ComparisonMeasure kind="distance">${measure}</ComparisonMeasure>
        <KNNInputs><KNNInput field="u1" fieldWeight="1"/><KNNInput field="u2" fieldWeight="1"/></KNNInputs>
    </NearestNeighborModel>`);
}

const metrics: [string, string, (d: number[]) => number][] = [
  ["minkowski p=3", `<minkowski p-parameter="3"/>`, (d) => Math.cbrt(d.reduce((s, x) => s + Math.abs(x) ** 3, 0))],
  ["manhattan (cityBlock)", `<cityBlock/>`, (d) => d.reduce((s, x) => s + Math.abs(x), 0)],
  ["chebyshev (chebychev)", `<chebychev/>`, (d) => Math.max(...d.map(Math.abs))],
  ["sqeuclidean (squaredEuclidean)", `<squaredEuclidean/>`, (d) => d.reduce((s, x) => s + x * x, 0)],
];

const nearest = (q: number[], k: number, dist: (d: number[]) => number) =>
  train
    .map((t, i) => ({ t, i, d: dist([q[0] - t.x[0], q[1] - t.x[1]]) }))
    .sort((a, b) => a.d - b.d || a.i - b.i)
    .slice(0, k)
    .map((s) => s.t);

const queries = [
  [0.4, 0.3],
  [4.2, 5.1],
  [2.6, 1.4],
  [1.1, 1.9],
];

describe("nyoka KNeighbors", () => {
  for (const [name, xml, dist] of metrics) {
    it(`regressor, metric ${name}: the mean target of the k nearest training rows (columns y, x1, x2)`, () => {
      const got = scoreBoth(
        knnDocument(xml, false, 3),
        queries.map(([u1, u2]) => ({ u1, u2 })),
      );
      queries.forEach((q, i) => expectClose(got[i].predicted_label, nearest(q, 3, dist).reduce((s, t) => s + t.y, 0) / 3));
    });

    it(`classifier, metric ${name}: majority vote of the k nearest`, () => {
      const got = scoreBoth(
        knnDocument(xml, true, 3),
        queries.map(([u1, u2]) => ({ u1, u2 })),
      );
      queries.forEach((q, i) => {
        const votes = nearest(q, 3, dist).filter((t) => t.cls === "a").length;
        expect(got[i].predicted_label).toBe(votes >= 2 ? "a" : "b");
      });
    });
  }
});
