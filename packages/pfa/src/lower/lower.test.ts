/**
 * The lowering of PFA engines into the IR: which actions are recognised and what they become
 * (the IR model nodes PMML's reader gives), why others are refused, and that the lowered
 * pipeline, run by the IR's reference interpreter, answers every fixture row as the PFA engine.
 * compile-js on the same pipelines is tested across packages (test/pfa-lowered.test.ts).
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { interpret, type MiningModel, type TreeModel } from "@porta/ir";
import { compilePfa } from "../engine.ts";
import { parsePfa } from "../document.ts";
import { decodeInput, encodeOutput } from "../rows.ts";
import { lowerPfa, type LoweredPfa } from "./index.ts";

const FIXTURES = new URL("../../../../fixtures/pfa/", import.meta.url);
const fixture = (name: string): string => readFileSync(new URL(name, FIXTURES), "utf8");
const engineOf = (text: string) => compilePfa(parsePfa(text));

function lowered(text: string): LoweredPfa {
  const l = lowerPfa(engineOf(text));
  if (!l.lowered) throw new Error(`not lowered: ${l.reason}`);
  return l;
}

/** Why the columnar lowerings (model calls, the scalar core) refuse a document (the program model takes the rest). */
function refusal(text: string): string {
  const l = lowerPfa(engineOf(text), { programs: false });
  if (l.lowered) throw new Error("lowered");
  return l.reason;
}

/** The interpreter's result as the PFA session reports it: the record's fields, or `{output}`. */
function interpreted(l: LoweredPfa, row: unknown): Record<string, unknown> {
  const input = l.input.kind === "array" ? Object.fromEntries(l.input.fields.map((f, k) => [f, (row as number[])[k]])) : (row as Record<string, unknown>);
  const all = interpret(l.pipeline, input as never);
  // the interpreter reports non-final OutputFields too; the session shows the target and final ones
  const hidden = new Set(l.pipeline.model.output.filter((o) => !o.isFinalResult).map((o) => o.name));
  return Object.fromEntries(Object.entries(all).filter(([k]) => !hidden.has(k)));
}

const doc = (action: unknown, extra: Record<string, unknown> = {}) =>
  JSON.stringify({
    input: { type: "record", name: "In", fields: [{ name: "x", type: "double" }] },
    output: "double",
    cells: {
      m: {
        type: {
          type: "record",
          name: "M",
          fields: [
            { name: "coeff", type: { type: "array", items: "double" } },
            { name: "const", type: "double" },
          ],
        },
        init: { coeff: [2], const: 1 },
      },
    },
    action,
    ...extra,
  });
const linear = { "model.reg.linear": [{ new: ["input.x"], type: { type: "array", items: "double" } }, { cell: "m" }] };

