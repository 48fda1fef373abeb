import { describe, expect, it } from "vitest";
import { EvaluationError } from "@porta/ir";
import { compilePfa, decodeInput, encodeOutput, parsePfa } from "../index.ts";

/** Run `action` on one input; `input` is the input type and `sample` the Avro-JSON row. */
function run(action: unknown, out: unknown, input: unknown = "null", sample: unknown = null, extra: Record<string, unknown> = {}): unknown {
  const e = compilePfa(parsePfa(JSON.stringify({ input, output: out, action, ...extra })));
  return encodeOutput(e, e.action(decodeInput(e, sample)));
}
const lit = (type: unknown, value: unknown) => ({ type, value });
const D = { type: "array", items: "double" };
function code(f: () => unknown): number | undefined {
  try {
    f();
  } catch (e) {
    if (e instanceof EvaluationError) return e.pfaCode;
    throw e;
  }
  return undefined;
}
const close = (a: unknown, b: number, tol = 1e-12) => expect(Math.abs((a as number) - b) / Math.max(Math.abs(b), 1e-300)).toBeLessThan(tol);

describe("interp.* (spec: interpolation)", () => {
  const table = lit(
    {
      type: "array",
      items: {
        type: "record",
        name: "R",
        fields: [
          { name: "x", type: "double" },
          { name: "to", type: "double" },
        ],
      },
    },
    [
      { x: 0, to: 0 },
      { x: 1, to: 10 },
      { x: 2, to: 0 },
    ],
  );
  it("linear interpolates between neighbours and extrapolates from the two nearest", () => {
    expect(run({ "interp.linear": [0.25, table] }, "double")).toBe(2.5);
    expect(run({ "interp.linear": [3, table] }, "double")).toBe(-10);
  });
  it("linearFlat clamps, linearMissing gives null outside", () => {
    expect(run({ "interp.linearFlat": [3, table] }, "double")).toBe(0);
    expect(run({ "interp.linearMissing": [3, table] }, ["null", "double"])).toBe(null);
  });
  it("bin errors on bad ranges (22000) and values out of range (22002)", () => {
    expect(run({ "interp.bin": [2.5, 5, 0, 10] }, "int")).toBe(1);
    expect(code(() => run({ "interp.bin": [2.5, 5, 10, 0] }, "int"))).toBe(22000);
    expect(code(() => run({ "interp.bin": [12, 5, 0, 10] }, "int"))).toBe(22002);
  });
});

describe("metric.* (spec: metrics with missing values)", () => {
  it("euclidean scales by the weight of present components", () => {
    const x = lit({ type: "array", items: ["null", "double"] }, [{ double: 0 }, null]);
    const y = lit({ type: "array", items: ["null", "double"] }, [{ double: 3 }, { double: 4 }]);
    close(run({ "metric.euclidean": [{ fcn: "metric.absDiff" }, x, y] }, "double"), Math.sqrt(18));
  });
  it("binary metrics count agreements", () => {
    const b = (v: boolean[]) => lit({ type: "array", items: "boolean" }, v);
    expect(run({ "metric.jaccard": [b([true, true, false]), b([true, false, false])] }, "double")).toBe(0.5);
  });
});

describe("prob.dist.* (spec: distributions)", () => {
  it("gaussian CDF and QF are inverse to 1e-12", () => {
    close(run({ "prob.dist.gaussianCDF": [1.959963984540054, 0, 1] }, "double"), 0.975);
    close(run({ "prob.dist.gaussianQF": [0.975, 0, 1] }, "double"), 1.959963984540054);
  });
  it("chi2 quantile inverts its CDF; t CDF is symmetric", () => {
    const q = run({ "prob.dist.chi2QF": [0.95, 3] }, "double") as number;
    close(q, 7.814727903251178, 1e-11);
    close(run({ "prob.dist.tCDF": [-1.5, 4] }, "double") as number, 1 - (run({ "prob.dist.tCDF": [1.5, 4] }, "double") as number));
  });
  it("invalid parameters raise the spec's codes", () => {
    expect(code(() => run({ "prob.dist.gammaQF": [0.5, -1, 1] }, "double"))).toBe(13140);
    expect(code(() => run({ "prob.dist.betaQF": [1.5, 1, 1] }, "double"))).toBe(13171);
  });
  it("discrete quantiles are the smallest x with CDF(x) >= p", () => {
    expect(run({ "prob.dist.poissonQF": [0.5, 3.0] }, "double")).toBe(3);
    expect(run({ "prob.dist.binomialQF": [0.5, 10, 0.5] }, "double")).toBe(5);
  });
  it("densities are 0 on the boundary of their support, as Hadrian and Titus define them", () => {
    expect(run({ "prob.dist.chi2PDF": [0, 1] }, "double")).toBe(0);
    expect(run({ "prob.dist.chi2PDF": [0, 0] }, "double")).toBe("inf");
    expect(run({ "prob.dist.fPDF": [0, 2, 5] }, "double")).toBe(0);
    expect(run({ "prob.dist.betaPDF": [1, 0.5, 0.9] }, "double")).toBe(0);
    expect(run({ "prob.dist.betaPDF": [0, 1, 1] }, "double")).toBe(0);
    close(run({ "prob.dist.betaPDF": [0.5, 1, 1] }, "double"), 1);
    expect(run({ "prob.dist.binomialPDF": [1, 1, 1] }, "double")).toBe(0);
    expect(run({ "prob.dist.binomialPDF": [3, 3, 0.5] }, "double")).toBe(0);
    close(run({ "prob.dist.binomialPDF": [2, 3, 0.5] }, "double"), 0.375);
  });
  it("negativeBinomialCDF with size 0 is 1 at x = 0 only (Hadrian and Titus)", () => {
    expect(run({ "prob.dist.negativeBinomialCDF": [0, 0, 0.5] }, "double")).toBe(1);
    expect(run({ "prob.dist.negativeBinomialCDF": [17, 0, 0.9] }, "double")).toBe(0);
    close(run({ "prob.dist.negativeBinomialCDF": [0, 1, 0.5] }, "double"), 0.5);
  });
});

