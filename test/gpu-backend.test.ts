/**
 * The GPU backends (packages/compile-gpu) against compile-js, family by family, within the
 * float32 tolerances the README's "GPU backend" table documents. Here there is no GPU: gpu.js
 * runs its kernels on the CPU (the same kernel sources), WebGPU finds no adapter and says so,
 * and `auto` never picks either.
 */
import { describe, expect, it } from "vitest";
import { loadModel } from "@porta/runtime";
import { probeAdapter, type RoutedSession } from "@porta/compile-gpu";
import { AGREEMENT_CASES, checkAgreement } from "../bench/gpu/agreement.ts";
import { forestText } from "../fixtures/gen/forest.ts";
import { neuralText } from "../fixtures/gen/neural.ts";
import { regressionText } from "../fixtures/gen/regression.ts";

describe("gpu backend (gpu.js kernels; CPU mode here) agrees with compile-js within float32", () => {
  it.each(AGREEMENT_CASES.map((c) => [c.name, c] as const))("%s", async (_name, c) => {
    const report = await checkAgreement("gpu", c);
    expect(report.problems).toEqual([]);
    // The kernels computed every row but those missing an input, which the interpreter scored alone.
    expect(report.stats).toEqual({ engineRows: report.rows - report.gaps, interpretedRows: report.gaps });
  });

  it("texts (CSV input) are parsed once per distinct text and scored on the engine; an unparsable one by the interpreter", async () => {
    const text = regressionText({ features: 3, task: "regression", seed: 2 });
    const rows = [
      { x0: "0.5", x1: "-0.25", x2: "1e-1" },
      { x0: "0.5", x1: "0.75", x2: "-1" },
      { x0: "abc", x1: "0.75", x2: "-1" },
    ];
    const options = { format: "pmml" as const, scoring: "async" as const, cache: false };
    const gpu = await loadModel(text, { ...options, backend: ["gpu"] });
    const js = await loadModel(text, { ...options, backend: ["js"] });
    try {
      const got = await gpu.scoreBatchAsync(rows, { onError: "collect" });
      const want = await js.scoreBatchAsync(rows, { onError: "collect" });
      expect(got.errors.map((e) => [e.row, e.code])).toEqual(want.errors.map((e) => [e.row, e.code]));
      for (const i of [0, 1]) expect(got.results[i]!.y as number).toBeCloseTo(want.results[i]!.y as number, 5);
      expect((gpu as unknown as { session: RoutedSession }).session.gpu.stats).toEqual({ engineRows: 2, interpretedRows: 1 });
    } finally {
      await gpu.dispose();
      await js.dispose();
    }
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