describe("lowering PFA engines into the IR", () => {
  it("model.tree.simpleTree over a cell → a TreeModel: pass under the node's test, fail under True (spec §7 model.tree.simpleTree)", () => {
    const l = lowered(fixture("tree.pfa.json"));
    const tree = l.pipeline.model as TreeModel;
    expect(tree.kind).toBe("tree");
    expect(tree.functionName).toBe("classification");
    expect(tree.root.children.map((c) => c.predicate)).toMatchObject([
      { kind: "simple", field: "x1", operator: "lessThan", value: "1.9772" },
      { kind: "true" },
    ]);
    expect(l.pipeline.dataFields.find((f) => f.name === "output")?.validValues.sort()).toEqual(["setosa", "versicolor", "virginica"]);
  });

  it("a.mean of a.map(simpleTree) over a cell of trees → a MiningModel average of TreeModels", () => {
    const m = lowered(fixture("forest.pfa.json")).pipeline.model as MiningModel;
    expect(m.kind).toBe("mining");
    expect(m.multipleModelMethod).toBe("average");
    expect(m.segments.every((s) => s.model.kind === "tree")).toBe(true);
  });

  it("m.link.logit(model.reg.linear) → a RegressionModel with normalizationMethod logit; the label by threshold → a Discretize OutputField", () => {
    const l = lowered(fixture("logistic.pfa.json"));
    expect(l.pipeline.model).toMatchObject({ kind: "regression", normalizationMethod: "logit", tables: [{ intercept: -0.1382 }] });
    expect(l.pipeline.notices).toEqual(['lowered from the PFA document "logistic_regression": RegressionModel normalizationMethod=logit']);
    expect(l.pipeline.model.output.find((o) => o.name === "label")?.expr).toMatchObject({
      kind: "discretize",
      bins: [{ binValue: "yes", closure: "closedOpen", left: 0.5 }],
      defaultValue: "no",
    });
  });

  it("model.cluster.closest over an array input → a ClusteringModel (squaredEuclidean) with one field per element", () => {
    const l = lowered(fixture("kmeans.pfa.json"));
    expect(l.pipeline.model).toMatchObject({ kind: "clustering", measure: { measure: { kind: "squaredEuclidean" } } });
    expect(l.input).toMatchObject({ kind: "array", name: "input", fields: ["input[0]", "input[1]", "input[2]", "input[3]"] });
  });

  for (const name of ["tree", "forest", "kmeans", "logistic", "titus-cart", "mlp"]) {
    it(`${name}: the lowered pipeline (reference interpreter) answers every fixture row as the PFA engine`, () => {
      const text = fixture(`${name}.pfa.json`);
      const engine = engineOf(text);
      const l = lowered(text);
      const rows = fixture(`${name}-input.ndjson`)
        .split("\n")
        .filter((s) => s.trim() !== "")
        .map((s) => JSON.parse(s) as unknown);
      for (const row of rows) {
        const pfa = encodeOutput(engine, engine.action(decodeInput(engine, row)));
        const ir = interpreted(l, row);
        expect(engine.outputType.kind === "record" ? ir : ir.output).toEqual(pfa);
      }
    });
  }

  it("refuses what it cannot lower exactly, with the reason and the document path", () => {
    // shapes not recognised as model calls, and not lowered as expressions either (program.ts)
    expect(refusal(fixture("titus-kmeans.pfa.json"))).toMatch(/the input of type array .*\(at \/input\)/);
    // what the scalar core leaves is refused with the construct and its path (the program model takes it)
    const general = (action: unknown, extra: Record<string, unknown> = {}) =>
      refusal(
        JSON.stringify({
          input: {
            type: "record",
            name: "G",
            fields: [
              { name: "a", type: "int" },
              { name: "x", type: "double" },
            ],
          },
          output: "double",
          action,
          ...extra,
        }),
      );
    expect(general([{ let: { s: 0.0 } }, { while: { "<": ["s", 10] }, do: { set: { s: { "+": ["s", 1] } } } }, "s"])).toMatch(
      /a while loop .*\(at \/action\/1\)/,
    );
    expect(general({ "u.f": ["input.x"] }, { fcns: { f: { params: [{ v: "double" }], ret: "double", do: { "u.f": ["v"] } } } })).toMatch(
      /recursion \(u\.f → u\.f\)/,
    );
    expect(general({ cell: "c" }, { cells: { c: { type: "double", init: 1, shared: true } } })).toMatch(/cell c is shared/);
    expect(general([{ cell: "c", to: 2 }, 1.5], { cells: { c: { type: "double", init: 1 } } })).toMatch(/a cell update .*\(at \/action\/0\)/);
    expect(general({ "+": [{ "cast.long": ["input.a"] }, 0.5] })).toMatch(/long/);
    expect(refusal(fixture("prettypfa.pfa.json"))).toMatch(/input field tag of type union .*\(at \/input\/fields\/2\)/);
    expect(refusal(doc(linear, { method: "emit", output: "double", action: [{ emit: [linear] }] }))).toMatch(/emit engine/);
    expect(refusal(doc(linear, { begin: [{ cell: "m", to: { value: { coeff: [3], const: 0 }, type: "M" } }] }))).toMatch(/begin or end .*\(at \/begin\)/);
    // PFA's loglog is exp(−exp(x)), PMML's exp(−exp(−y)): not the same function
    expect(refusal(doc({ "m.link.loglog": [linear] }))).toMatch(
      /argument 0 of model.reg.linear of type array .*\(at \/action\/0\/m.link.loglog\/0\/model.reg.linear\/0\)/,
    );
    expect(refusal(doc({ "+": [linear, 1] }))).toMatch(/argument 0 of model.reg.linear of type array/);
  });

  it("a bare model.reg.linear is a RegressionModel without normalization, scoring as PFA", () => {
    const text = doc(linear);
    const l = lowered(text);
    expect(l.pipeline.model).toMatchObject({ kind: "regression", normalizationMethod: "none" });
    expect(interpreted(l, { x: 3 }).output).toBe(7);
  });

  it("a tree operator other than the six comparisons is refused (PFA tests it differently or raises)", () => {
    const text = fixture("tree.pfa.json").replace('"operator":"<","value":1.9772', '"operator":"alwaysTrue","value":1.9772');
    expect(refusal(text)).toMatch(/operator "alwaysTrue"/);
  });
});