describe("stat.* (spec: running statistics keep the caller's record type)", () => {
  const S = {
    type: "record",
    name: "S",
    fields: [
      { name: "count", type: "double" },
      { name: "mean", type: "double" },
      { name: "variance", type: "double" },
      { name: "tag", type: "string" },
    ],
  };
  it("a fold over stat.sample.update keeps count, mean and variance, and other fields untouched", () => {
    const e = compilePfa(
      parsePfa(
        JSON.stringify({
          input: "double",
          output: S,
          method: "fold",
          zero: { count: 0, mean: 0, variance: 0, tag: "t" },
          action: { "stat.sample.update": ["input", 1.0, "tally"] },
        }),
      ),
    );
    let out: any;
    for (const x of [1, 2, 3, 4]) out = encodeOutput(e, e.action(x));
    expect(out.count).toBe(4);
    close(out.mean, 2.5);
    close(out.variance, 1.25);
    expect(out.tag).toBe("t");
  });
  it("a cell updated by stat.sample.updateEWMA keeps state across calls", () => {
    const E = { type: "record", name: "E", fields: [{ name: "mean", type: "double" }] };
    const e = compilePfa(
      parsePfa(
        JSON.stringify({
          input: "double",
          output: "double",
          cells: { s: { type: E, init: { mean: 0 } } },
          action: [
            { cell: "s", to: { params: [{ old: "E" }], ret: "E", do: { "stat.sample.updateEWMA": ["input", 0.5, "old"] } } },
            { cell: "s", path: [{ string: "mean" }] },
          ],
        }),
      ),
    );
    expect(e.action(4)).toBe(2);
    expect(e.action(4)).toBe(3);
  });
  it("chi2Prob and the trigger", () => {
    const C = {
      type: "record",
      name: "C",
      fields: [
        { name: "chi2", type: "double" },
        { name: "dof", type: "int" },
      ],
    };
    close(run({ "stat.test.chi2Prob": [lit(C, { chi2: 3.841458820694124, dof: 1 })] }, "double"), 0.95, 1e-12);
  });
});

describe("model.* (spec: model scoring)", () => {
  it("cluster.closest picks the first nearest centre", () => {
    const C = {
      type: "array",
      items: {
        type: "record",
        name: "C",
        fields: [
          { name: "id", type: "string" },
          { name: "center", type: D },
        ],
      },
    };
    expect(
      run(
        {
          attr: {
            "model.cluster.closest": [
              lit(D, [1, 1]),
              lit(C, [
                { id: "a", center: [0, 0] },
                { id: "b", center: [1, 2] },
                { id: "c", center: [2, 1] },
              ]),
            ],
          },
          path: [{ string: "id" }],
        },
        "string",
      ),
    ).toBe("b");
  });
  it("neighbor.nearestK keeps ties in codebook order", () => {
    const cb = lit({ type: "array", items: D }, [[2], [0], [1], [-1]]);
    expect(run({ "model.neighbor.nearestK": [2, lit(D, [0.5]), cb] }, { type: "array", items: D })).toEqual([[0], [1]]);
  });
  it("tree.simpleTree walks nodes until a leaf", () => {
    const T = {
      type: "record",
      name: "T",
      fields: [
        { name: "field", type: { type: "enum", name: "F", symbols: ["x"] } },
        { name: "operator", type: "string" },
        { name: "value", type: "double" },
        { name: "pass", type: ["string", "T"] },
        { name: "fail", type: ["string", "T"] },
      ],
    };
    const treeLit = lit(T, {
      field: "x",
      operator: "<",
      value: 1,
      pass: { string: "low" },
      fail: { T: { field: "x", operator: "<", value: 2, pass: { string: "mid" }, fail: { string: "high" } } },
    });
    const input = { type: "record", name: "D", fields: [{ name: "x", type: "double" }] };
    expect(run({ "model.tree.simpleTree": ["input", treeLit] }, "string", input, { x: 1.5 })).toBe("mid");
    expect(run({ "model.tree.simpleTree": ["input", treeLit] }, "string", input, { x: 7 })).toBe("high");
  });
  it("reg.linear and neural.simpleLayers", () => {
    const M = {
      type: "record",
      name: "M",
      fields: [
        { name: "coeff", type: D },
        { name: "const", type: "double" },
      ],
    };
    expect(run({ "model.reg.linear": [lit(D, [1, 2]), lit(M, { coeff: [3, 4], const: 5 })] }, "double")).toBe(16);
  });
});
