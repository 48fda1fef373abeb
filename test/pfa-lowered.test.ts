/**
 * PFA documents lowered into the IR and scored by compile-js (issue 15): backend selection picks
 * compile-js for a document the pfa backend lowers and says why when it does not; on every
 * fixture row and on generated documents of each recognised shape (fast-check), compile-js gives
 * the PFA engine's results bit for bit, and fails the rows the engine fails.
 *
 * Seed: PORTA_PROPERTY_SEED (default below); `PORTA_PROPERTY_SEED=<seed> npx vitest run
 * test/pfa-lowered.test.ts` replays a failure.
 */
import { readFileSync } from "node:fs";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { Column } from "@porta/backend";
import { modelFromText, type Model } from "@porta/runtime";

const SEED = Number(process.env.PORTA_PROPERTY_SEED ?? 20261207);
const FIXTURES = new URL("../fixtures/pfa/", import.meta.url);
const fixture = (name: string): string => readFileSync(new URL(name, FIXTURES), "utf8");
const ndjson = (text: string): unknown[] =>
  text
    .split("\n")
    .filter((l) => l.trim() !== "")
    .map((l) => JSON.parse(l) as unknown);

/** Equal, numbers within 1e-12 relative. */
function close(actual: unknown, expected: unknown): boolean {
  if (typeof expected === "number" && typeof actual === "number") return Math.abs(actual - expected) <= 1e-12 * Math.max(1, Math.abs(expected));
  if (expected !== null && typeof expected === "object" && actual !== null && typeof actual === "object") {
    const keys = Object.keys(expected);
    return (
      keys.length === Object.keys(actual).length && keys.every((k) => close((actual as Record<string, unknown>)[k], (expected as Record<string, unknown>)[k]))
    );
  }
  return actual === expected;
}

/** The two engines of one document: compile-js on the lowered pipeline, and the PFA closure engine. */
function engines(text: string): { js: Model; pfa: Model } {
  const js = modelFromText(text, "pfa", "auto");
  const pfa = modelFromText(text, "pfa", ["pfa"]);
  return { js, pfa };
}

/** A row as the session takes it: a record input as is, any other input under `input`. */
const asRow = (input: unknown): Record<string, unknown> => (Array.isArray(input) ? { input } : (input as Record<string, unknown>));

/** Both engines' answers row by row: the result, or the failure's code. */
function answers(m: Model, rows: readonly Record<string, unknown>[]): unknown[] {
  const { results, errors } = m.scoreBatch(rows, { onError: "collect" });
  return results.map((r, i) => (errors.some((e) => e.row === i) ? { failed: true } : r));
}

function agree(text: string, inputs: readonly unknown[]): void {
  const { js, pfa } = engines(text);
  expect(js.backend, js.notices.join("; ")).toBe("js");
  expect(pfa.backend).toBe("pfa");
  const rows = inputs.map(asRow);
  expect(answers(js, rows)).toEqual(answers(pfa, rows));
  // one row at a time (the latency path) as well
  for (const row of rows.slice(0, 5)) {
    let a: unknown, b: unknown;
    try {
      a = js.score(row);
    } catch {
      a = "failed";
    }
    try {
      b = pfa.score(row);
    } catch {
      b = "failed";
    }
    expect(a).toEqual(b);
  }
}

