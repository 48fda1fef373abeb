import { describe, expect, it } from "vitest";
import type { Expr } from "../expr.ts";
import type { NeuralLayer, NeuralNetwork, NeuralOutput, Neuron } from "../models/neural-network.ts";
import { lowerNeuralLayers, lowerNeuralNetwork, type NeuralTarget } from "./neural-network.ts";

const neuron = (id: string, from: string[], more: Partial<Neuron> = {}): Neuron => ({
  id,
  connections: from.map((f, k) => ({ from: f, weight: k + 1 })),
  ...more,
});
const layer = (neurons: Neuron[], more: Partial<NeuralLayer> = {}): NeuralLayer => ({ neurons, path: "/PMML/NeuralNetwork/NeuralLayer", ...more });
const input = (id: string) => ({ id, dataType: "double" as const, expr: { kind: "fieldRef", field: id } as Expr });
const out = (neuronId: string, expr: Expr): NeuralOutput => ({ outputNeuron: neuronId, expr, path: "/PMML/NeuralNetwork/NeuralOutputs/NeuralOutput" });
const discrete = (value: string): Expr => ({ kind: "normDiscrete", field: "y", value }) as Expr;

function model(more: Partial<NeuralNetwork>): NeuralNetwork {
  return {
    kind: "neuralNetwork",
    functionName: "classification",
    path: "/PMML/NeuralNetwork",
    miningSchema: [],
    output: [],
    targets: [],
    localTransformations: [],
    activationFunction: "logistic",
    normalizationMethod: "none",
    threshold: 0,
    altitude: 1,
    inputs: [input("a"), input("b")],
    layers: [],
    outputs: [],
    ...more,
  } as unknown as NeuralNetwork;
}
const target: NeuralTarget = { name: "y", category: (t) => t, derived: () => undefined };

