import { describe, expect, it } from "vitest";
import { converted, pmml } from "../score.test-helper.ts";

describe("NeuralNetwork → PFA (PMML 4.4 §NeuralNetwork)", () => {
  it("computes each neuron (Σ weight × input, + bias, activation), softmax outputs and NormDiscrete categories", () => {
    const m = converted(
      pmml(
        `<DataField name="x" optype="continuous" dataType="double"/><DataField name="y" optype="categorical" dataType="string"><Value value="p"/><Value value="q"/></DataField>`,
        `<NeuralNetwork functionName="classification" activationFunction="logistic">
          <MiningSchema><MiningField name="x"/><MiningField name="y" usageType="target"/></MiningSchema>
          <Output><OutputField name="P_p" feature="probability" value="p"/></Output>
          <NeuralInputs><NeuralInput id="0"><DerivedField optype="continuous" dataType="double"><NormContinuous field="x"><LinearNorm orig="0" norm="-1"/><LinearNorm orig="10" norm="1"/></NormContinuous></DerivedField></NeuralInput></NeuralInputs>
          <NeuralLayer><Neuron id="1" bias="0.5"><Con from="0" weight="1.5"/></Neuron><Neuron id="2" bias="-0.25"><Con from="0" weight="-2"/></Neuron></NeuralLayer>
          <NeuralLayer activationFunction="identity" normalizationMethod="softmax"><Neuron id="3"><Con from="1" weight="1"/><Con from="2" weight="-1"/></Neuron><Neuron id="4"><Con from="1" weight="-0.5"/><Con from="2" weight="0.75"/></Neuron></NeuralLayer>
          <NeuralOutputs>
            <NeuralOutput outputNeuron="3"><DerivedField optype="categorical" dataType="string"><NormDiscrete field="y" value="p"/></DerivedField></NeuralOutput>
            <NeuralOutput outputNeuron="4"><DerivedField optype="categorical" dataType="string"><NormDiscrete field="y" value="q"/></DerivedField></NeuralOutput>
          </NeuralOutputs>
        </NeuralNetwork>`,
      ),
    );
    const z = (x: number) => (x / 10) * 2 - 1;
    const sig = (t: number) => 1 / (1 + Math.exp(-t));
    const h1 = sig(1.5 * z(4) + 0.5),
      h2 = sig(-2 * z(4) - 0.25);
    const o3 = h1 - h2,
      o4 = -0.5 * h1 + 0.75 * h2;
    const pp = Math.exp(o3 - Math.max(o3, o4)) / (Math.exp(o3 - Math.max(o3, o4)) + Math.exp(o4 - Math.max(o3, o4)));
    expect(m.score({ x: 4 }).P_p).toBeCloseTo(pp, 15);
    for (const x of [0, 4, 9.5, null]) expect(m.score({ x })).toEqual(m.reference({ x }));
  });
});
