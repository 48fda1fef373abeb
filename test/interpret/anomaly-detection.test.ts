import { describe, expect, it } from "vitest";
import { parsePmml } from "@porta/pmml";
import { SchemaError, interpret } from "@porta/ir";
import { averagePathLength } from "../../packages/ir/src/interpret/anomaly-detection.ts";

const fields = `
    <DataField name="x" optype="continuous" dataType="double"/>
    <DataField name="y" optype="continuous" dataType="double"/>`;

const output = `
    <Output>
      <OutputField name="anomalyScore" feature="predictedValue" dataType="double" optype="continuous"/>
      <OutputField name="anomaly" feature="decision" dataType="boolean" optype="categorical">
        <Apply function="greaterOrEqual"><FieldRef field="anomalyScore"/><Constant dataType="double">0.75</Constant></Apply>
      </OutputField>
    </Output>`;

function doc(attrs: string, body: string, extra = ""): string {
  return `<PMML version="4.4" xmlns="http://www.dmg.org/PMML-4_4">
  <Header/>
  <DataDictionary>${fields}</DataDictionary>
  <AnomalyDetectionModel functionName="regression" ${attrs}>
    <MiningSchema><MiningField name="x"/><MiningField name="y"/></MiningSchema>
    ${output}
    ${body}
    ${extra}
  </AnomalyDetectionModel>
</PMML>`;
}

/** A path-length tree: leaves score depth + c(size) as isolation-forest exporters write them. */
function tree(split: number, leftScore: number, rightScore: number, field = "x"): string {
  return `<TreeModel functionName="regression" missingValueStrategy="nullPrediction">
        <MiningSchema><MiningField name="x"/><MiningField name="y"/></MiningSchema>
        <Node><True/>
          <Node score="${leftScore}"><SimplePredicate field="${field}" operator="lessThan" value="${split}"/></Node>
          <Node score="${rightScore}"><SimplePredicate field="${field}" operator="greaterOrEqual" value="${split}"/></Node>
        </Node>
      </TreeModel>`;
}

const forest = `<MiningModel functionName="regression">
      <MiningSchema><MiningField name="x"/><MiningField name="y"/></MiningSchema>
      <Segmentation multipleModelMethod="average">
        <Segment id="1"><True/>${tree(5, 1, 1 + averagePathLength(20))}</Segment>
        <Segment id="2"><True/>${tree(3, 1 + averagePathLength(5), 1, "y")}</Segment>
      </Segmentation>
    </MiningModel>`;

describe("AnomalyDetectionModel (PMML 4.4 §AnomalyDetectionModel)", () => {
  it("c(n) = 2H(n-1) - 2(n-1)/n with H(i) ≈ ln(i) + γ; c(2) = 1, c(1) = 0", () => {
    expect(averagePathLength(256)).toBeCloseTo(2 * (Math.log(255) + 0.5772156649) - (2 * 255) / 256, 9);
    expect(averagePathLength(2)).toBe(1);
    expect(averagePathLength(1)).toBe(0);
  });

  it("iforest: score = 2^(-E(h(x)) / c(sampleDataSize)), E(h(x)) the forest's mean path length", () => {
    const p = parsePmml(doc(`algorithmType="iforest" sampleDataSize="256"`, forest));
    const cn = averagePathLength(256);
    // x = 1 isolates at depth 1 in tree 1; y = 9 at depth 1 in tree 2.
    const short = interpret(p, { x: 1, y: 9 });
    expect(short.anomalyScore).toBeCloseTo(Math.pow(2, -1 / cn), 12);
    expect(short.anomaly).toBe(true);
    const deep = interpret(p, { x: 9, y: 1 });
    const e = (1 + averagePathLength(20) + 1 + averagePathLength(5)) / 2;
    expect(deep.anomalyScore).toBeCloseTo(Math.pow(2, -e / cn), 12);
    expect(deep.anomaly).toBe(false);
  });

  it("iforest: a missing input the trees cannot route gives a missing score (and decision)", () => {
    const p = parsePmml(doc(`algorithmType="iforest" sampleDataSize="256"`, forest));
    const r = interpret(p, { x: null, y: 9 });
    expect(r.anomalyScore).toBeNull();
  });

  it("iforest: the sample size may come from ParameterList/Parameter training_data_count (R pmml before 4.4)", () => {
    const p = parsePmml(
      doc(`algorithmType="iforest"`, forest, "").replace(
        "<MiningModel",
        `<ParameterList><Parameter name="training_data_count" value="30"/></ParameterList><MiningModel`,
      ),
    );
    expect(interpret(p, { x: 1, y: 9 }).anomalyScore).toBeCloseTo(Math.pow(2, -1 / averagePathLength(30)), 12);
  });

  it("iforest without sampleDataSize is a schema error", () => {
    expect(() => parsePmml(doc(`algorithmType="iforest"`, forest))).toThrow(SchemaError);
  });

  it("ocsvm: the score is the one-class SVM's decision value", () => {
    const svm = `<SupportVectorMachineModel functionName="regression">
      <MiningSchema><MiningField name="x"/><MiningField name="y"/></MiningSchema>
      <LinearKernelType/>
      <VectorDictionary numberOfVectors="1">
        <VectorFields numberOfFields="2"><FieldRef field="x"/><FieldRef field="y"/></VectorFields>
        <VectorInstance id="v1"><Array n="2" type="real">1 2</Array></VectorInstance>
      </VectorDictionary>
      <SupportVectorMachine>
        <SupportVectors numberOfSupportVectors="1" numberOfAttributes="2"><SupportVector vectorId="v1"/></SupportVectors>
        <Coefficients numberOfCoefficients="1" absoluteValue="-0.5"><Coefficient value="0.25"/></Coefficients>
      </SupportVectorMachine>
    </SupportVectorMachineModel>`;
    const p = parsePmml(doc(`algorithmType="ocsvm"`, svm));
    expect(interpret(p, { x: 2, y: 3 }).anomalyScore).toBeCloseTo(0.25 * (2 + 6) - 0.5, 12);
  });

  it("clusterMeanDist: distance to the winning center divided by that cluster's mean distance", () => {
    const clustering = `<ClusteringModel functionName="clustering" modelClass="centerBased" numberOfClusters="2">
      <MiningSchema><MiningField name="x"/><MiningField name="y"/></MiningSchema>
      <ComparisonMeasure kind="distance"><euclidean/></ComparisonMeasure>
      <ClusteringField field="x"/><ClusteringField field="y"/>
      <Cluster id="a"><Array n="2" type="real">0 0</Array></Cluster>
      <Cluster id="b"><Array n="2" type="real">10 10</Array></Cluster>
    </ClusteringModel>`;
    const means = `<MeanClusterDistances><Array n="2" type="real">2 4</Array></MeanClusterDistances>`;
    const p = parsePmml(doc(`algorithmType="clusterMeanDist"`, clustering, means));
    expect(interpret(p, { x: 3, y: 4 }).anomalyScore).toBeCloseTo(5 / 2, 12);
    expect(interpret(p, { x: 10, y: 13 }).anomalyScore).toBeCloseTo(3 / 4, 12);
    expect(() => parsePmml(doc(`algorithmType="clusterMeanDist"`, clustering))).toThrow(SchemaError);
  });
});
