import { describe, it } from "vitest";
import { expectSameAnswers, pmml, xyFields, xyRows } from "./families/same-answers.test-helper.ts";

describe("compiled OutputField affinity gives the interpreter's answers", () => {
  it("§OutputField affinity/clusterAffinity: the winning cluster's distance, or a named cluster's; an unknown id is missing", () => {
    expectSameAnswers(
      pmml(
        xyFields,
        `<ClusteringModel functionName="clustering" modelClass="centerBased" numberOfClusters="3">
  <MiningSchema><MiningField name="x"/><MiningField name="y"/></MiningSchema>
  <Output><OutputField name="a" feature="affinity"/><OutputField name="c" feature="clusterAffinity"/><OutputField name="a2" feature="entityAffinity" value="2"/>
    <OutputField name="none" feature="affinity" value="nine"/><OutputField name="id" feature="clusterId"/></Output>
  <ComparisonMeasure kind="distance"><squaredEuclidean/></ComparisonMeasure>
  <ClusteringField field="x"/><ClusteringField field="y"/>
  <Cluster id="1"><Array n="2" type="real">0 0</Array></Cluster>
  <Cluster id="2"><Array n="2" type="real">5 5</Array></Cluster>
  <Cluster id="3"><Array n="2" type="real">5 5</Array></Cluster>
</ClusteringModel>`,
      ),
      xyRows,
    );
  });
  it("§OutputField affinity of a one-against-all SVM: the machine of the predicted or named category", () => {
    expectSameAnswers(
      pmml(
        xyFields,
        `<SupportVectorMachineModel functionName="classification" classificationMethod="OneAgainstAll">
  <MiningSchema><MiningField name="x"/><MiningField name="y"/><MiningField name="t" usageType="target"/></MiningSchema>
  <Output><OutputField name="a" feature="affinity"/><OutputField name="aNo" feature="affinity" value="no"/><OutputField name="v" feature="predictedValue"/></Output>
  <LinearKernelType/>
  <VectorDictionary numberOfVectors="2"><VectorFields numberOfFields="2"><FieldRef field="x"/><FieldRef field="y"/></VectorFields>
    <VectorInstance id="1"><Array n="2" type="real">1 -1</Array></VectorInstance><VectorInstance id="2"><Array n="2" type="real">-0.5 2</Array></VectorInstance></VectorDictionary>
  <SupportVectorMachine targetCategory="yes"><SupportVectors><SupportVector vectorId="1"/></SupportVectors><Coefficients absoluteValue="0.5"><Coefficient value="1"/></Coefficients></SupportVectorMachine>
  <SupportVectorMachine targetCategory="no"><SupportVectors><SupportVector vectorId="2"/></SupportVectors><Coefficients absoluteValue="-0.25"><Coefficient value="1"/></Coefficients></SupportVectorMachine>
</SupportVectorMachineModel>`,
      ),
      xyRows,
    );
  });
});
