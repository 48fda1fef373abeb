import { describe, expect, it } from "vitest";
import { parsePmml } from "@porta/pmml";
import { compilePipeline } from "../compile.ts";
import { CompiledScorer } from "../scorer.ts";
import { expectSameAnswers, pmml, xyFields, xyRows } from "./same-answers.test-helper.ts";

const inputs = `<MiningSchema><MiningField name="x"/><MiningField name="y"/></MiningSchema>`;
const LE = (f: string, v: number) => `<SimplePredicate field="${f}" operator="lessOrEqual" value="${v}"/>`;
const GT = (f: string, v: number) => `<SimplePredicate field="${f}" operator="greaterThan" value="${v}"/>`;

/** An isolation tree: leaves score the path length (depth + c(size) of the leaf), as nyoka writes them. */
function isolationTree(k: number): string {
  return `<Segment id="${k}"><True/><TreeModel functionName="regression">${inputs}
  <Node><True/>
    <Node score="${1 + k * 0.5}">${LE("x", k)}</Node>
    <Node>${GT("x", k)}<Node score="${2.25 + k}">${LE("y", 1)}</Node><Node score="3.5">${GT("y", 1)}</Node></Node>
  </Node></TreeModel></Segment>`;
}

function anomaly(algorithm: string, attrs: string, inner: string, threshold: number): string {
  return pmml(
    xyFields,
    `<AnomalyDetectionModel functionName="regression" algorithmType="${algorithm}" ${attrs}>${inputs}
  <Output><OutputField name="anomalyScore" feature="predictedValue" dataType="double"/>
    <OutputField name="outlier" feature="decision" dataType="boolean"><Apply function="greaterThan"><FieldRef field="anomalyScore"/><Constant dataType="double">${threshold}</Constant></Apply></OutputField></Output>
  ${inner}
</AnomalyDetectionModel>`,
  );
}

const forest = `<MiningModel functionName="regression">${inputs}<Segmentation multipleModelMethod="average">${[0, 1, 2].map(isolationTree).join("")}</Segmentation></MiningModel>`;

/** A one-class SVM as R pmml writes e1071's: an SVM regression whose value is the decision value. */
const svm = `<SupportVectorMachineModel functionName="regression" threshold="0">${inputs}
  <Output><OutputField name="inner" feature="predictedValue" dataType="double"/></Output>
  <RadialBasisKernelType gamma="0.5"/>
  <VectorDictionary numberOfVectors="2"><VectorFields numberOfFields="2"><FieldRef field="x"/><FieldRef field="y"/></VectorFields>
    <VectorInstance id="1"><REAL-SparseArray n="2"><Indices>1 2</Indices><REAL-Entries>0 1</REAL-Entries></REAL-SparseArray></VectorInstance>
    <VectorInstance id="2"><REAL-SparseArray n="2"><Indices>1 2</Indices><REAL-Entries>2 -1</REAL-Entries></REAL-SparseArray></VectorInstance>
  </VectorDictionary>
  <SupportVectorMachine><SupportVectors numberOfAttributes="2" numberOfSupportVectors="2"><SupportVector vectorId="1"/><SupportVector vectorId="2"/></SupportVectors>
    <Coefficients numberOfCoefficients="2" absoluteValue="0.3"><Coefficient value="0.7"/><Coefficient value="-0.4"/></Coefficients></SupportVectorMachine>
</SupportVectorMachineModel>`;

const rows = [...xyRows, { x: 0.5, y: 3 }, { x: 1.5, y: 0.5 }, { x: 4, y: 2 }];

describe("compiled AnomalyDetectionModel gives the interpreter's answers (§AnomalyDetectionModel)", () => {
  for (const size of [64, 2]) {
    it(`iforest: 2^(−E(h)/c(${size})) of a forest's mean path length; a missing path gives a missing score`, () => {
      expectSameAnswers(anomaly("iforest", `sampleDataSize="${size}"`, forest, 0.5), rows);
    });
  }
  it("ocsvm: the SVM's decision value is the score", () => {
    expectSameAnswers(anomaly("ocsvm", "", svm, 0), rows);
  });
  it("other: the embedded model's value, its Targets applied", () => {
    const regression = `<RegressionModel functionName="regression">${inputs}<Targets><Target field="r" rescaleFactor="2" rescaleConstant="-1"/></Targets>
      <RegressionTable intercept="0.5"><NumericPredictor name="x" coefficient="0.25"/><NumericPredictor name="y" coefficient="-1"/></RegressionTable></RegressionModel>`;
    expectSameAnswers(anomaly("other", "", regression.replace("</MiningSchema>", `<MiningField name="r" usageType="target"/></MiningSchema>`), 0), rows);
  });
  it("folds c(n) once: a mean path length of 1.5 with sampleDataSize 64", () => {
    const { results } = new CompiledScorer(compilePipeline(parsePmml(anomaly("iforest", `sampleDataSize="64"`, forest, 0.5)))).scoreRows([{ x: -1, y: 0 }]);
    // Every tree takes its first leaf: E(h) = (1 + 1.5 + 2) / 3 = 1.5.
    const c64 = 2 * (Math.log(63) + 0.5772156649015329) - (2 * 63) / 64;
    expect(results[0]).toEqual({ anomalyScore: Math.pow(2, -1.5 / c64), outlier: true });
  });
});
