/**
 * Every registered PMML backend side by side on the same models and the same rows: the reference
 * interpreter, compile-js, and whatever else registered itself (ONNX through onnxruntime-node once
 * its package is imported). Each model is loaded once per backend, that backend alone (no
 * fallback), through the async API every backend has (`scoreColumnsAsync` on one columnar Batch).
 *
 * Batch sizes: 1 row (latency of one call), 10k and 100k rows (throughput). A backend whose batch
 * takes over SLOW_BATCH_MS (the interpreter on ensembles) is not timed on the next size and is
 * compared there by its time per row at the largest size it was timed on (scoring is
 * row-independent).
 *
 * Ratio convention: `A/B@model@rows` = B's time per row ÷ A's time per row (> 1: A is faster).
 * Before timing, every backend's outputs on the first 200 rows are checked against the
 * interpreter's (same values, numbers within 1e-9 relative; the float32 GPU backends within 1e-5
 * and at most 1% of texts, a nearest cluster decided by float32 distances, differing).
 *
 * The GPU backends (packages/compile-gpu) are here as registered: gpu.js ("gpu", CPU mode without
 * a GL context) and WebGPU ("webgpu", only where an adapter exists; it refuses otherwise). Each
 * one's break-even batch size against compile-js, measured by the backend itself, is in the notes.
 * bench/gpu/run.sh picks sizes and models with PORTA_BENCH_ROWS (e.g. "10000,100000,1000000")
 * PORTA_BENCH_MODELS (e.g. "forest-500,nn-20x16x16") and PORTA_BENCH_BACKENDS (e.g. "webgpu,js,onnx").
 */
import { numberColumn, rowsFromBatch, type Batch, type Column } from "@porta/backend";
import { breakEvenOf } from "@porta/compile-gpu/backend";
import { loadModel, registeredBackends, type Model } from "@porta/runtime";
import "porta/backends";
import { rng } from "../../fixtures/gen/random.ts";
import { forestText } from "../../fixtures/gen/forest.ts";
import { gbmText } from "../../fixtures/gen/gbm.ts";
import { kmeansText } from "../../fixtures/gen/kmeans.ts";
import { neuralText } from "../../fixtures/gen/neural.ts";
import { regressionText } from "../../fixtures/gen/regression.ts";
import { defineSuite, type BenchResult, type Measurement } from "../harness.ts";
import { measurementOf } from "../timing.ts";

interface BenchModel {
  name: string;
  what: string;
  text: string;
  features: number;
}

/** A backend whose batch takes longer than this is not timed on the next, 10× larger, batch. */
const SLOW_BATCH_MS = 2000;

/** Results land here so that no call can be optimised away. */
export let sink = 0;

/** Async counterpart of timeRuns: a warm-up, then runs until the budget is spent (median). */
async function timeAsync(smoke: boolean, op: () => Promise<unknown>, budgetMs = 1500): Promise<Measurement> {
  await op();
  if (smoke) {
    const t = performance.now();
    await op();
    return measurementOf([performance.now() - t]);
  }
  const samples: number[] = [];
  let spent = 0;
  while (samples.length < 3 || (spent < budgetMs && samples.length < 200)) {
    const t = performance.now();
    await op();
    const ms = performance.now() - t;
    samples.push(ms);
    spent += ms;
    if (ms > 4000 && samples.length >= 1) break;
  }
  return measurementOf(samples);
}

/** Backends that compute in float32 (README "GPU backend"): their tolerance and share of differing texts. */
const FLOAT32 = new Set(["gpu", "webgpu"]);

function close(a: unknown, b: unknown, precision: number): boolean {
  if (typeof a === "number" && typeof b === "number")
    return a === b || Math.abs(a - b) <= precision * Math.max(1, Math.abs(a), Math.abs(b)) || (Number.isNaN(a) && Number.isNaN(b));
  return a === b || (a == null && b == null);
}