describe("PFA fixtures scored by compile-js through the IR", () => {
  for (const name of ["tree", "forest", "kmeans", "logistic", "titus-cart", "mlp"]) {
    it(`${name}: backend auto picks compile-js, which gives the PFA engine's result and the expected file on every row`, () => {
      const text = fixture(`${name}.pfa.json`);
      const inputs = ndjson(fixture(`${name}-input.ndjson`));
      agree(text, inputs);
      const { js } = engines(text);
      const expected = ndjson(fixture(`${name}-expected.ndjson`));
      const got = js.scoreBatch(inputs.map(asRow)).results.map((r) => ("output" in r! && Object.keys(r!).length === 1 ? r!.output : r));
      // the expected files are an independent evaluation in plain TypeScript (fixtures/pfa/generate.ts,
      // V8's Math.exp), checked to 1e-12 as packages/pfa/src/fixtures.test.ts does; the engines agree bit for bit (above)
      expect(got.filter((g, i) => !close(g, expected[i]))).toEqual([]);
    });
  }

  it("a document no columnar lowering takes is lowered as a program; while compile-js refuses programs it stays on the PFA engine, and the refusal says so", () => {
    const m = modelFromText(fixture("titus-kmeans.pfa.json"), "pfa", "js");
    expect(m.backend).toBe("pfa");
    expect(m.notices.join("; ")).toMatch(/js refused \(the pfa document lowered into the IR, but: compile-js does not compile PFA programs yet\)/);
  });

  it("--backend js on a lowerable document scores with compile-js; its model types say it came from PFA", () => {
    const m = modelFromText(fixture("forest.pfa.json"), "pfa", ["js"]);
    expect(m.backend).toBe("js");
    expect(m.modelTypes).toEqual(["PFA map", "MiningModel", "TreeModel"]);
    expect(m.inputFields.map((f) => f.name)).toEqual(["x0", "x1", "x2", "x3"]);
  });

  it("rows the PFA engine rejects fail in compile-js too: a missing field, a text, an array of another length", () => {
    const forest = engines(fixture("forest.pfa.json"));
    // a text where PFA wants a number fails even when it reads as one (an IR backend would parse it)
    const bad = [
      { x0: 1, x1: 2, x2: 3 },
      { x0: 1, x1: 2, x2: 3, x3: null },
      { x0: "a", x1: 2, x2: 3, x3: 4 },
      { x0: "1.5", x1: 2, x2: 3, x3: 4 },
    ];
    expect(answers(forest.js, bad)).toEqual(bad.map(() => ({ failed: true })));
    expect(answers(forest.pfa, bad)).toEqual(bad.map(() => ({ failed: true })));
    const kmeans = engines(fixture("kmeans.pfa.json"));
    const arrays = [{ input: [1, 2, 3] }, { input: [1, 2, 3, 4, 5] }, { input: "x" }];
    expect(answers(kmeans.js, arrays)).toEqual(arrays.map(() => ({ failed: true })));
    expect(answers(kmeans.pfa, arrays)).toEqual(arrays.map(() => ({ failed: true })));
    expect(() => kmeans.js.score({ input: [1, 2, 3] })).toThrow(/dimensions of vectors do not match/);
    // an int field wants a whole number
    const cart = engines(fixture("titus-cart.pfa.json"));
    const ints = [
      { x: 1, y: 2.5, z: "B" },
      { x: 1, y: "2", z: "B" },
    ];
    expect(answers(cart.js, ints)).toEqual(ints.map(() => ({ failed: true })));
    expect(answers(cart.pfa, ints)).toEqual(ints.map(() => ({ failed: true })));
    // the columnar path too: a value column of texts fails those rows
    const one = (v: unknown): Column => ({ kind: "value", values: [v, 1] });
    const batch = {
      length: 2,
      columns: new Map<string, Column>([
        ["x0", one("1.5")],
        ["x1", one(1)],
        ["x2", one(1)],
        ["x3", one(1)],
      ]),
    };
    const scored = forest.js.scoreColumns(batch);
    expect(scored.errors.map((e) => (e as { code?: string } | undefined)?.code)).toEqual(["PFA_BAD_VALUE", undefined]);
  });

  it("an array input arrives in columns too (scoreColumns): spread into its element fields", () => {
    const { js, pfa } = engines(fixture("kmeans.pfa.json"));
    const inputs = ndjson(fixture("kmeans-input.ndjson")).slice(0, 20);
    const batch = { length: inputs.length, columns: new Map([["input", { kind: "value" as const, values: inputs }]]) };
    const a = js.scoreColumns(batch);
    const b = pfa.scoreColumns(batch);
    for (const name of ["cluster", "distance"]) expect(a.columns.get(name)).toEqual(b.columns.get(name));
  });
});

// ---------------------------------------------------------------- generated documents

const FIELDS = ["x0", "x1", "x2"] as const;
const INPUT = { type: "record", name: "Input", fields: FIELDS.map((name) => ({ name, type: "double" })) };
const value = fc.double({ min: -100, max: 100, noNaN: true });
const OPS = ["<", "<=", ">", ">=", "==", "!="] as const;

type Leaf = number | string;
type Tree = { field: string; operator: string; value: number; pass: Tree | Leaf; fail: Tree | Leaf };

/** Subtrees of depth ≤ `depth`; thresholds from a small set so that inputs hit them exactly (== and <= matter). */
function treeArb(leaf: fc.Arbitrary<Leaf>, thresholds: readonly number[], depth: number): fc.Arbitrary<Tree | Leaf> {
  if (depth === 0) return leaf;
  return fc.oneof({ weight: 1, arbitrary: leaf }, { weight: 3, arbitrary: nodeArb(leaf, thresholds, depth) });
}

