import { describe, expect, it } from "vitest";
import { doc, expectOnnxAgrees, onnxRefusal } from "../agreement.test-helper.ts";

const FIELDS = `<DataField name="x" optype="continuous" dataType="double"/><DataField name="y" optype="continuous" dataType="double"/><DataField name="c" optype="categorical" dataType="string"><Value value="u"/><Value value="v"/></DataField>`;
const ROWS = [
  { x: 0, y: 0 },
  { x: 1, y: 2 },
  { x: -3.5, y: 7.25 },
  { x: 5, y: 5 },
  { x: null, y: 1 },
  { x: 2, y: null },
  { x: null, y: null },
  { x: 2.5, y: 2.5 },
  { x: 1e-300, y: -1e300 },
];

function kmeans(measure: string, fields = `<ClusteringField field="x" fieldWeight="0.5"/><ClusteringField field="y"/>`, extra = ""): string {
  return doc(
    FIELDS,
    `<ClusteringModel functionName="clustering" modelClass="centerBased" numberOfClusters="3">
    <MiningSchema><MiningField name="x"/><MiningField name="y"/><MiningField name="c"/></MiningSchema>
    <Output><OutputField name="id" feature="predictedValue" dataType="string"/><OutputField name="name" feature="predictedDisplayValue" dataType="string"/>
      <OutputField name="entity" feature="entityId" dataType="string"/><OutputField name="a2" feature="affinity" value="2" dataType="double"/>
      <OutputField name="rank2" feature="entityId" rank="2" dataType="string"/></Output>
    <ComparisonMeasure kind="distance">${measure}</ComparisonMeasure>
    ${fields}${extra}
    <Cluster id="1" name="origin"><Array n="2" type="real">0 0</Array></Cluster>
    <Cluster id="2"><Array n="2" type="real">5 5</Array></Cluster>
    <Cluster id="3" name="twin of 2"><Array n="2" type="real">5 5</Array></Cluster>
  </ClusteringModel>`,
  );
}

describe("onnx ClusteringModel (PMML 4.4 §ClusteringModel): distances in the graph, the winner by the interpreter's rule", () => {
  for (const m of ["<euclidean/>", "<squaredEuclidean/>", "<cityBlock/>", `<minkowski p-parameter="3"/>`]) {
    it(`${m}: field weights, missing inputs adjust the distance, all missing keeps the first cluster, ties keep the first`, async () => {
      const results = await expectOnnxAgrees(kmeans(m), ROWS);
      // Equidistant from the origin and the twin centers: the first cluster in document order.
      expect(results[7]?.id).toBe("1");
    });
  }
  it("§MissingValueWeights scale the adjustment", async () => {
    await expectOnnxAgrees(kmeans("<squaredEuclidean/>", undefined, `<MissingValueWeights><Array n="2" type="real">2 0.5</Array></MissingValueWeights>`), ROWS);
  });
  it("refuses what it does not reproduce, naming it", async () => {
    expect(await onnxRefusal(kmeans("<chebychev/>"))).toMatch(/chebychev/);
    expect(
      await onnxRefusal(kmeans("<euclidean/>", `<ClusteringField field="x" compareFunction="gaussSim" similarityScale="2"/><ClusteringField field="y"/>`)),
    ).toMatch(/ClusteringField field="x" compareFunction="gaussSim"/);
    expect(
      await onnxRefusal(
        kmeans("<euclidean/>", `<ClusteringField field="x"/><ClusteringField field="c"/>`)
          .replace(`type="real">0 0`, `type="string">0 u`)
          .replace(/type="real">5 5/g, `type="string">5 v`),
      ),
    ).toMatch(/ClusteringField field="c"/);
    expect(await onnxRefusal(kmeans(`<jaccard/>`).replace(`kind="distance"`, `kind="similarity"`))).toMatch(/ComparisonMeasure kind="similarity"/);
  });
});