describe("lowering neural networks, k-NN and votes; refusing naive Bayes", () => {
  const input = { type: "record", name: "In", fields: ["a", "b"].map((name) => ({ name, type: "double" })) };
  const datum = { let: { x: { new: ["input.a", "input.b"], type: { type: "array", items: "double" } } } };
  const nn = (act: unknown, result: unknown, extra: Record<string, unknown> = {}) =>
    JSON.stringify({
      input,
      output: "double",
      cells: {
        layers: {
          type: {
            type: "array",
            items: {
              type: "record",
              name: "Layer",
              fields: [
                { name: "weights", type: { type: "array", items: { type: "array", items: "double" } } },
                { name: "bias", type: { type: "array", items: "double" } },
              ],
            },
          },
          init: [
            {
              weights: [
                [1, -2],
                [0.5, 0.25],
              ],
              bias: [0.1, -0.3],
            },
            { weights: [[1.5, -1]], bias: [0.2] },
          ],
        },
      },
      action: [datum, { let: { activation: { "model.neural.simpleLayers": ["x", { cell: "layers" }, act] } } }, result],
      ...extra,
    });
  const logit = { params: [{ z: "double" }], ret: "double", do: { "m.link.logit": "z" } };

  it("simpleLayers + an element through m.link.logit → a NeuralNetwork: the activation on hidden layers, the link on the last", () => {
    const l = lowered(nn(logit, { "m.link.logit": { attr: "activation", path: [0] } }));
    expect(l.pipeline.model).toMatchObject({
      kind: "neuralNetwork",
      functionName: "regression",
      layers: [
        { activationFunction: "logistic" },
        { activationFunction: "logistic", neurons: [{ bias: 0.2, connections: [{ weight: 1.5 }, { weight: -1 }] }] },
      ],
      outputs: [{ outputNeuron: "l1n0", expr: { kind: "fieldRef", field: "output" } }],
    });
    expect(l.pipeline.notices?.[0]).toMatch(/NeuralNetwork of 2 layers \(regression\)/);
    expect(interpreted(l, { a: 0.5, b: -1 }).output).toBeCloseTo(
      1 / (1 + Math.exp(-(1.5 / (1 + Math.exp(-(0.5 + 2 + 0.1))) - 1 / (1 + Math.exp(-(0.25 - 0.25 - 0.3))) + 0.2))),
      15,
    );
  });

  it("m.link.softmax of the network is its last layer's softmax; refuses a link after it, an unknown activation, a let the model does not read", () => {
    const softmax = lowered(nn(logit, { attr: { "m.link.softmax": "activation" }, path: [0] }));
    expect(softmax.pipeline.model).toMatchObject({
      layers: [{ activationFunction: "logistic" }, { activationFunction: "identity", normalizationMethod: "softmax" }],
    });
    expect(refusal(nn(logit, { "m.link.logit": { attr: { "m.link.softmax": "activation" }, path: [0] } }))).toMatch(
      /a link of an element of a linked or softmaxed network/,
    );
    expect(refusal(nn({ fcn: "m.link.softplus" }, { attr: "activation", path: [0] }))).toMatch(/neural activation other than/);
    const unread = nn(logit, { attr: "activation", path: [0] }).replace('"action":[', '"action":[{"let":{"unused":{"+":[1,2]}}},');
    expect(refusal(unread)).toMatch(/a let of "unused" that the model does not read/);
  });

  it("refuses model.naive.* naming why no IR NaiveBayesModel computes it", () => {
    const text = JSON.stringify({
      input: { type: "array", items: "double" },
      output: "double",
      cells: {
        stats: {
          type: {
            type: "array",
            items: {
              type: "record",
              name: "M",
              fields: [
                { name: "mean", type: "double" },
                { name: "variance", type: "double" },
              ],
            },
          },
          init: [{ mean: 0, variance: 1 }],
        },
      },
      action: { "+": [{ "model.naive.gaussian": ["input", { cell: "stats" }] }, -0.7] },
    });
    expect(refusal(text)).toMatch(/model\.naive\.gaussian sums .* \(at \/action\/0\/\+\/0\)/);
  });

  const knn = (k: number, labels: readonly string[]) =>
    JSON.stringify({
      input,
      output: "string",
      cells: {
        codebook: {
          type: {
            type: "array",
            items: {
              type: "record",
              name: "P",
              fields: [
                { name: "x", type: { type: "array", items: "double" } },
                { name: "y", type: "string" },
              ],
            },
          },
          init: labels.map((y, i) => ({ x: [i, -i], y })),
        },
      },
      action: [
        datum,
        {
          let: {
            n: {
              "model.neighbor.nearestK": [
                k,
                "x",
                { cell: "codebook" },
                { params: [{ d: { type: "array", items: "double" } }, { p: "P" }], ret: "double", do: { "metric.simpleEuclidean": ["d", "p.x"] } },
              ],
            },
          },
        },
        { "a.mode": { "a.map": ["n", { params: [{ p: "P" }], ret: "string", do: "p.y" }] } },
      ],
    });

  it("nearestK + a.mode → a NearestNeighborModel (euclidean, majorityVote) where no tie can happen; refused where one can", () => {
    const l = lowered(knn(3, ["a", "b", "a", "b"]));
    expect(l.pipeline.model).toMatchObject({
      kind: "nearestNeighbor",
      numberOfNeighbors: 3,
      categoricalScoringMethod: "majorityVote",
      measure: { measure: { kind: "euclidean" } },
      instanceFields: [
        { field: "a", column: "p0" },
        { field: "b", column: "p1" },
        { field: "output", column: "label" },
      ],
    });
    expect(interpreted(l, { a: 2.1, b: -2.1 }).output).toBe("b"); // (2,-2) a, (3,-3) b, (1,-1) b
    expect(refusal(knn(2, ["a", "b", "a"]))).toMatch(/a\.mode of 2 votes over 2 categories can tie/);
    expect(refusal(knn(3, ["a", "b", "c"]))).toMatch(/a\.mode of 3 votes over 3 categories can tie/);
  });

  it("a.mode of trees whose votes can tie: PFA's median of the tied labels (in code-point order), not the first voted", () => {
    const node = (leaf: string) => ({ field: "a", operator: "<", value: 0, pass: { string: leaf }, fail: { string: leaf } });
    const forest = (leaves: string[]) =>
      JSON.stringify({
        input,
        output: "string",
        cells: {
          forest: {
            type: {
              type: "array",
              items: {
                type: "record",
                name: "N",
                fields: [
                  { name: "field", type: { type: "enum", name: "F", symbols: ["a", "b"] } },
                  { name: "operator", type: "string" },
                  { name: "value", type: "double" },
                  { name: "pass", type: ["string", "N"] },
                  { name: "fail", type: ["string", "N"] },
                ],
              },
            },
            init: leaves.map(node),
          },
        },
        action: { "a.mode": { "a.map": [{ cell: "forest" }, { params: [{ t: "N" }], ret: "string", do: { "model.tree.simpleTree": ["input", "t"] } }] } },
      });
    const cases: [string[], string][] = [
      [["b", "a"], "a"], // two tied: the lower middle
      [["c", "b", "a"], "b"], // three tied: the middle
      [["c", "B", "b", "a", "b", "a"], "a"], // b and a tied at 2 (B and c once): the lower middle of [a, b]
      [["é", "B", "c"], "c"], // code points: B < c < é
    ];
    for (const [leaves, mode] of cases) {
      const text = forest(leaves);
      const engine = engineOf(text);
      expect(encodeOutput(engine, engine.action(decodeInput(engine, { a: 1, b: 2 })))).toBe(mode);
      const l = lowered(text);
      expect(l.pipeline.model).toMatchObject({ kind: "mining", multipleModelMethod: "majorityVote" });
      expect(interpreted(l, { a: 1, b: 2 }).output).toBe(mode);
    }
  });
});
