import { it } from "vitest";
import { pmml, xyFields, xyRows } from "../../packages/compile-js/src/families/same-answers.test-helper.ts";
import { describeEachBackend } from "../each-backend.ts";

const inputs = `<NeuralInputs>
  <NeuralInput id="x"><DerivedField optype="continuous" dataType="double"><FieldRef field="x"/></DerivedField></NeuralInput>
  <NeuralInput id="y"><DerivedField optype="continuous" dataType="double"><FieldRef field="y"/></DerivedField></NeuralInput>
</NeuralInputs>`;

describeEachBackend("NeuralNetwork gives the interpreter's answers (§NeuralNetwork)", (backend) => {
  it("a Con reading an earlier neuron of its own layer (before normalisation) and a neuron id defined twice (the later one is read)", async () => {
    await backend.expectSameAnswers(
      pmml(
        xyFields,
        `<NeuralNetwork functionName="classification" activationFunction="tanh">
<MiningSchema><MiningField name="x"/><MiningField name="y"/><MiningField name="t" usageType="target"/></MiningSchema>
<Output><OutputField name="Pyes" feature="probability" value="yes"/><OutputField name="id" feature="entityId"/></Output>
${inputs}
<NeuralLayer normalizationMethod="simplemax">
  <Neuron id="h1" bias="0.5"><Con from="x" weight="0.3"/><Con from="y" weight="-0.2"/></Neuron>
  <Neuron id="h2"><Con from="h1" weight="2"/><Con from="y" weight="0.1"/></Neuron>
  <Neuron id="x"><Con from="x" weight="1"/></Neuron>
</NeuralLayer>
<NeuralLayer activationFunction="logistic" normalizationMethod="softmax">
  <Neuron id="o1" bias="0.1"><Con from="h1" weight="1"/><Con from="x" weight="-1"/></Neuron>
  <Neuron id="o2"><Con from="h2" weight="0.7"/></Neuron>
</NeuralLayer>
<NeuralOutputs>
  <NeuralOutput outputNeuron="o1"><DerivedField optype="categorical" dataType="string"><NormDiscrete field="t" value="yes"/></DerivedField></NeuralOutput>
  <NeuralOutput outputNeuron="o2"><DerivedField optype="categorical" dataType="string"><NormDiscrete field="t" value="no"/></DerivedField></NeuralOutput>
</NeuralOutputs></NeuralNetwork>`,
      ),
      xyRows,
    );
  });

  it("radialBasis with widths from the neuron and the layer, regression through NormContinuous", async () => {
    await backend.expectSameAnswers(
      pmml(
        xyFields,
        `<NeuralNetwork functionName="regression" activationFunction="identity" altitude="1.5">
<MiningSchema><MiningField name="x"/><MiningField name="y"/><MiningField name="r" usageType="target"/></MiningSchema>
${inputs}
<NeuralLayer activationFunction="radialBasis" width="2">
  <Neuron id="r1" width="0.5"><Con from="x" weight="1"/><Con from="y" weight="2"/></Neuron>
  <Neuron id="r2"><Con from="x" weight="-1"/></Neuron>
</NeuralLayer>
<NeuralLayer><Neuron id="o" bias="0.25"><Con from="r1" weight="1"/><Con from="r2" weight="-2"/></Neuron></NeuralLayer>
<NeuralOutputs><NeuralOutput outputNeuron="o"><DerivedField optype="continuous" dataType="double">
  <NormContinuous field="r"><LinearNorm orig="0" norm="0"/><LinearNorm orig="5" norm="0.5"/><LinearNorm orig="20" norm="1"/></NormContinuous>
</DerivedField></NeuralOutput></NeuralOutputs></NeuralNetwork>`,
      ),
      xyRows,
    );
  });
});
