/**
 * nyoka's MLPRegressor / MLPClassifier: NeuralNetwork threshold="0" altitude="1.0" with the hidden
 * activation of scikit-learn's `activation` (identity, logistic, tanh, relu → rectifier) on the
 * network, neuron ids "<layer><index>", the output layer forced to identity; a regressor's
 * NeuralOutput is a FieldRef to the target; a multiclass classifier's output layer carries
 * normalizationMethod="softmax" and NormDiscrete NeuralOutputs per class.
 */
import { describe, expect, it } from "vitest";
import { expectClose, nyokaPmml, scoreBoth } from "./both-backends.ts";

const W1 = [
  [0.4, -0.7, 0.2],
  [-0.3, 0.5, 0.9],
]; // [input][hidden]
const b1 = [0.1, -0.2, 0.05];
const inputs = ["x1", "x2"];

function hiddenLayer(): string {
  return `<NeuralLayer>${b1.map((b, j) => `<Neuron id="0${j}" bias="${b}">${inputs.map((f, i) => `<Con from="${f}" weight="${W1[i][j]}"/>`).join("")}</Neuron>`).join("")}</NeuralLayer>`;
}

const neuralInputs = `<NeuralInputs numberOfInputs="2">${inputs.map((f) => `<NeuralInput id="${f}"><DerivedField optype="continuous" dataType="double"><FieldRef field="${f}"/></DerivedField></NeuralInput>`).join("")}</NeuralInputs>`;
const activations: Record<string, (z: number) => number> = {
  tanh: Math.tanh,
  identity: (z) => z,
  logistic: (z) => 1 / (1 + Math.exp(-z)),
};
const hidden = (act: (z: number) => number, x: number[]) => b1.map((b, j) => act(b + x[0] * W1[0][j] + x[1] * W1[1][j]));
const rows = [
  { x1: 0.5, x2: -1 },
  { x1: -2, x2: 0.3 },
  { x1: 1.2, x2: 1.7 },
];

describe("nyoka MLP", () => {
  for (const name of ["tanh", "identity"]) {
    it(`MLPRegressor, activation=${name}: an identity output neuron over the hidden layer`, () => {
      const W2 = [0.6, -1.1, 0.35],
        b2 = 0.25;
      const text =
        nyokaPmml(`<DataDictionary numberOfFields="3"><DataField name="x1" optype="continuous" dataType="double"/><DataField name="x2" optype="continuous" dataType="double"/><DataField name="y" optype="continuous" dataType="double"/></DataDictionary>
    <NeuralNetwork modelName="MLPRegressor" functionName="regression" activationFunction="${name}" threshold="0" altitude="1.0">
        <MiningSchema><MiningField name="x1" usageType="active" optype="continuous"/><MiningField name="x2" usageType="active" optype="continuous"/><MiningField name="y" usageType="target" optype="continuous"/></MiningSchema>
        <Output><OutputField name="predicted_y" optype="continuous" dataType="double" feature="predictedValue"/></Output>
        ${neuralInputs}
        ${hiddenLayer()}
        <NeuralLayer activationFunction="identity"><Neuron id="10" bias="${b2}">${W2.map((w, j) => `<Con from="0${j}" weight="${w}"/>`).join("")}</Neuron></NeuralLayer>
        <NeuralOutputs><NeuralOutput outputNeuron="10"><DerivedField optype="continuous" dataType="double"><FieldRef field="y"/></DerivedField></NeuralOutput></NeuralOutputs>
    </NeuralNetwork>`);
      const got = scoreBoth(text, rows);
      rows.forEach((r, i) => {
        const h = hidden(activations[name], [r.x1, r.x2]);
        expectClose(got[i].predicted_y, b2 + h.reduce((s, v, j) => s + v * W2[j], 0));
      });
    });
  }

  it("MLPClassifier multiclass, activation=logistic, integer classes: softmax output layer, NormDiscrete outputs on an integer target", () => {
    const W2 = [
      [0.3, -0.5, 0.8],
      [-0.6, 0.2, 0.1],
      [0.9, 0.4, -0.7],
    ]; // [hidden][class]
    const b2 = [0.05, -0.1, 0.2];
    const classes = [0, 1, 2];
    const text =
      nyokaPmml(`<DataDictionary numberOfFields="3"><DataField name="x1" optype="continuous" dataType="double"/><DataField name="x2" optype="continuous" dataType="double"/>
        <DataField name="digit" optype="categorical" dataType="integer">${classes.map((c) => `<Value value="${c}"/>`).join("")}</DataField></DataDictionary>
    <NeuralNetwork modelName="MLPClassifier" functionName="classification" activationFunction="logistic" threshold="0" altitude="1.0">
        <MiningSchema><MiningField name="x1" usageType="active" optype="continuous"/><MiningField name="x2" usageType="active" optype="continuous"/><MiningField name="digit" usageType="target" optype="categorical"/></MiningSchema>
        <Output>${classes.map((c) => `<OutputField name="probability_${c}" optype="continuous" dataType="double" feature="probability" value="${c}"/>`).join("")}<OutputField name="predicted_digit" optype="categorical" dataType="integer" feature="predictedValue"/></Output>
        ${neuralInputs}
        ${hiddenLayer()}
        <NeuralLayer activationFunction="identity" normalizationMethod="softmax">${classes.map((c) => `<Neuron id="1${c}" bias="${b2[c]}">${b1.map((_b, j) => `<Con from="0${j}" weight="${W2[j][c]}"/>`).join("")}</Neuron>`).join("")}</NeuralLayer>
        <NeuralOutputs>${classes.map((c) => `<NeuralOutput outputNeuron="1${c}"><DerivedField optype="categorical" dataType="double"><NormDiscrete field="digit" value="${c}"/></DerivedField></NeuralOutput>`).join("")}</NeuralOutputs>
    </NeuralNetwork>`);
    const got = scoreBoth(text, rows);
    rows.forEach((r, i) => {
      const h = hidden(activations.logistic, [r.x1, r.x2]);
      const z = classes.map((c) => b2[c] + h.reduce((s, v, j) => s + v * W2[j][c], 0));
      const e = z.map(Math.exp);
      const total = e.reduce((a, b) => a + b, 0);
      classes.forEach((c) => expectClose(got[i][`probability_${c}`], e[c] / total));
      expect(got[i].predicted_digit).toBe(z.indexOf(Math.max(...z)));
    });
  });
});
