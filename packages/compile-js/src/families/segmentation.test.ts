import { describe, it } from "vitest";
import { expectSameAnswers, pmml, xyFields, xyRows } from "./same-answers.test-helper.ts";

const mining = `<MiningSchema><MiningField name="x"/><MiningField name="y"/><MiningField name="z"/><MiningField name="r" usageType="target"/></MiningSchema>`;
const classMining = `<MiningSchema><MiningField name="x"/><MiningField name="y"/><MiningField name="z"/><MiningField name="t" usageType="target"/></MiningSchema>`;

function regression(intercept: number, cx: number, cy: number): string {
  return `<RegressionModel functionName="regression">${mining}
  <RegressionTable intercept="${intercept}"><NumericPredictor name="x" coefficient="${cx}"/><NumericPredictor name="y" coefficient="${cy}"/></RegressionTable></RegressionModel>`;
}

function network(w: number, activation = "logistic"): string {
  return `<NeuralNetwork functionName="classification" activationFunction="${activation}" normalizationMethod="softmax">${classMining}
  <NeuralInputs><NeuralInput id="i0"><DerivedField optype="continuous" dataType="double"><FieldRef field="x"/></DerivedField></NeuralInput>
    <NeuralInput id="i1"><DerivedField optype="continuous" dataType="double"><NormContinuous field="y"><LinearNorm orig="0" norm="0"/><LinearNorm orig="10" norm="1"/></NormContinuous></DerivedField></NeuralInput></NeuralInputs>
  <NeuralLayer><Neuron id="h0" bias="0.1"><Con from="i0" weight="${w}"/><Con from="i1" weight="-0.7"/></Neuron><Neuron id="h1"><Con from="i0" weight="0.3"/><Con from="i1" weight="${w / 2}"/></Neuron></NeuralLayer>
  <NeuralLayer activationFunction="identity"><Neuron id="o0" bias="-0.2"><Con from="h0" weight="1.5"/><Con from="h1" weight="-1"/></Neuron><Neuron id="o1"><Con from="h0" weight="-0.5"/><Con from="h1" weight="2"/></Neuron></NeuralLayer>
  <NeuralOutputs><NeuralOutput outputNeuron="o0"><DerivedField optype="categorical" dataType="string"><NormDiscrete field="t" value="yes"/></DerivedField></NeuralOutput>
    <NeuralOutput outputNeuron="o1"><DerivedField optype="categorical" dataType="string"><NormDiscrete field="t" value="no"/></DerivedField></NeuralOutput></NeuralOutputs>
</NeuralNetwork>`;
}

function ensemble(functionName: string, method: string, segments: string[], extra = "", output = ""): string {
  const m = functionName === "regression" ? mining : classMining;
  return pmml(xyFields, `<MiningModel functionName="${functionName}">${m}${output}
  <Segmentation multipleModelMethod="${method}" ${extra}>
  ${segments.map((s, k) => `<Segment id="s${k}" weight="${k + 0.5}">${k === 1 ? `<SimplePredicate field="z" operator="notEqual" value="c"/>` : "<True/>"}${s}</Segment>`).join("\n")}
  </Segmentation></MiningModel>`);
}

const probabilities = `<Output><OutputField name="pyes" feature="probability" value="yes"/><OutputField name="pno" feature="probability" value="no"/><OutputField name="pred" feature="predictedValue"/></Output>`;

describe("compiled MiningModel of non-tree segments gives the interpreter's answers (§MiningModel)", () => {
  for (const method of ["sum", "average", "weightedSum", "weightedAverage", "median"]) {
    it(`regression ${method}, segment predicates, missing predictions`, () => {
      expectSameAnswers(ensemble("regression", method, [regression(1, 0.5, -2), regression(-3, 0.25, 1), regression(0.1, 0.1, 0.1), regression(1, 0.5, -2)]), xyRows);
    });
  }
  it("regression returnMissing", () => {
    expectSameAnswers(ensemble("regression", "average", [regression(1, 0.5, -2), regression(-3, 0.25, 1)], `missingPredictionTreatment="returnMissing"`), xyRows);
  });
  for (const method of ["majorityVote", "weightedMajorityVote", "average", "weightedAverage"]) {
    it(`classification ${method} of neural networks (vote ties keep the first category voted)`, () => {
      expectSameAnswers(ensemble("classification", method, [network(0.9), network(-1.3, "tanh"), network(0.9), network(2, "Elliott")], "", probabilities), xyRows);
    });
  }
});
