import { describe, it } from "vitest";
import { doc, expectOnnxAgrees } from "../agreement.test-helper.ts";

const FIELDS = `<DataField name="a" optype="continuous" dataType="double"/><DataField name="b" optype="continuous" dataType="double"/>`;
const ROWS = [
  { a: 0.1, b: 0.2 },
  { a: -1, b: 3 },
  { a: null, b: 1 },
  { a: 2.5, b: -0.75 },
];
const input = (id: string, f: string) =>
  `<NeuralInput id="${id}"><DerivedField optype="continuous" dataType="double"><NormContinuous field="${f}"><LinearNorm orig="-1" norm="0"/><LinearNorm orig="3" norm="1"/></NormContinuous></DerivedField></NeuralInput>`;

function network(fn: string, activation: string, outputs: string, layer2: string): string {
  return `<NeuralNetwork functionName="${fn}" activationFunction="${activation}">
    <MiningSchema><MiningField name="a"/><MiningField name="b"/><MiningField name="y" usageType="target"/></MiningSchema>
    <NeuralInputs>${input("i1", "a")}${input("i2", "b")}</NeuralInputs>
    <NeuralLayer><Neuron id="h1" bias="0.1"><Con from="i1" weight="0.5"/><Con from="i2" weight="-1.25"/></Neuron><Neuron id="h2" bias="-0.3"><Con from="i1" weight="2"/><Con from="i2" weight="0.75"/></Neuron></NeuralLayer>
    ${layer2}<NeuralOutputs>${outputs}</NeuralOutputs></NeuralNetwork>`;
}

describe("onnx NeuralNetwork (PMML 4.4 §NeuralNetwork): layers in the graph, outputs by the interpreter's rule", () => {
  for (const activation of ["logistic", "tanh", "rectifier", "identity", "Elliott"]) {
    it(`classification through a softmax layer, hidden ${activation}`, async () => {
      const layer2 = `<NeuralLayer activationFunction="identity" normalizationMethod="softmax"><Neuron id="o1" bias="0"><Con from="h1" weight="1"/><Con from="h2" weight="-1"/></Neuron><Neuron id="o2" bias="0.2"><Con from="h1" weight="-0.5"/><Con from="h2" weight="0.5"/></Neuron></NeuralLayer>`;
      const outputs = `<NeuralOutput outputNeuron="o1"><DerivedField optype="categorical" dataType="string"><NormDiscrete field="y" value="yes"/></DerivedField></NeuralOutput><NeuralOutput outputNeuron="o2"><DerivedField optype="categorical" dataType="string"><NormDiscrete field="y" value="no"/></DerivedField></NeuralOutput>`;
      const pmml = doc(
        `${FIELDS}<DataField name="y" optype="categorical" dataType="string"><Value value="yes"/><Value value="no"/></DataField>`,
        network("classification", activation, outputs, layer2).replace(
          "</MiningSchema>",
          '</MiningSchema><Output><OutputField name="pyes" feature="probability" value="yes"/><OutputField name="neuron" feature="entityId"/></Output>',
        ),
      );
      await expectOnnxAgrees(pmml, ROWS);
    });
  }

  it("regression with a denormalising NormContinuous output", async () => {
    const layer2 = `<NeuralLayer activationFunction="identity"><Neuron id="o1" bias="0.05"><Con from="h1" weight="1"/><Con from="h2" weight="-0.5"/></Neuron></NeuralLayer>`;
    const outputs = `<NeuralOutput outputNeuron="o1"><DerivedField optype="continuous" dataType="double"><NormContinuous field="y"><LinearNorm orig="10" norm="0"/><LinearNorm orig="20" norm="1"/></NormContinuous></DerivedField></NeuralOutput>`;
    const pmml = doc(`${FIELDS}<DataField name="y" optype="continuous" dataType="double"/>`, network("regression", "logistic", outputs, layer2));
    await expectOnnxAgrees(pmml, ROWS);
  });
});