/** A node record (simpleTree's cell holds one at the root). */
function nodeArb(leaf: fc.Arbitrary<Leaf>, thresholds: readonly number[], depth: number): fc.Arbitrary<Tree> {
  return fc.record({
    field: fc.constantFrom(...FIELDS),
    operator: fc.constantFrom(...OPS),
    value: fc.constantFrom(...thresholds),
    pass: treeArb(leaf, thresholds, depth - 1),
    fail: treeArb(leaf, thresholds, depth - 1),
  });
}

const rootArb = (leaf: fc.Arbitrary<Leaf>, thresholds: readonly number[]): fc.Arbitrary<Tree> => nodeArb(leaf, thresholds, 4);

/** A tree in Avro JSON: union branches tagged with their type name. */
function avroTree(t: Tree | Leaf, leafType: string): unknown {
  if (typeof t !== "object") return { [leafType]: t };
  return { ...t, pass: avroTree(t.pass, leafType), fail: avroTree(t.fail, leafType) };
}
const avroRoot = (t: Tree, leafType: string) => ({ ...t, pass: avroTree(t.pass, leafType), fail: avroTree(t.fail, leafType) });

const treeType = (leafType: string) => ({
  type: "record",
  name: "Node",
  fields: [
    { name: "field", type: { type: "enum", name: "Field", symbols: [...FIELDS] } },
    { name: "operator", type: "string" },
    { name: "value", type: "double" },
    { name: "pass", type: [leafType, "Node"] },
    { name: "fail", type: [leafType, "Node"] },
  ],
});

const thresholdsArb = fc.array(value, { minLength: 1, maxLength: 4 });
/** Inputs drawn from the thresholds and around them. */
const rowsArb = (thresholds: readonly number[]) =>
  fc.array(fc.record(Object.fromEntries(FIELDS.map((f) => [f, fc.oneof(fc.constantFrom(...thresholds), value)]))), { minLength: 1, maxLength: 20 });