/** The first disagreement between two scored batches, or undefined. */
function disagreement(reference: Record<string, unknown>[], other: Record<string, unknown>[], float32: boolean): string | undefined {
  let texts = 0;
  for (let i = 0; i < reference.length; i++) {
    for (const [k, v] of Object.entries(reference[i]!)) {
      const u = other[i]?.[k];
      if (close(v, u, float32 ? 1e-5 : 1e-9)) continue;
      // A winner decided by float32 values (a near tie) may differ in a few rows.
      if (float32 && typeof v !== "number" && ++texts <= reference.length / 100) continue;
      return `row ${i}: ${k} ${JSON.stringify(v)} vs ${JSON.stringify(u)}`;
    }
  }
  return undefined;
}

/** `rows` rows of uniform(-1, 1) features x0.., as columns (a million rows as objects would not fit the heap). */
function uniformBatch(features: number, rows: number, seed: number): Batch {
  const rand = rng(seed);
  const columns = Array.from({ length: features }, () => new Float64Array(rows));
  for (let i = 0; i < rows; i++) for (const c of columns) c[i] = rand() * 2 - 1;
  return { length: rows, columns: new Map(columns.map((c, f) => [`x${f}`, numberColumn(c)])) };
}

/** The first `n` rows of a number batch (views, no copy). */
function head(batch: Batch, n: number): Batch {
  const columns = new Map<string, Column>();
  for (const [name, c] of batch.columns) if (c.kind === "number") columns.set(name, numberColumn(c.values.subarray(0, n)));
  return { length: n, columns };
}

/** A list from the environment ("10000,100000"), or undefined. */
function envList(name: string): string[] | undefined {
  const v = process.env[name];
  return v ? v.split(",").map((s) => s.trim()) : undefined;
}

/** Time per row at the largest batch a backend was timed on. */
function lastPerRow(times: ReadonlyMap<number, number>): number | undefined {
  return [...times.values()].pop();
}

