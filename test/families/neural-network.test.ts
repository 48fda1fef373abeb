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

  // compile-js scores such networks ahead of the row loop in blocks of 64 rows, with tiles of
  // 4 neurons × 2 rows: 150 rows cross two block boundaries and end on an odd block; 5 and 3
  // neurons leave tile remainders.
  it("dense layers over more rows than a block, neurons with and without bias, missing inputs", async () => {
    await backend.expectSameAnswers(pmml(xyFields, denseNetwork("regression", "none")), manyRows);
  });

  it("a dense classification network with a softmax output layer, over more rows than a block", async () => {
    await backend.expectSameAnswers(pmml(xyFields, denseNetwork("classification", "softmax")), manyRows);
  });
});

/** 150 rows over x and y, some with x or y missing. */
const manyRows: Record<string, unknown>[] = Array.from({ length: 150 }, (_, i) => ({
  x: i % 17 === 3 ? null : ((i * 37) % 101) / 10 - 5,
  y: i % 23 === 5 ? null : ((i * 53) % 89) / 9 - 4,
}));

/** Inputs x, y; a logistic layer of 5, a tanh layer of 3, and an output layer (1 identity neuron, or 2 softmax-normalised ones). */
function denseNetwork(functionName: "regression" | "classification", outputNormalization: "none" | "softmax"): string {
  const weight = (k: number) => (((k * 7919) % 200) - 100) / 70;
  let k = 0;
  const layer = (ids: string[], from: string[], attributes: string) =>
    `<NeuralLayer ${attributes}>${ids
      .map(
        (id, u) =>
          `<Neuron id="${id}"${u % 3 === 1 ? "" : ` bias="${weight(k++)}"`}>${from.map((f) => `<Con from="${f}" weight="${weight(k++)}"/>`).join("")}</Neuron>`,
      )
      .join("\n")}</NeuralLayer>`;
  const h1 = ["a1", "a2", "a3", "a4", "a5"];
  const h2 = ["b1", "b2", "b3"];
  const classification = functionName === "classification";
  const out = classification ? ["o1", "o2"] : ["o"];
  const outputs = classification
    ? `<NeuralOutput outputNeuron="o1"><DerivedField optype="categorical" dataType="string"><NormDiscrete field="t" value="yes"/></DerivedField></NeuralOutput>
<NeuralOutput outputNeuron="o2"><DerivedField optype="categorical" dataType="string"><NormDiscrete field="t" value="no"/></DerivedField></NeuralOutput>`
    : `<NeuralOutput outputNeuron="o"><DerivedField optype="continuous" dataType="double"><FieldRef field="r"/></DerivedField></NeuralOutput>`;
  return `<NeuralNetwork functionName="${functionName}" activationFunction="logistic">
<MiningSchema><MiningField name="x"/><MiningField name="y"/><MiningField name="${classification ? "t" : "r"}" usageType="target"/></MiningSchema>
${classification ? `<Output><OutputField name="Pyes" feature="probability" value="yes"/><OutputField name="id" feature="entityId"/></Output>` : ""}
${inputs}
${layer(h1, ["x", "y"], "")}
${layer(h2, h1, `activationFunction="tanh"`)}
${layer(out, h2, `activationFunction="identity" normalizationMethod="${outputNormalization}"`)}
<NeuralOutputs>${outputs}</NeuralOutputs></NeuralNetwork>`;
}
