/**
 * nyoka's anomaly detectors. OneClassSVM: AnomalyDetectionModel algorithmType="ocsvm"
 * functionName="regression" around a SupportVectorMachineModel (classificationMethod
 * OneAgainstAll, REAL-SparseArray support vectors, Coefficients absoluteValue = intercept_) whose
 * value is scikit-learn's decision_function; the Output: anomalyScore (predictedValue) and outlier,
 * a boolean decision OutputField anomalyScore < 0.
 */
import { describe, expect, it } from "vitest";
import { expectClose, nyokaPmml, scoreBoth } from "./both-backends.ts";

const svs = [
  [0.5, -1.2],
  [1.5, 0.3],
  [-0.7, 0.9],
];
const alphas = [0.8, 0.45, 0.75];
const [gamma, intercept] = [0.35, -0.42];

const schema = `<MiningSchema><MiningField name="f1" usageType="active" optype="continuous"/><MiningField name="f2" usageType="active" optype="continuous"/></MiningSchema>`;
const text = nyokaPmml(`<DataDictionary numberOfFields="2">
        <DataField name="f1" optype="continuous" dataType="double"/>
        <DataField name="f2" optype="continuous" dataType="double"/>
    </DataDictionary>
    <AnomalyDetectionModel modelName="OneClassSVM" algorithmType="ocsvm" functionName="regression">
        ${schema}
        <Output>
            <OutputField name="anomalyScore" optype="continuous" dataType="double" feature="predictedValue"/>
            <OutputField name="outlier" optype="categorical" dataType="boolean" feature="decision">
                <Apply function="lessThan"><FieldRef field="anomalyScore"/><Constant dataType="double">0</Constant></Apply>
            </OutputField>
        </Output>
        <SupportVectorMachineModel modelName="OneClassSVM" functionName="regression" classificationMethod="OneAgainstAll">
            ${schema}
            <RadialBasisKernelType description="Radial Basis Kernel Type" gamma="${gamma.toFixed(16)}"/>
            <VectorDictionary>
                <VectorFields><FieldRef field="f1"/><FieldRef field="f2"/></VectorFields>
                ${svs.map((v, i) => `<VectorInstance id="${i * 3 + 2}"><REAL-SparseArray n="2"><Indices>1 2</Indices><REAL-Entries>${v.join(" ")}</REAL-Entries></REAL-SparseArray></VectorInstance>`).join("\n")}
            </VectorDictionary>
            <SupportVectorMachine>
                <SupportVectors>${svs.map((_v, i) => `<SupportVector vectorId="${i * 3 + 2}"/>`).join("")}</SupportVectors>
                <Coefficients absoluteValue="${intercept}">${alphas.map((a) => `<Coefficient value="${a.toFixed(16)}"/>`).join("")}</Coefficients>
            </SupportVectorMachine>
        </SupportVectorMachineModel>
    </AnomalyDetectionModel>`);

describe("nyoka OneClassSVM", () => {
  it("anomalyScore = Σ α·exp(−γ‖x − sv‖²) + intercept (decision_function); outlier = anomalyScore < 0", () => {
    const rows = [
      { f1: 0.4, f2: -0.9 },
      { f1: 4, f2: 4 },
      { f1: 0.2, f2: 0.3 },
    ];
    const got = scoreBoth(text, rows);
    rows.forEach((row, i) => {
      const x = [row.f1, row.f2];
      const score = svs.reduce((s, v, k) => s + alphas[k] * Math.exp(-gamma * ((x[0] - v[0]) ** 2 + (x[1] - v[1]) ** 2)), 0) + intercept;
      expectClose(got[i].anomalyScore, score);
      expect(got[i].outlier).toBe(score < 0);
    });
  });
});
