/**
 * R pmml's pmml.iForest (isofor::iForest): AnomalyDetectionModel functionName="regression"
 * algorithmType="iforest" sampleDataSize=φ around a MiningModel (average) of binary-split
 * TreeModels whose leaf score is the depth plus c(Size) of the leaf; numeric splits are
 * lessThan / greaterOrEqual, factor splits a SimpleSetPredicate of quoted levels with runs of
 * spaces between them. The Output: anomalyScore (predictedValue) and anomaly, a boolean OutputField
 * with feature="decision" and an expression anomalyScore ≥ threshold. Factors carry isofor's
 * extra level ".".
 */
import { describe, expect, it } from "vitest";
import { expectClose, rPmml, scoreBoth } from "./both-backends.ts";

const c = (n: number) => (n > 2 ? 2 * (Math.log(n - 1) + 0.5772156649015329) - (2 * (n - 1)) / n : n === 2 ? 1 : 0);
const exportedC = (size: number) => (size === 2 ? 1 : size < 2 ? 0 : 2.0 * (Math.log(size - 1) + 0.5772156649) - (2.0 * (size - 1)) / size);

interface Row {
  x: number | null;
  kind: string | null;
}
const schema = (treatment: string) =>
  `<MiningSchema><MiningField name="x" usageType="active" invalidValueTreatment="${treatment}"/><MiningField name="kind" usageType="active" invalidValueTreatment="${treatment}"/></MiningSchema>`;

// Tree 1: x < 2.5 → leaf (depth 1, size 1); else kind ∈ {a, c} → leaf (depth 2, size 5), else leaf (depth 2, size 2).
// Tree 2: kind ∈ {b} → leaf (depth 1, size 3); else x < 7 → (depth 2, size 1) else (depth 2, size 4).
const tree1 = `<Node id="1"><True/>
  <Node id="2" score="1"><SimplePredicate field="x" operator="lessThan" value="2.5"/></Node>
  <Node id="3"><SimplePredicate field="x" operator="greaterOrEqual" value="2.5"/>
   <Node id="6" score="${2 + exportedC(5)}"><SimpleSetPredicate field="kind" booleanOperator="isIn"><Array n="2" type="string">"a"   "c"</Array></SimpleSetPredicate></Node>
   <Node id="7" score="${2 + exportedC(2)}"><SimpleSetPredicate field="kind" booleanOperator="isIn"><Array n="2" type="string">"b"   "."</Array></SimpleSetPredicate></Node>
  </Node>
 </Node>`;
const tree2 = `<Node id="1"><True/>
  <Node id="2" score="${1 + exportedC(3)}"><SimpleSetPredicate field="kind" booleanOperator="isIn"><Array n="1" type="string">"b"</Array></SimpleSetPredicate></Node>
  <Node id="3"><SimpleSetPredicate field="kind" booleanOperator="isIn"><Array n="3" type="string">"a"   "c"   "."</Array></SimpleSetPredicate>
   <Node id="6" score="2"><SimplePredicate field="x" operator="lessThan" value="7"/></Node>
   <Node id="7" score="${2 + exportedC(4)}"><SimplePredicate field="x" operator="greaterOrEqual" value="7"/></Node>
  </Node>
 </Node>`;
const h1 = (r: Row) => (r.x! < 2.5 ? 1 : r.kind === "a" || r.kind === "c" ? 2 + exportedC(5) : 2 + exportedC(2));
const h2 = (r: Row) => (r.kind === "b" ? 1 + exportedC(3) : r.x! < 7 ? 2 : 2 + exportedC(4));

const phi = 16;
const text = rPmml(
  `<DataDictionary numberOfFields="2">
  <DataField name="x" optype="continuous" dataType="double"/>
  <DataField name="kind" optype="categorical" dataType="string"><Value value="a"/><Value value="b"/><Value value="c"/><Value value="."/></DataField>
 </DataDictionary>
 <AnomalyDetectionModel functionName="regression" sampleDataSize="${phi}" algorithmType="iforest" modelName="isolationForest_Model">
  ${schema("returnInvalid")}
  <Output>
   <OutputField name="anomalyScore" optype="continuous" dataType="double" feature="predictedValue"/>
   <OutputField name="anomaly" optype="categorical" dataType="boolean" feature="decision"><Apply function="greaterOrEqual"><FieldRef field="anomalyScore"/><Constant dataType="double">0.6</Constant></Apply></OutputField>
  </Output>
  <MiningModel modelName="isolationForest_Model" algorithmName="randomForest" functionName="regression">
   ${schema("returnInvalid")}
   <Output><OutputField name="Predicted_avg_path_length" optype="continuous" dataType="double" feature="predictedValue"/></Output>
   <Segmentation multipleModelMethod="average">
    <Segment id="1"><True/><TreeModel modelName="isolationForest_Model" functionName="regression" algorithmName="isofor" splitCharacteristic="binarySplit">${schema("asIs")}${tree1}</TreeModel></Segment>
    <Segment id="2"><True/><TreeModel modelName="isolationForest_Model" functionName="regression" algorithmName="isofor" splitCharacteristic="binarySplit">${schema("asIs")}${tree2}</TreeModel></Segment>
   </Segmentation>
  </MiningModel>
 </AnomalyDetectionModel>`,
  "Isolation Forest Model",
);

describe("R pmml iForest", () => {
  it("anomalyScore = 2^(−mean path length / c(sampleDataSize)); the decision OutputField is its expression (score ≥ 0.6)", () => {
    const rows: Row[] = [
      { x: 1, kind: "a" },
      { x: 5, kind: "c" },
      { x: 9, kind: "b" },
      { x: 8, kind: "." },
      { x: 3, kind: "b" },
    ];
    const got = scoreBoth(text, rows as unknown as Record<string, unknown>[]);
    rows.forEach((row, i) => {
      const score = Math.pow(2, -((h1(row) + h2(row)) / 2) / c(phi));
      expectClose(got[i].anomalyScore, score);
      expect(got[i].anomaly).toBe(score >= 0.6);
    });
  });
});