export default defineSuite({
  name: "backends",
  description: "every registered PMML backend (interpreter, compile-js, ONNX, …) on the same models at batch 1, 10k and 100k rows",
  async run(ctx) {
    const full = ctx.size === "full";
    const smoke = !full;
    const ratios: Record<string, number> = {};
    const results: BenchResult[] = [];
    const bars: { label: string; value: number }[] = [];
    const chosen = envList("PORTA_BENCH_BACKENDS");
    const backends = registeredBackends()
      .filter((b) => b.backend.formats.includes("pmml") && (chosen === undefined || chosen.includes(b.name)))
      .map((b) => b.name);
    const notes: string[] = [
      `backends registered for PMML: ${backends.join(", ")}`,
      "ratios are speed-ups per row: A/B@model@rows = B's time per row ÷ A's (> 1: A is faster)",
      "every backend is called through scoreColumnsAsync on one columnar Batch built once (encoding of row objects not timed)",
    ];
    const sizes = envList("PORTA_BENCH_ROWS")?.map(Number) ?? (full ? [1, 10_000, 100_000] : [1, 20, 50]);
    const only = envList("PORTA_BENCH_MODELS");
    const allModels: BenchModel[] = [
      {
        name: "forest-500",
        what: "random forest, 500 trees depth 8, 50 features",
        text: forestText({ trees: full ? 500 : 4, depth: full ? 8 : 3, features: 50, task: "regression", seed: 1 }),
        features: 50,
      },
      {
        name: "gbm-300",
        what: "GBM, 300 trees depth 6 summed + rescale, 30 features",
        text: gbmText({ trees: full ? 300 : 3, depth: full ? 6 : 3, features: 30, baseScore: 0.5, seed: 1 }),
        features: 30,
      },
      { name: "regression-50", what: "linear regression, 50 features", text: regressionText({ features: 50, task: "regression", seed: 1 }), features: 50 },
      {
        name: "nn-20x16x16",
        what: "MLP 20 inputs, 2 logistic layers of 16",
        text: neuralText({ features: 20, layers: 2, neurons: 16, seed: 1 }),
        features: 20,
      },
      { name: "kmeans-16", what: "k-means, 16 clusters, 20 features", text: kmeansText({ features: 20, clusters: 16, seed: 1 }), features: 20 },
    ];
    const models = only ? allModels.filter((m) => only.includes(m.name)) : allModels;
    for (const m of models) {
      const all = uniformBatch(m.features, Math.max(200, ...sizes), 11);
      const batches = new Map<number, Batch>(sizes.map((n) => [n, head(all, n)]));
      const check = head(all, 200);
      const loaded = new Map<string, Model>();
      for (const b of backends) {
        try {
          loaded.set(b, await loadModel(m.text, { format: "pmml", backend: [b], scoring: "async" }));
        } catch (e) {
          notes.push(`${m.name}: ${b} refused: ${e instanceof Error ? e.message : String(e)}`);
        }
      }
      const reference = loaded.get("interp") ?? loaded.get("js") ?? [...loaded.values()][0];
      if (!reference) continue;
      const expected = rowsFromBatch(await reference.scoreColumnsAsync(check));
      const perRow = new Map<string, Map<number, number>>();
      for (const [b, model] of loaded) {
        const got = rowsFromBatch(await model.scoreColumnsAsync(check));
        const bad = disagreement(expected, got, FLOAT32.has(b) || FLOAT32.has(reference.backend));
        if (bad) {
          notes.push(`${m.name}: ${b} disagrees with ${reference.backend} (${bad}): not timed`);
          continue;
        }
        const times = new Map<number, number>();
        let slow = false;
        for (const n of sizes) {
          if (slow) {
            notes.push(
              `${m.name}: ${b}: not timed at ${n} rows (a ${sizes[sizes.indexOf(n) - 1]}-row batch took over ${SLOW_BATCH_MS / 1000} s); its ratios at ${n} use its time per row at the largest size timed`,
            );
            continue;
          }
          ctx.log(`backends: ${m.name}: ${b} at ${n} rows`);
          const batch = batches.get(n)!;
          const t = await timeAsync(smoke, async () => {
            sink += (await model.scoreColumnsAsync(batch)).length;
          });
          results.push({ case: `${m.name}: ${b}, ${n} rows`, n, ...t, elementsPerSec: n / (t.medianMs / 1e3) });
          times.set(n, t.medianMs / n);
          slow = t.medianMs > SLOW_BATCH_MS;
        }
        perRow.set(b, times);
        // Measured up to a million rows: not in a smoke run.
        const breakEven = smoke ? undefined : await breakEvenOf((model as unknown as { session?: unknown }).session, { unrouted: true });
        if (breakEven) {
          const at = breakEven.timings.map((t) => `${t.rows}: ${t.gpuMs.toFixed(1)} vs ${t.cpuMs.toFixed(1)} ms`).join(", ");
          notes.push(
            `${m.name}: ${b} break-even against compile-js: ${breakEven.rows === null ? "none (compile-js faster at every size measured)" : `${breakEven.rows} rows`} [${at}]`,
          );
          if (breakEven.rows !== null) ratios[`${b}-break-even-rows@${m.name}`] = breakEven.rows;
        }
        await model.dispose();
      }
      notes.push(`${m.name}: ${m.what}`);
      for (const a of perRow.keys()) {
        for (const bName of perRow.keys()) {
          if (backends.indexOf(a) >= backends.indexOf(bName)) continue; // one ratio per pair: the higher-priority backend on the left
          for (const n of sizes) {
            const ta = perRow.get(a)!.get(n) ?? lastPerRow(perRow.get(a)!);
            const tb = perRow.get(bName)!.get(n) ?? lastPerRow(perRow.get(bName)!);
            if (ta === undefined || tb === undefined) continue;
            const r = Number((tb / ta).toPrecision(4));
            ratios[`${a}/${bName}@${m.name}@${n}`] = r;
            if (n === sizes[sizes.length - 1]) bars.push({ label: `${m.name} ${a}/${bName}`, value: r });
          }
        }
      }
    }
    return {
      ratios,
      results,
      notes,
      chart: { kind: "bars", title: `Speed-up per row at ${sizes[sizes.length - 1]} rows (log scale)`, yLabel: "× the other backend", bars },
    };
  },
});