describe("generated PFA documents: compile-js on the lowered pipeline answers as the PFA engine", () => {
  it("model.tree.simpleTree / simpleWalk over a cell, string or double leaves", () => {
    fc.assert(
      fc.property(
        thresholdsArb.chain((th) =>
          fc.tuple(
            fc.constant(th),
            fc.boolean(),
            fc.boolean().chain((strings) => rootArb(strings ? fc.constantFrom<Leaf>("a", "b", "c") : value, th).map((t) => ({ strings, t }))),
          ),
        ),
        fc.context(),
        ([th, walk, { strings, t }], ctx) => {
          const leaf = strings ? "string" : "double";
          const call = walk
            ? {
                "model.tree.simpleWalk": [
                  "input",
                  { cell: "tree" },
                  { params: [{ d: "Input" }, { t: "Node" }], ret: "boolean", do: { "model.tree.simpleTest": ["d", "t"] } },
                ],
              }
            : { "model.tree.simpleTree": ["input", { cell: "tree" }] };
          const text = JSON.stringify({ input: INPUT, output: leaf, cells: { tree: { type: treeType(leaf), init: avroRoot(t, leaf) } }, action: call });
          ctx.log(text);
          fc.assert(
            fc.property(rowsArb(th), (rows) => agree(text, rows)),
            { numRuns: 3, seed: SEED },
          );
        },
      ),
      { numRuns: 60, seed: SEED },
    );
  });

  it("a.mean / a.sum of a.map(simpleTree) over a forest cell", () => {
    fc.assert(
      fc.property(
        thresholdsArb.chain((th) =>
          fc.tuple(fc.constant(th), fc.constantFrom("a.mean", "a.sum"), fc.array(rootArb(value, th), { minLength: 1, maxLength: 6 })),
        ),
        rowsArb([0]),
        ([th, reduce, trees], rows) => {
          const text = JSON.stringify({
            input: INPUT,
            output: "double",
            cells: { forest: { type: { type: "array", items: treeType("double") }, init: trees.map((t) => avroRoot(t, "double")) } },
            action: {
              [reduce]: [{ "a.map": [{ cell: "forest" }, { params: [{ tree: "Node" }], ret: "double", do: { "model.tree.simpleTree": ["input", "tree"] } }] }],
            },
          });
          agree(
            text,
            rows.map((r, k) => (k % 2 === 0 ? r : Object.fromEntries(FIELDS.map((f, i) => [f, th[i % th.length]!])))),
          );
        },
      ),
      { numRuns: 60, seed: SEED },
    );
  });

  it("m.link.logit / cloglog / none of model.reg.linear, with a label chosen by threshold", () => {
    const big = fc.double({ min: -50, max: 50, noNaN: true });
    fc.assert(
      fc.property(
        fc.array(big, { minLength: 3, maxLength: 3 }),
        big,
        fc.constantFrom("m.link.logit", "m.link.cloglog", null),
        fc.constantFrom("<", "<=", ">", ">="),
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.boolean(),
        fc.array(fc.record(Object.fromEntries(FIELDS.map((f) => [f, big]))), { minLength: 1, maxLength: 30 }),
        (coeff, cnst, link, op, threshold, flipped, rows) => {
          const linear = { "model.reg.linear": [{ new: FIELDS.map((f) => `input.${f}`), type: { type: "array", items: "double" } }, { cell: "model" }] };
          const test = flipped ? { [op]: [threshold, "p"] } : { [op]: ["p", threshold] };
          const text = JSON.stringify({
            input: INPUT,
            output: {
              type: "record",
              name: "Out",
              fields: [
                { name: "p", type: "double" },
                { name: "label", type: "string" },
              ],
            },
            cells: {
              model: {
                type: {
                  type: "record",
                  name: "M",
                  fields: [
                    { name: "coeff", type: { type: "array", items: "double" } },
                    { name: "const", type: "double" },
                  ],
                },
                init: { coeff, const: cnst },
              },
            },
            action: [
              { let: { p: link ? { [link]: linear } : linear } },
              { new: { p: "p", label: { if: test, then: { string: "hi" }, else: { string: "lo" } } }, type: "Out" },
            ],
          });
          agree(text, rows);
        },
      ),
      { numRuns: 200, seed: SEED },
    );
  });

  it("model.cluster.closest over an array input, reporting the cluster's id and metric.simpleEuclidean distance", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 5 }).chain((dim) =>
          fc.tuple(
            fc.array(fc.array(fc.integer({ min: -3, max: 3 }), { minLength: dim, maxLength: dim }), { minLength: 1, maxLength: 6 }),
            // small integers: ties between clusters happen, and the first must win in both
            fc.array(fc.array(fc.oneof(fc.integer({ min: -3, max: 3 }), value), { minLength: dim, maxLength: dim }), { minLength: 1, maxLength: 20 }),
          ),
        ),
        ([centers, rows]) => {
          const text = JSON.stringify({
            input: { type: "array", items: "double" },
            output: {
              type: "record",
              name: "A",
              fields: [
                { name: "id", type: "string" },
                { name: "d", type: "double" },
              ],
            },
            cells: {
              clusters: {
                type: {
                  type: "array",
                  items: {
                    type: "record",
                    name: "C",
                    fields: [
                      { name: "id", type: "string" },
                      { name: "center", type: { type: "array", items: "double" } },
                    ],
                  },
                },
                init: centers.map((center, k) => ({ id: `c${k}`, center })),
              },
            },
            action: [
              { let: { best: { "model.cluster.closest": ["input", { cell: "clusters" }] } } },
              { new: { id: "best.id", d: { "metric.simpleEuclidean": ["input", "best.center"] } }, type: "A" },
            ],
          });
          agree(text, rows);
        },
      ),
      { numRuns: 150, seed: SEED },
    );
  });
});

// ---------------------------------------------------------------- neural networks, k-NN, votes

const datumLet = { let: { x: { new: FIELDS.map((f) => `input.${f}`), type: { type: "array", items: "double" } } } };
const LAYER = {
  type: "array",
  items: {
    type: "record",
    name: "Layer",
    fields: [
      { name: "weights", type: { type: "array", items: { type: "array", items: "double" } } },
      { name: "bias", type: { type: "array", items: "double" } },
    ],
  },
};
const ACTIVATION_ARGS: Record<string, unknown> = {
  logit: { params: [{ z: "double" }], ret: "double", do: { "m.link.logit": "z" } },
  tanh: { fcn: "m.link.tanh" },
  relu: { fcn: "u.act" },
  identity: { params: [{ z: "double" }], ret: "double", do: "z" },
};
const weight = fc.double({ min: -3, max: 3, noNaN: true });

