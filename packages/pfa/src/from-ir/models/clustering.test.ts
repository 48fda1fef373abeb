import { describe, expect, it } from "vitest";
import { converted, pmml } from "../score.test-helper.ts";

const model = (measure: string, weights = "") =>
  pmml(
    `<DataField name="a" optype="continuous" dataType="double"/><DataField name="b" optype="continuous" dataType="double"/>`,
    `<ClusteringModel functionName="clustering" modelClass="centerBased" numberOfClusters="2">
      <MiningSchema><MiningField name="a"/><MiningField name="b"/></MiningSchema>
      <Output><OutputField name="cluster" feature="predictedValue"/><OutputField name="name" feature="predictedDisplayValue"/><OutputField name="d1" feature="clusterAffinity" value="1"/></Output>
      <ComparisonMeasure kind="distance">${measure}</ComparisonMeasure>
      <ClusteringField field="a" compareFunction="absDiff"/><ClusteringField field="b" compareFunction="absDiff" fieldWeight="2"/>
      ${weights}
      <Cluster name="low"><Array n="2" type="real">0 0</Array></Cluster><Cluster><Array n="2" type="real">3 1</Array></Cluster>
    </ClusteringModel>`,
  );

describe("ClusteringModel → PFA (PMML 4.4 §ClusteringModel)", () => {
  it("the nearest center wins; affinities are the distances; an unnamed cluster has no display value", () => {
    const m = converted(model("<squaredEuclidean/>"));
    expect(m.score({ a: 1, b: 0.5 })).toEqual({ cluster: "1", name: "low", d1: 1 + 2 * 0.25 });
    expect(m.score({ a: 2.5, b: 1 })).toEqual({ cluster: "2", name: null, d1: 6.25 + 2 });
  });

  it("skips a missing field and scales by the MissingValueWeights adjustment, as the interpreter", () => {
    for (const measure of ["<euclidean/>", "<squaredEuclidean/>", "<cityBlock/>"]) {
      const m = converted(model(measure, `<MissingValueWeights><Array n="2" type="real">1 3</Array></MissingValueWeights>`));
      for (const row of [
        { a: 1, b: null },
        { a: null, b: 0.9 },
        { a: 2, b: 2 },
      ])
        expect(m.score(row), measure).toEqual(m.reference(row));
    }
  });
});