describe("lowerNeuralNetwork (PMML 4.4 §NeuralNetwork)", () => {
  it("slots: inputs then each layer's neurons; Con as slots; layer attributes resolved from the layer, else the network", () => {
    const plan = lowerNeuralLayers(
      model({
        threshold: 0.5,
        leakage: 0.1,
        layers: [
          layer([neuron("h1", ["a", "b"], { bias: -1 }), neuron("h2", ["b"])], { activationFunction: "threshold", normalizationMethod: "softmax" }),
          layer([neuron("o", ["h2", "h1", "a"])], { threshold: 2 }),
        ],
      }),
    );
    expect(plan.ids).toEqual(["a", "b", "h1", "h2", "o"]);
    expect(plan.layers.map((l) => [l.base, l.activation, l.threshold, l.leakage, l.normalization])).toEqual([
      [2, "threshold", 0.5, 0.1, "softmax"],
      [4, "logistic", 2, 0.1, "none"],
    ]);
    expect(plan.layers[1].neurons[0]).toMatchObject({ from: [3, 2, 0], weights: [1, 2, 3], bias: undefined });
    expect(plan.layers[0].neurons[0].bias).toBe(-1);
  });

  it("a Con reads an input or a neuron defined before it (its own layer's too); an id defined twice names its later definition", () => {
    const plan = lowerNeuralLayers(model({ layers: [layer([neuron("a", ["a"]), neuron("h", ["a", "b"])])] }));
    expect(plan.layers[0].neurons.map((n) => n.from)).toEqual([[0], [2, 1]]);
    expect(plan.slots.get("a")).toBe(2);
    expect(() => lowerNeuralLayers(model({ layers: [layer([neuron("h", ["a", "later"]), neuron("later", ["a"])])] }))).toThrow(
      expect.objectContaining({ code: "PMML_NN_CONNECTION", value: "later", path: "/PMML/NeuralNetwork/NeuralLayer" }),
    );
  });

  it("radialBasis: width from the neuron, the layer or the network (one is required); altitude from the layer or the network", () => {
    const plan = lowerNeuralLayers(
      model({
        activationFunction: "radialBasis",
        width: 3,
        altitude: 2,
        layers: [layer([neuron("r1", ["a"], { width: 5, altitude: 9 }), neuron("r2", ["b"])], { altitude: 4 })],
      }),
    );
    expect(plan.layers[0].neurons.map((n) => [n.width, n.altitude])).toEqual([
      [5, 4],
      [3, 4],
    ]);
    expect(() => lowerNeuralLayers(model({ activationFunction: "radialBasis", layers: [layer([neuron("r", ["a"])])] }))).toThrow(
      expect.objectContaining({ code: "PMML_MISSING_ATTRIBUTE", value: "width" }),
    );
  });

  it("classification: the NeuralOutputs for the target through NormDiscrete, typed categories, in document order", () => {
    const layers = [layer([neuron("p", ["a"]), neuron("q", ["b"])])];
    const plan = lowerNeuralNetwork(
      model({ layers, outputs: [out("q", discrete("no")), out("p", { kind: "normDiscrete", field: "other", value: "x" } as Expr), out("p", discrete("yes"))] }),
      target,
    );
    expect(plan.output).toEqual({
      kind: "classification",
      outputs: [
        { category: "no", slot: 3, neuron: "q" },
        { category: "yes", slot: 2, neuron: "p" },
      ],
    });
    expect(() => lowerNeuralNetwork(model({ layers, outputs: [out("p", { kind: "fieldRef", field: "y" } as Expr)] }), target)).toThrow(
      expect.objectContaining({ code: "PMML_MISPLACED_ELEMENT", value: "FieldRef" }),
    );
    expect(() => lowerNeuralNetwork(model({ layers, outputs: [out("zz", discrete("yes"))] }), target)).toThrow(
      expect.objectContaining({ code: "PMML_NN_NEURON", value: "zz" }),
    );
    expect(() => lowerNeuralNetwork(model({ layers, outputs: [] }), target)).toThrow(expect.objectContaining({ code: "PMML_NN_OUTPUTS" }));
  });

  it("regression: exactly one output, through FieldRef (a DerivedField's expression replaces it) or NormContinuous of two points or more", () => {
    const layers = [layer([neuron("o", ["a"])])];
    const norm: Expr = {
      kind: "normContinuous",
      field: "y",
      points: [
        { orig: 0, norm: 0 },
        { orig: 10, norm: 1 },
      ],
      outliers: "asIs",
    } as Expr;
    const viaDerived: NeuralTarget = { ...target, derived: (name) => (name === "d" ? norm : undefined) };
    const plan = lowerNeuralNetwork(model({ functionName: "regression", layers, outputs: [out("o", { kind: "fieldRef", field: "d" } as Expr)] }), viaDerived);
    expect(plan.output).toEqual({
      kind: "regression",
      slot: 2,
      denormalize: [
        { orig: 0, norm: 0 },
        { orig: 10, norm: 1 },
      ],
    });
    expect(() => lowerNeuralNetwork(model({ functionName: "regression", layers, outputs: [out("o", norm), out("o", norm)] }), target)).toThrow(
      expect.objectContaining({ code: "PMML_NN_OUTPUTS", value: 2 }),
    );
    expect(() =>
      lowerNeuralNetwork(model({ functionName: "regression", layers, outputs: [out("o", { ...norm, points: [{ orig: 0, norm: 0 }] } as Expr)] }), target),
    ).toThrow(expect.objectContaining({ code: "PMML_NORM_CONTINUOUS", value: 1 }));
    expect(() => lowerNeuralNetwork(model({ functionName: "regression", layers, outputs: [out("o", discrete("x"))] }), target)).toThrow(
      expect.objectContaining({ code: "PMML_MISPLACED_ELEMENT", value: "NormDiscrete" }),
    );
    expect(() => lowerNeuralNetwork(model({ functionName: "clustering" as NeuralNetwork["functionName"], layers, outputs: [out("o", norm)] }), target)).toThrow(
      expect.objectContaining({ code: "PMML_FUNCTION_NAME" }),
    );
  });
});
