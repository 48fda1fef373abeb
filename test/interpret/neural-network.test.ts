import { describe, expect, it } from "vitest";
import { parsePmml } from "@porta/pmml";
import { SchemaError, interpret } from "@porta/ir";
import { activate } from "../../packages/ir/src/interpret/neural-network.ts";
import { exp } from "../../packages/ir/src/interpret/exp.ts";

const DICT = `
  <DataDictionary>
    <DataField name="a" optype="continuous" dataType="double"/>
    <DataField name="b" optype="continuous" dataType="double"/>
    <DataField name="y" optype="continuous" dataType="double"/>
    <DataField name="k" optype="categorical" dataType="string"><Value value="u"/><Value value="v"/></DataField>
  </DataDictionary>`;

const INPUTS = `
    <NeuralInputs>
      <NeuralInput id="i0"><DerivedField optype="continuous" dataType="double"><FieldRef field="a"/></DerivedField></NeuralInput>
      <NeuralInput id="i1"><DerivedField optype="continuous" dataType="double">
        <NormContinuous field="b"><LinearNorm orig="0" norm="-1"/><LinearNorm orig="10" norm="1"/></NormContinuous>
      </DerivedField></NeuralInput>
    </NeuralInputs>
    <NeuralLayer>
      <Neuron id="h0" bias="0.5"><Con from="i0" weight="1"/><Con from="i1" weight="-2"/></Neuron>
      <Neuron id="h1" bias="-0.25"><Con from="i0" weight="0.5"/><Con from="i1" weight="1.5"/></Neuron>
    </NeuralLayer>`;

const logistic = (z: number) => 1 / (1 + exp(-z));

function hidden(a: number, b: number): [number, number] {
  const i1 = -1 + (b / 10) * 2;
  return [logistic(a * 1 + i1 * -2 + 0.5), logistic(a * 0.5 + i1 * 1.5 - 0.25)];
}

function doc(model: string): string {
  return `<PMML version="4.4" xmlns="http://www.dmg.org/PMML-4_4">${DICT}${model}</PMML>`;
}

const regression = (output: string, local = "") =>
  doc(`
  <NeuralNetwork functionName="regression" activationFunction="logistic">
    <MiningSchema><MiningField name="a"/><MiningField name="b"/><MiningField name="y" usageType="target"/></MiningSchema>${local}
    ${INPUTS}
    <NeuralLayer activationFunction="identity">
      <Neuron id="o" bias="0.1"><Con from="h0" weight="2"/><Con from="h1" weight="-1"/></Neuron>
    </NeuralLayer>
    <NeuralOutputs><NeuralOutput outputNeuron="o"><DerivedField optype="continuous" dataType="double">${output}</DerivedField></NeuralOutput></NeuralOutputs>
  </NeuralNetwork>`);