/** Layers of the given widths over `inputs` values, as simpleLayers' cell holds them. */
const layersArb = (inputs: number, widths: readonly number[]) =>
  fc.tuple(
    ...widths.map((w, k) =>
      fc.record({
        weights: fc.array(fc.array(weight, { minLength: k === 0 ? inputs : widths[k - 1]!, maxLength: k === 0 ? inputs : widths[k - 1]! }), {
          minLength: w,
          maxLength: w,
        }),
        bias: fc.array(weight, { minLength: w, maxLength: w }),
      }),
    ),
  );

const networkArb = fc
  .tuple(fc.array(fc.integer({ min: 1, max: 4 }), { minLength: 0, maxLength: 2 }), fc.integer({ min: 1, max: 3 }))
  .chain(([hidden, out]) => fc.tuple(fc.constant(out), layersArb(FIELDS.length, [...hidden, out])));

describe("generated PFA documents of neural networks, k-NN and votes: compile-js answers as the PFA engine", () => {
  it("model.neural.simpleLayers: one element (through a link or not), or classes[a.argmax(...)]", () => {
    fc.assert(
      fc.property(
        networkArb,
        fc.constantFrom(...Object.keys(ACTIVATION_ARGS)),
        fc.constantFrom("element", "logit-element", "link-array", "argmax", "array-input", "softmax-element", "argmax-softmax"),
        fc.nat(),
        fc.array(fc.record(Object.fromEntries(FIELDS.map((f) => [f, value]))), { minLength: 1, maxLength: 15 }),
        ([out, layers], act, shape, pick, rows) => {
          const k = pick % out;
          const array = shape === "array-input";
          const call = { "model.neural.simpleLayers": [array ? "input" : "x", { cell: "layers" }, ACTIVATION_ARGS[act]] };
          const element = { attr: "activation", path: [{ int: k }] };
          const result = {
            element,
            "array-input": { "m.link.logit": element },
            "logit-element": { "m.link.logit": element },
            "link-array": { attr: { "m.link.tanh": "activation" }, path: [{ int: k }] },
            argmax: { cell: "classes", path: [{ "a.argmax": ["activation"] }] },
            "softmax-element": { attr: { "m.link.softmax": "activation" }, path: [{ int: k }] },
            "argmax-softmax": { cell: "classes", path: [{ "a.argmax": [{ "m.link.softmax": "activation" }] }] },
          }[shape];
          const text = JSON.stringify({
            input: array ? { type: "array", items: "double" } : INPUT,
            output: shape.startsWith("argmax") ? "string" : "double",
            cells: { layers: { type: LAYER, init: layers }, classes: { type: { type: "array", items: "string" }, init: ["c0", "c1", "c2"] } },
            fcns: { act: { params: [{ z: "double" }], ret: "double", do: { "m.link.relu": "z" } } },
            action: [...(array ? [] : [datumLet]), { let: { activation: call } }, result],
          });
          agree(text, array ? rows.map((r) => FIELDS.map((f) => r[f])) : rows);
        },
      ),
      { numRuns: 80, seed: SEED },
    );
  });

  const POINT = (label: string) => ({
    type: "record",
    name: "Point",
    fields: [
      { name: "x", type: { type: "array", items: "double" } },
      { name: "y", type: label },
    ],
  });
  const small = fc.integer({ min: -3, max: 3 });

  it("model.neighbor.nearestK + a.mode (two labels, odd k; or k = 1) / a.mean: equal distances keep codebook order", () => {
    fc.assert(
      fc.property(
        fc.boolean(),
        fc.array(fc.tuple(fc.array(small, { minLength: 3, maxLength: 3 }), fc.constantFrom("a", "b", "c"), small), { minLength: 1, maxLength: 12 }),
        fc.integer({ min: 0, max: 4 }),
        // small integers: ties between distances happen, and the codebook's order must decide them in both
        fc.array(fc.record(Object.fromEntries(FIELDS.map((f) => [f, fc.oneof(small, value)]))), { minLength: 1, maxLength: 15 }),
        (classify, points, kk, rows) => {
          // an odd count of neighbours taken (k beyond the codebook takes every point)
          const odd = Math.min(2 * kk + 1, points.length - (points.length % 2 === 0 ? 1 : 0));
          const k = classify ? (points.some((p) => p[1] === "c") ? 1 : odd) : kk + 1;
          const text = JSON.stringify({
            input: INPUT,
            output: classify ? "string" : "double",
            cells: {
              codebook: {
                type: { type: "array", items: POINT(classify ? "string" : "double") },
                init: points.map(([x, s, n]) => ({ x, y: classify ? s : n })),
              },
              k: { type: "int", init: k },
            },
            action: [
              datumLet,
              {
                let: {
                  neighbors: {
                    "model.neighbor.nearestK": [
                      { cell: "k" },
                      "x",
                      { cell: "codebook" },
                      { params: [{ x: { type: "array", items: "double" } }, { p: "Point" }], ret: "double", do: { "metric.simpleEuclidean": ["x", "p.x"] } },
                    ],
                  },
                },
              },
              { [classify ? "a.mode" : "a.mean"]: { "a.map": ["neighbors", { params: [{ p: "Point" }], ret: classify ? "string" : "double", do: "p.y" }] } },
            ],
          });
          agree(text, rows);
        },
      ),
      { numRuns: 100, seed: SEED },
    );
  });

  it("a.mode of a.map(simpleTree) over a forest → MiningModel majorityVote; where votes can tie, a.mode's median of the tied labels from the vote shares", () => {
    fc.assert(
      fc.property(
        thresholdsArb.chain((th) =>
          fc.tuple(
            fc.constant(th),
            // labels whose PFA order (code points) is not their order of first vote, nor JS's locale order
            fc.array(rootArb(fc.constantFrom<Leaf>("b", "a", "c", "B", "é"), th), { minLength: 1, maxLength: 8 }),
          ),
        ),
        rowsArb([0]),
        ([th, trees], rows) => {
          const text = JSON.stringify({
            input: INPUT,
            output: "string",
            cells: { forest: { type: { type: "array", items: treeType("string") }, init: trees.map((t) => avroRoot(t, "string")) } },
            action: {
              "a.mode": [{ "a.map": [{ cell: "forest" }, { params: [{ tree: "Node" }], ret: "string", do: { "model.tree.simpleTree": ["input", "tree"] } }] }],
            },
          });
          agree(
            text,
            rows.map((r, k) => (k % 2 === 0 ? r : Object.fromEntries(FIELDS.map((f, i) => [f, th[i % th.length]!])))),
          );
        },
      ),
      { numRuns: 50, seed: SEED },
    );
  });

  it("an array input of another length fails the row with the error the PFA engine raises (simpleLayers: weights, bias, or datum misaligned)", () => {
    const text = JSON.stringify({
      input: { type: "array", items: "double" },
      output: "double",
      cells: { layers: { type: LAYER, init: [{ weights: [[1, 2, 3]], bias: [0.5] }] } },
      action: { attr: { "model.neural.simpleLayers": ["input", { cell: "layers" }, ACTIVATION_ARGS.identity] }, path: [{ int: 0 }] },
    });
    const { js, pfa } = engines(text);
    expect(js.backend).toBe("js");
    expect(js.score({ input: [1, 1, 1] })).toEqual(pfa.score({ input: [1, 1, 1] }));
    for (const m of [js, pfa]) expect(() => m.score({ input: [1, 2] })).toThrow(/weights, bias, or datum misaligned/);
  });
});

