import { describe, expect, it } from "vitest";
import { parsePmml } from "@porta/pmml";
import { forestText } from "../../../fixtures/gen/forest.ts";
import { planPipeline, type ClusteringJob, type DenseLayer, type ForestJob, type RegressionJob } from "./plan.ts";
import { activationWgsl, distanceShader, f32, forestShader, layerShader, regressionShader } from "./wgsl.ts";
import { TREE_BLOCK } from "./engine.ts";

const regression = {
  kind: "regression",
  terms: [
    { column: 0, exponent: 1 },
    { column: 2, exponent: -2 },
  ],
  coefficients: [
    [1.5, 2],
    [0, -1],
  ],
  intercepts: [3, 4],
} as unknown as RegressionJob;

describe("WGSL sources (one compute shader per job, sizes baked in)", () => {
  it("f32 literals: always a float suffix, finite only", () => {
    expect([f32(1), f32(0.5), f32(-2e-10)]).toEqual(["1.0f", "0.5f", `${Math.fround(-2e-10)}f`]);
    expect(() => f32(Number.NaN)).toThrow(RangeError);
  });

  it("regression: whole exponents by multiplication (WGSL pow is undefined below 0), coefficients then intercepts", () => {
    const s = regressionShader(regression, 3);
    expect(s.outputs).toBe(2);
    expect([...s.params]).toEqual([1.5, 2, 0, -1, 3, 4]);
    expect(s.source).toContain("p[j * 2u + 0u] * (x[row * 3u + 0u])");
    expect(s.source).toContain("(1.0f / (x[row * 3u + 2u] * x[row * 3u + 2u]))");
    expect(s.source).toContain("out[i] = s + p[4u + j];");
    expect(s.source).not.toContain("pow(");
  });

  it("dense layer: weights row-major then bias; every activation written as the interpreter's", () => {
    const layer: DenseLayer = {
      weights: Float32Array.from([1, 2, 3, 4, 5, 6]),
      bias: Float32Array.from([7, 8]),
      inputs: 3,
      neurons: 2,
      activation: "logistic",
      threshold: 0,
      leakage: Number.NaN,
    };
    const s = layerShader(layer);
    expect([...s.params]).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(s.source).toContain("k < 3u");
    expect(s.source).toContain("out[i] = 1.0f / (1.0f + exp(-z));");
    expect(activationWgsl({ activation: "rectifier", threshold: 0, leakage: 0.25 })).toBe("select(z * 0.25f, z, z > 0.0f)");
    expect(activationWgsl({ activation: "rectifier", threshold: 0, leakage: Number.NaN })).toBe("max(z, 0.0f)");
    expect(activationWgsl({ activation: "threshold", threshold: 0.5, leakage: Number.NaN })).toBe("select(0.0f, 1.0f, z > 0.5f)");
  });

  it("distances: squared differences for inner 2, sqrt for outer 2; the fields' columns as indices", () => {
    const job = {
      plan: { clusters: [{}, {}, {}] },
      columns: [4, 1],
      centers: new Float32Array(6),
      weights: Float32Array.from([1, 1]),
      inner: 2,
      outer: 2,
    } as unknown as ClusteringJob;
    const s = distanceShader(job, 5);
    expect(s.outputs).toBe(3);
    expect([...s.indices]).toEqual([4, 1]);
    expect(s.source).toContain("d * d");
    expect(s.source).toContain("out[i] = sqrt(s);");
  });

  it("forest: the node table packed (roots, columns, 4 ints a node), one invocation per row × block of trees", () => {
    const pipeline = parsePmml(forestText({ trees: 40, depth: 3, features: 4, task: "regression", seed: 1 }));
    const job = planPipeline(pipeline).jobs.find((j) => j.kind === "forest") as ForestJob;
    const t = job.table;
    const leaves = forestShader(job, 4, false);
    expect(leaves.outputs).toBe(40);
    expect(leaves.indices.length).toBe(40 + job.columns.length + t.left.length * 4);
    const k = t.roots[1]!;
    expect([...leaves.indices.subarray(40 + job.columns.length + k * 4, 40 + job.columns.length + k * 4 + 4)]).toEqual([
      t.feature[k],
      t.op[k],
      t.left[k],
      t.right[k],
    ]);
    expect(leaves.source).toContain(`s < ${job.depth}u`);
    const sums = forestShader(job, 4, true, new Float32Array(t.left.length).fill(1));
    expect(sums.outputs).toBe(Math.ceil(40 / TREE_BLOCK));
    expect(sums.source).toContain(`b < ${TREE_BLOCK}u`);
    expect(sums.params.subarray(t.left.length).every((v) => v === 1)).toBe(true);
  });
});