describe("NeuralNetwork (PMML 4.4 §NeuralNetwork)", () => {
  it("neuron = activation(Σ weight × input + bias); a layer's activationFunction overrides the network's; FieldRef output is the value", () => {
    const [h0, h1] = hidden(0.3, 4);
    const r = interpret(parsePmml(regression(`<FieldRef field="y"/>`)), { a: "0.3", b: "4" });
    expect(r.y).toBe(h0 * 2 + h1 * -1 + 0.1);
  });

  it("a NormContinuous output is inverted to give the target value", () => {
    const [h0, h1] = hidden(1, 2);
    const o = h0 * 2 + h1 * -1 + 0.1;
    const r = interpret(parsePmml(regression(`<NormContinuous field="y"><LinearNorm orig="10" norm="0"/><LinearNorm orig="30" norm="1"/></NormContinuous>`)), {
      a: "1",
      b: "2",
    });
    expect(r.y).toBe(((o - 0) / (1 - 0)) * (30 - 10) + 10);
  });

  it("a FieldRef output to a DerivedField uses that field's expression", () => {
    const local = `<LocalTransformations><DerivedField name="yn" optype="continuous" dataType="double"><NormContinuous field="y"><LinearNorm orig="0" norm="0"/><LinearNorm orig="5" norm="1"/></NormContinuous></DerivedField></LocalTransformations>`;
    const [h0, h1] = hidden(1, 2);
    const r = interpret(parsePmml(regression(`<FieldRef field="yn"/>`, local)), { a: "1", b: "2" });
    expect(r.y).toBe((h0 * 2 + h1 * -1 + 0.1) * 5);
  });

  it("a missing input makes the prediction missing", () => {
    expect(interpret(parsePmml(regression(`<FieldRef field="y"/>`)), { a: null, b: "2" }).y).toBeNull();
  });

  const classification = (norm: string, extra = "") =>
    doc(`
  <NeuralNetwork functionName="classification" activationFunction="logistic" normalizationMethod="none">
    <MiningSchema><MiningField name="a"/><MiningField name="b"/><MiningField name="k" usageType="target"/></MiningSchema>
    <Output>
      <OutputField name="Pu" feature="probability" value="u" dataType="double"/>
      <OutputField name="Pv" feature="probability" value="v" dataType="double"/>
      <OutputField name="id" feature="entityId" dataType="string"/>
    </Output>
    ${INPUTS}
    <NeuralLayer activationFunction="identity" normalizationMethod="${norm}">
      <Neuron id="ou" bias="0"><Con from="h0" weight="1"/></Neuron>
      <Neuron id="ov" bias="0"><Con from="h1" weight="1"/></Neuron>
    </NeuralLayer>
    <NeuralOutputs>
      <NeuralOutput outputNeuron="ou"><DerivedField optype="categorical" dataType="string"><NormDiscrete field="k" value="u"/></DerivedField></NeuralOutput>
      <NeuralOutput outputNeuron="ov"><DerivedField optype="categorical" dataType="string"><NormDiscrete field="k" value="v"/></DerivedField></NeuralOutput>
    </NeuralOutputs>${extra}
  </NeuralNetwork>`);

  it("classification: NormDiscrete outputs give each category the neuron's value; softmax normalises the layer", () => {
    const [h0, h1] = hidden(0.2, 7);
    const m = Math.max(h0, h1);
    const eu = exp(h0 - m),
      ev = exp(h1 - m);
    const r = interpret(parsePmml(classification("softmax")), { a: "0.2", b: "7" });
    expect(r.Pu).toBe(eu / (eu + ev));
    expect(r.Pv).toBe(ev / (eu + ev));
    expect(r.k).toBe(h0 > h1 ? "u" : "v");
    expect(r.id).toBe(h0 > h1 ? "ou" : "ov");
  });

  it("simplemax divides by the sum of the layer's outputs", () => {
    const [h0, h1] = hidden(2, 3);
    const r = interpret(parsePmml(classification("simplemax")), { a: "2", b: "3" });
    expect(r.Pu).toBe(h0 / (h0 + h1));
  });

  it("a classification output that is not NormDiscrete is misplaced (a SchemaError, as JPMML's MisplacedElementException)", () => {
    const bad = classification("none").replace(`<NormDiscrete field="k" value="u"/>`, `<FieldRef field="k"/>`);
    expect(() => interpret(parsePmml(bad), { a: "1", b: "1" })).toThrow(expect.objectContaining({ code: "PMML_MISPLACED_ELEMENT" }));
  });

  it("a connection from an unknown neuron is a SchemaError", () => {
    const bad = regression(`<FieldRef field="y"/>`).replace(`<Con from="h1" weight="-1"/>`, `<Con from="nope" weight="-1"/>`);
    expect(() => interpret(parsePmml(bad), { a: "1", b: "1" })).toThrow(SchemaError);
  });

  it("radialBasis: exp(f·ln(altitude) − Σ(x − w)²/(2·width²)), neuron width overrides the network's; a Neuron's altitude is not read (JPMML: layer, else network)", () => {
    const p = parsePmml(
      doc(`
  <NeuralNetwork functionName="regression" activationFunction="radialBasis" width="2" altitude="1.5">
    <MiningSchema><MiningField name="a"/><MiningField name="b"/><MiningField name="y" usageType="target"/></MiningSchema>
    <NeuralInputs>
      <NeuralInput id="i0"><DerivedField optype="continuous" dataType="double"><FieldRef field="a"/></DerivedField></NeuralInput>
      <NeuralInput id="i1"><DerivedField optype="continuous" dataType="double"><FieldRef field="b"/></DerivedField></NeuralInput>
    </NeuralInputs>
    <NeuralLayer>
      <Neuron id="r0" bias="99"><Con from="i0" weight="1"/><Con from="i1" weight="2"/></Neuron>
      <Neuron id="r1" width="0.5" altitude="7"><Con from="i0" weight="0"/><Con from="i1" weight="0"/></Neuron>
    </NeuralLayer>
    <NeuralLayer activationFunction="identity"><Neuron id="o"><Con from="r0" weight="1"/><Con from="r1" weight="10"/></Neuron></NeuralLayer>
    <NeuralOutputs><NeuralOutput outputNeuron="o"><DerivedField optype="continuous" dataType="double"><FieldRef field="y"/></DerivedField></NeuralOutput></NeuralOutputs>
  </NeuralNetwork>`),
    );
    const r0 = exp((0.25 + 1) / (2 * 2 * -2) + Math.log(1.5) * 2);
    const r1 = exp((0.25 + 9) / (0.5 * 0.5 * -2) + Math.log(1.5) * 2);
    expect(interpret(p, { a: "0.5", b: "3" }).y).toBe(r0 + r1 * 10);
  });

  it("activation functions follow the §NeuralNetwork table", () => {
    expect(activate("threshold", 0.5, 0.5, undefined)).toBe(0);
    expect(activate("threshold", 0.6, 0.5, undefined)).toBe(1);
    expect(activate("tanh", 0.3, 0, undefined)).toBe(Math.tanh(0.3));
    expect(activate("exponential", 2, 0, undefined)).toBe(exp(2));
    expect(activate("reciprocal", 4, 0, undefined)).toBe(0.25);
    expect(activate("square", -3, 0, undefined)).toBe(9);
    expect(activate("Gauss", 2, 0, undefined)).toBe(exp(-4));
    expect(activate("sine", 1, 0, undefined)).toBe(Math.sin(1));
    expect(activate("cosine", 1, 0, undefined)).toBe(Math.cos(1));
    expect(activate("Elliott", -3, 0, undefined)).toBe(-0.75);
    expect(activate("arctan", 1, 0, undefined)).toBe(0.5);
    expect(activate("rectifier", -2, 0, undefined)).toBe(0);
    expect(activate("rectifier", -2, 0, 0.1)).toBe(-0.2);
    expect(activate("identity", -2, 0, undefined)).toBe(-2);
  });

  it("exp is correctly rounded (HotSpot's Math.exp gives these; fdlibm's is one ulp off)", () => {
    expect(exp(1)).toBe(Math.E);
    expect(exp(0)).toBe(1);
    expect(exp(-Infinity)).toBe(0);
    // Values where fdlibm (V8) rounds the other way.
    expect(exp(0.5000000000000001)).toBe(1.6487212707001284);
    expect(exp(-0.3953455595568922)).toBe(0.6734472828909258);
    expect(exp(0.9858786402893314)).toBe(2.680165751779867);
  });
});