// ---------------------------------------------------------------- general expressions (program.ts)

type Ty = "int" | "double" | "boolean";
type Var = { readonly name: string; readonly ty: Ty };

/** Both engines' answer for one row: the result, or the failure's code and PFA code. */
function outcome(m: Model, row: Record<string, unknown>): unknown {
  try {
    return m.score(row);
  } catch (e) {
    const err = e as { code?: string; pfaCode?: number; message?: string };
    return { failed: err.code, pfaCode: err.pfaCode, message: err.message };
  }
}

const INT_EDGES = [0, 1, -1, 2, -2, 3, 7, -7, 46341, -46341, 65536, 2147483647, -2147483648];
const intLit = fc.oneof(fc.constantFrom(...INT_EDGES), fc.integer({ min: -1000, max: 1000 }));
const dblLit = fc.oneof(fc.constantFrom(0, -0.5, 0.5, 1, -1, 2.5, 1e308, -1e-300), fc.double({ min: -1e6, max: 1e6, noNaN: true }));

/** A PFA expression of type `ty` over the input record, the variables in scope and three user functions. */
function exprArb(ty: Ty, depth: number, vars: readonly Var[]): fc.Arbitrary<unknown> {
  const own = vars.filter((v) => v.ty === ty).map((v) => v.name);
  const leaves: fc.Arbitrary<unknown>[] = {
    int: [fc.constantFrom("input.a", "input.b"), intLit],
    double: [fc.constantFrom("input.x", "input.y"), dblLit.map((v) => ({ double: v }))],
    boolean: [fc.constant("input.p"), fc.boolean()],
  }[ty];
  if (own.length > 0) leaves.push(fc.constantFrom(...own));
  const leaf = fc.oneof(...leaves);
  if (depth === 0) return leaf;
  const i = () => exprArb("int", depth - 1, vars);
  const d = () => exprArb("double", depth - 1, vars);
  const num = () => fc.oneof(i(), d());
  const b = () => exprArb("boolean", depth - 1, vars);
  const call = (name: string, ...args: fc.Arbitrary<unknown>[]) => fc.tuple(...args).map((a) => ({ [name]: a }));
  const branches: fc.Arbitrary<unknown>[] = {
    int: [
      fc.constantFrom("+", "-", "*", "//", "%", "%%", "&", "|", "^", "max", "min").chain((op) => call(op, i(), i())),
      call("**", i(), fc.integer({ min: -2, max: 40 })),
      fc.constantFrom("u-", "m.abs", "~").chain((op) => call(op, i())),
      call("cmp", num(), num()),
      call("m.signum", d()),
      call("cast.int", d()),
      call("m.copysign", i(), i()),
      call("u.clamp", i()),
      fc.tuple(b(), i(), i()).map(([t, x, y]) => ({ if: t, then: x, else: y })),
    ],
    double: [
      fc.constantFrom("+", "-", "*", "/", "%", "%%", "**", "max", "min", "m.hypot", "m.copysign", "m.atan2").chain((op) => call(op, d(), num())),
      fc
        .constantFrom(
          "u-",
          "m.abs",
          "m.floor",
          "m.ceil",
          "m.rint",
          "m.sqrt",
          "m.exp",
          "m.ln",
          "m.sin",
          "m.tanh",
          "m.link.logit",
          "m.link.cloglog",
          "cast.double",
        )
        .chain((op) => call(op, d())),
      call("m.log", d(), i()),
      call("impute.defaultOnNonNum", d(), d()),
      call("u.twice", d()),
      fc.tuple(b(), d(), d()).map(([t, x, y]) => ({ if: t, then: x, else: y })),
      fc.tuple(b(), b(), d(), d(), d()).map(([t1, t2, x, y, z]) => ({
        cond: [
          { if: t1, then: x },
          { if: t2, then: y },
        ],
        else: z,
      })),
      fc.tuple(d(), i()).map(([x, n]) => ({ do: [{ let: { t: x } }, { "*": ["t", n] }] })),
    ],
    boolean: [
      fc.constantFrom("==", "!=", "<", "<=", ">", ">=").chain((op) => call(op, num(), num())),
      fc.constantFrom("&&", "||", "^^").chain((op) => call(op, b(), b())),
      call("!", b()),
      fc.constantFrom("impute.isnan", "impute.isinf", "impute.isnum").chain((op) => call(op, d())),
    ],
  }[ty];
  return fc.oneof({ weight: 2, arbitrary: leaf }, { weight: 3, arbitrary: fc.oneof(...branches) });
}

