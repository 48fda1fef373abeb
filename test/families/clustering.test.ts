import { it } from "vitest";
import { pmml, xyFields, xyRows } from "../../packages/compile-js/src/families/same-answers.test-helper.ts";
import { describeEachBackend } from "../each-backend.ts";

function clustering(measure: string, fields: string, extra = ""): string {
  return pmml(
    xyFields,
    `<ClusteringModel functionName="clustering" modelClass="centerBased" numberOfClusters="3">
  <MiningSchema><MiningField name="x"/><MiningField name="y"/></MiningSchema>
  <Output><OutputField name="c" feature="predictedValue" dataType="string"/><OutputField name="d" feature="predictedDisplayValue" dataType="string"/></Output>
  <ComparisonMeasure kind="distance">${measure}</ComparisonMeasure>
  ${fields}${extra}
  <Cluster id="1" name="origin"><Array n="2" type="real">0 0</Array></Cluster>
  <Cluster id="2"><Array n="2" type="real">5 5</Array></Cluster>
  <Cluster id="3" name="twin of 2"><Array n="2" type="real">5 5</Array></Cluster>
</ClusteringModel>`,
  );
}

describeEachBackend("ClusteringModel gives the interpreter's answers", (backend) => {
  for (const m of ["<euclidean/>", "<squaredEuclidean/>", "<cityBlock/>", "<chebychev/>", `<minkowski p-parameter="3"/>`]) {
    it(`§Distance ${m}: missing inputs adjust the distance, all missing is an error, ties keep the first cluster`, async () => {
      await backend.expectSameAnswers(clustering(m, `<ClusteringField field="x" fieldWeight="0.5"/><ClusteringField field="y"/>`), xyRows);
    });
  }
  it("§MissingValueWeights and gaussSim/delta compare functions", async () => {
    await backend.expectSameAnswers(
      clustering(
        "<squaredEuclidean/>",
        `<ClusteringField field="x" compareFunction="gaussSim" similarityScale="2"/><ClusteringField field="y" compareFunction="delta"/>`,
        `<MissingValueWeights><Array n="2" type="real">2 0.5</Array></MissingValueWeights>`,
      ),
      xyRows,
    );
  });
});
