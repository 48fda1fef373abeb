/**
 * The GPU backends (packages/compile-gpu) against compile-js, family by family, within the
 * float32 tolerances the README's "GPU backend" table documents. Here there is no GPU: gpu.js
 * runs its kernels on the CPU (the same kernel sources), WebGPU finds no adapter and says so,
 * and `auto` never picks either.
 */
import { describe, expect, it } from "vitest";
import { loadModel, type Model } from "@porta/runtime";
import { probeAdapter, type RoutedSession } from "@porta/compile-gpu";
import { uniformRows } from "../fixtures/gen/document.ts";
import { forestText } from "../fixtures/gen/forest.ts";
import { gbmText } from "../fixtures/gen/gbm.ts";
import { kmeansText } from "../fixtures/gen/kmeans.ts";
import { neuralText } from "../fixtures/gen/neural.ts";
import { regressionText } from "../fixtures/gen/regression.ts";

type Row = Record<string, unknown>;

async function both(text: string): Promise<{ gpu: Model; js: Model }> {
  const [gpu, js] = await Promise.all([
    loadModel(text, { format: "pmml", backend: ["gpu"], scoring: "async", cache: false }),
    loadModel(text, { format: "pmml", backend: ["js"], scoring: "async", cache: false }),
  ]);
  return { gpu, js };
}

/** Rows of `features` uniform inputs, with a few rows missing an input (scored by the interpreter). */
function rowsWithGaps(features: number, n: number): Row[] {
  const rows: Row[] = uniformRows(features, n, 5);
  for (const i of [3, 17]) if (rows[i]) delete rows[i]!.x0;
  return rows;
}

/** Scores with both; every number within `tolerance` (relative, absolute below 1), everything else equal. */
async function agree(text: string, rows: readonly Row[], tolerance: number, sameWinnerShare = 1): Promise<void> {
  const { gpu, js } = await both(text);
  try {
    expect(gpu.backend).toBe("gpu");
    expect(gpu.outputFields).toEqual(js.outputFields);
    const got = await gpu.scoreBatchAsync(rows, { onError: "collect" });
    const want = await js.scoreBatchAsync(rows, { onError: "collect" });
    expect(got.errors.map((e) => [e.row, e.code])).toEqual(want.errors.map((e) => [e.row, e.code]));
    let sameText = 0,
      texts = 0;
    want.results.forEach((w, i) => {
      const g = got.results[i];
      if (w === null) return expect(g).toBeNull();
      for (const [k, v] of Object.entries(w)) {
        const u = g?.[k];
        if (typeof v === "number") {
          expect(typeof u, `row ${i} ${k}`).toBe("number");
          expect(Math.abs((u as number) - v), `row ${i} ${k}: ${u} vs ${v}`).toBeLessThanOrEqual(tolerance * Math.max(1, Math.abs(v)));
        } else {
          texts++;
          if (u === v) sameText++;
        }
      }
    });
    if (texts > 0) expect(sameText / texts).toBeGreaterThanOrEqual(sameWinnerShare);
    // The kernels computed every row but those missing an input, which the interpreter scored alone.
    const { stats } = (gpu as unknown as { session: RoutedSession }).session.gpu;
    const gaps = rows.filter((r) => r.x0 === undefined).length;
    expect(stats).toEqual({ engineRows: rows.length - gaps, interpretedRows: gaps });
  } finally {
    await gpu.dispose();
    await js.dispose();
  }
}

describe("gpu backend (gpu.js kernels; CPU mode here) agrees with compile-js within float32", () => {
  it("RegressionModel, linear (direct finish: the target column straight from the kernel)", async () => {
    await agree(regressionText({ features: 12, task: "regression", seed: 3 }), rowsWithGaps(12, 200), 1e-5);
  });

  it("RegressionModel, multinomial logistic (softmax) through the interpreter's normalisation", async () => {
    await agree(regressionText({ features: 8, task: "classification", classes: 3, seed: 4 }), rowsWithGaps(8, 200), 1e-5);
  });

  it("NeuralNetwork, logistic hidden layers + identity output (direct finish)", async () => {
    await agree(neuralText({ features: 6, layers: 2, neurons: 5, seed: 2 }), rowsWithGaps(6, 200), 1e-5);
  });

  it("ClusteringModel, k-means distances (the nearest center; its distance within float32)", async () => {
    await agree(kmeansText({ features: 5, clusters: 4, seed: 6 }), rowsWithGaps(5, 200), 1e-5, 0.99);
  });

  it("random forest, regression (direct finish: one thread per row × block of 32 trees)", async () => {
    await agree(forestText({ trees: 40, depth: 4, features: 6, task: "regression", seed: 8 }), rowsWithGaps(6, 200), 1e-5);
  });

  it("random forest, classification (each tree's leaf from the kernel, the vote by the interpreter)", async () => {
    await agree(forestText({ trees: 9, depth: 3, features: 5, task: "classification", seed: 9 }), rowsWithGaps(5, 200), 1e-5, 0.99);
  });

  it("GBM: summed trees + the MiningModel's Targets rescale (leaves from the kernel, Targets by the interpreter)", async () => {
    await agree(gbmText({ trees: 6, depth: 3, features: 5, baseScore: 0.5, seed: 2 }), rowsWithGaps(5, 100), 1e-5);
  });

  it("refuses what it does not compute, naming the element", async () => {
    const text = regressionText({ features: 3, task: "regression", seed: 1 })
      .replace(/<RegressionModel/, "<RegressionModel")
      .replace(/<NumericPredictor name="x0"[^>]*\/>/, '<CategoricalPredictor name="x0" value="1" coefficient="2"/>');
    await expect(loadModel(text, { format: "pmml", backend: ["gpu"], scoring: "async", cache: false })).rejects.toThrow(/gpu: .*CategoricalPredictor/);
  });
});

describe("without a GPU adapter", () => {
  it("webgpu says why it cannot score (quickly: the device nodes are looked at before Dawn loads)", async () => {
    const t = performance.now();
    const probe = await probeAdapter();
    expect(probe.found).toBe(false);
    await expect(
      loadModel(regressionText({ features: 3, task: "regression", seed: 1 }), { format: "pmml", backend: ["webgpu"], scoring: "async", cache: false }),
    ).rejects.toThrow(/webgpu: no WebGPU adapter: /);
    expect(performance.now() - t).toBeLessThan(5000);
  });

  it("auto never picks a GPU backend: compile-js scores, and no notice is added", async () => {
    for (const text of [
      forestText({ trees: 3, depth: 2, features: 3, task: "regression", seed: 1 }),
      neuralText({ features: 3, layers: 1, neurons: 2, seed: 1 }),
    ]) {
      const model = await loadModel(text, { format: "pmml", scoring: "async", cache: false });
      expect(model.backend).toBe("js");
      expect(model.notices).toEqual([]);
      await model.dispose();
    }
  });
});