/** An action: lets of each type (later ones read earlier ones), a set inside an if, an unused let, and the output record. */
const actionArb = fc.tuple(exprArb("int", 2, []), exprArb("double", 2, []), exprArb("boolean", 2, [])).chain(([i0, d0, b0]) => {
  const vars: Var[] = [
    { name: "i0", ty: "int" },
    { name: "d0", ty: "double" },
    { name: "b0", ty: "boolean" },
  ];
  return fc
    .tuple(exprArb("int", 2, vars), exprArb("double", 2, vars), exprArb("boolean", 2, vars), exprArb("int", 2, vars), exprArb("double", 2, vars))
    .map(([i1, d1, t, unused, d2]) => [
      { let: { i0, d0, b0 } },
      { let: { acc: { double: 0 } } },
      { let: { ignored: unused } },
      { if: t, then: [{ set: { acc: d1, i0: i1 } }], else: [{ set: { acc: d2 } }] },
      { new: { i: "i0", d: { "+": ["acc", "d0"] }, b: "b0" }, type: "Out" },
    ]);
});

const GENERAL_INPUT = {
  type: "record",
  name: "In",
  fields: [
    { name: "a", type: "int" },
    { name: "b", type: "int" },
    { name: "x", type: "double" },
    { name: "y", type: "double" },
    { name: "p", type: "boolean" },
  ],
};
const GENERAL_OUTPUT = {
  type: "record",
  name: "Out",
  fields: [
    { name: "i", type: "int" },
    { name: "d", type: "double" },
    { name: "b", type: "boolean" },
  ],
};
const FCNS = {
  twice: { params: [{ v: "double" }], ret: "double", do: [{ let: { w: "v" } }, { "+": ["w", "v"] }] },
  clamp: { params: [{ n: "int" }], ret: "int", do: { if: { ">": ["n", 100] }, then: 100, else: { "u.twice2": ["n"] } } },
  twice2: { params: [{ n: "int" }], ret: "int", do: { "*": ["n", 2] } },
};
const generalRow = fc.record({
  a: intLit,
  b: intLit,
  x: fc.oneof(dblLit, fc.constantFrom("nan", "inf", "-inf")),
  y: fc.oneof(dblLit, fc.constantFrom("nan", "inf", "-inf")),
  p: fc.boolean(),
});

describe("generated expression documents (general PFA lowered into the IR)", () => {
  it("add.pfa.yaml lowers: compile-js answers as the PFA engine, NaN inputs and outputs as Avro JSON", () => {
    const text = fixture("add.pfa.yaml");
    agree(text, [{ x: 1, y: 2 }, { x: 5, y: 6 }, { x: "nan", y: 1 }, { x: "inf", y: "-inf" }, { x: 1 }, { x: "1", y: 2 }]);
    expect(modelFromText(text, "pfa", "auto").score({ x: "nan", y: 1 })).toEqual({ z: "nan", big: true });
  });

  it("let, set in branches, if, cond, do, user functions, int arithmetic with its errors: the same results and the same errors", { timeout: 60_000 }, () => {
    fc.assert(
      fc.property(actionArb, fc.array(generalRow, { minLength: 1, maxLength: 12 }), fc.context(), (action, rows, ctx) => {
        const text = JSON.stringify({ input: GENERAL_INPUT, output: GENERAL_OUTPUT, fcns: FCNS, action });
        ctx.log(text);
        const js = modelFromText(text, "pfa", "auto");
        const pfa = modelFromText(text, "pfa", ["pfa"]);
        expect(js.backend, js.notices.join("; ")).toBe("js");
        for (const row of rows) expect(outcome(js, row)).toEqual(outcome(pfa, row));
        // the batch path as well
        expect(answers(js, rows)).toEqual(answers(pfa, rows));
      }),
      { numRuns: 60, seed: SEED },
    );
  });

  it("what the scalar core leaves (loops, recursion, cells written or shared, longs, arrays) is lowered as a program; auto then picks the PFA engine while compile-js refuses programs", () => {
    const refused = (action: unknown, extra: Record<string, unknown> = {}) => {
      const m = modelFromText(JSON.stringify({ input: GENERAL_INPUT, output: "double", action, ...extra }), "pfa", "auto");
      expect(m.backend).toBe("pfa");
      return m.notices.join("; ");
    };
    const program = /js refused \(the pfa document lowered into the IR, but: compile-js does not compile PFA programs yet\)/;
    expect(refused([{ let: { s: 0.0 } }, { while: { "<": ["s", 10] }, do: { set: { s: { "+": ["s", 1] } } } }, "s"])).toMatch(program);
    expect(refused({ "u.f": ["input.x"] }, { fcns: { f: { params: [{ v: "double" }], ret: "double", do: { "u.f": ["v"] } } } })).toMatch(program);
    expect(refused({ cell: "c" }, { cells: { c: { type: "double", init: 1, shared: true } } })).toMatch(program);
    expect(refused([{ cell: "c", to: 2 }, 1.5], { cells: { c: { type: "double", init: 1 } } })).toMatch(program);
    expect(refused({ "+": [{ "cast.long": ["input.a"] }, 0.5] })).toMatch(program);
    expect(refused({ "a.sum": [{ new: ["input.x"], type: { type: "array", items: "double" } }] })).toMatch(program);
  });
});

describe("string inputs in lowered expressions", () => {
  it("a comparison of a string field with a literal lowers (compile-js evaluates it per category) and answers as the PFA engine", () => {
    const text = JSON.stringify({
      input: {
        type: "record",
        name: "I",
        fields: [
          { name: "s", type: "string" },
          { name: "x", type: "double" },
        ],
      },
      output: "double",
      action: { if: { "||": [{ "==": ["input.s", { string: "a" }] }, { "<": ["input.s", { string: "b" }] }] }, then: "input.x", else: { "u-": ["input.x"] } },
    });
    agree(text, [{ s: "a", x: 1 }, { s: "b", x: 2 }, { s: "", x: 3 }, { s: "ab", x: "nan" }, { s: "é", x: 4 }, { s: 5, x: 1 }, { x: 1 }]);
  });
});
