/**
 * Interpreter vs compiled JavaScript, per model family, on corpus models and on synthetic ones
 * (fixtures/gen), plus compile-js's two tree-ensemble layouts against each other.
 *
 * Ratio convention: every ratio is a speed-up, the time of the right-hand name divided by the
 * time of the left-hand one for the same rows, so > 1 means the left one is faster:
 * - `compiled/interpreter@<model>`: columnar batch API (`scoreColumns`, inputs already columns)
 *   against the reference interpreter (`PmmlModel.score` per row), per row.
 * - `compiled-rows/interpreter@<model>`: the row API (`scoreBatch` on row objects: encoding,
 *   kernel and decoding to result objects) against the interpreter, per row.
 * - `branches/table@<size>`: nested-branch code against the node-table walk, columnar API.
 * A model compile-js cannot compile yet is scored by the interpreter (`backend === "interp"`):
 * it gets no ratio, only a note saying so.
 */
import { readFileSync } from "node:fs";
// The interpreter registers itself as the "interp" backend the ratios compare against.
import "@porta/interp";
import { join } from "node:path";
import { compilePipeline, NODE_TABLE_MIN_NODES, type CompiledPipeline } from "@porta/compile-js";
import type { Pipeline } from "@porta/ir";
import { parsePmml } from "@porta/pmml";
import { PortaModel, pmmlModel, pipelineFacts, type Model } from "@porta/runtime";
import { CompiledSession } from "@porta/compile-js";
import { uniformRows } from "../../fixtures/gen/document.ts";
import { forestText } from "../../fixtures/gen/forest.ts";
import { gbmText } from "../../fixtures/gen/gbm.ts";
import { kmeansText } from "../../fixtures/gen/kmeans.ts";
import { neuralText } from "../../fixtures/gen/neural.ts";
import { regressionText } from "../../fixtures/gen/regression.ts";
import { svmText } from "../../fixtures/gen/svm.ts";
import { defineSuite, type BenchContext, type BenchResult, type Measurement } from "../harness.ts";
import { checkAgainst, checkColumns, compiledView, corpusDir, encodeColumns, readCorpusRows, repeatRows, type Row } from "../pmml-scoring.ts";
import { measurementOf, timeRuns } from "../timing.ts";

/** One corpus model per family (the corpus has no SVM regression or GBM classification). */
const CORPUS: { name: string; family: string; id: string }[] = [
  { name: "corpus-regression", family: "regression", id: "rapidminer/RegressionAuto" },
  { name: "corpus-tree", family: "tree", id: "knime/DecisionTreeAudit" },
  { name: "corpus-forest", family: "random forest", id: "knime/DecisionTreeEnsembleAudit" },
  { name: "corpus-gbm", family: "gradient boosting", id: "knime/GBTAuto" },
  { name: "corpus-nn", family: "neural network", id: "knime/NeuralNetworkIris" },
  { name: "corpus-kmeans", family: "k-means", id: "knime/KMeansIris" },
  { name: "corpus-svm", family: "SVM", id: "knime/SupportVectorMachineIris" },
];

interface Case {
  name: string;
  family: string;
  what: string;
  pipeline: Pipeline;
  rows: Row[];
}

/** Results land here so that no call can be optimised away. */
export let sink = 0;

function ratio(slow: Measurement, slowRows: number, fast: Measurement, fastRows: number): number {
  return Number((slow.medianMs / slowRows / (fast.medianMs / fastRows)).toPrecision(4));
}

export default defineSuite({
  name: "families",
  description: "PMML interpreter vs compiled JS (row and columnar APIs) per model family; tree layouts branches vs node table",
  async run(ctx) {
    const full = ctx.size === "full";
    const ratios: Record<string, number> = {};
    const results: BenchResult[] = [];
    const notes: string[] = [
      "ratios are speed-ups (> 1: the left-hand name is faster): compiled/interpreter@M = interpreter time per row ÷ columnar compiled time per row; compiled-rows/interpreter@M uses the row API (scoreBatch on objects); branches/table@S = table time ÷ branches time",
      "timing: one warm-up run, then repeated runs until 1.5 s is spent (at least 3, or 1 for a run over 4 s); medians",
      "the interpreter is timed on a subset of the rows (sized so one pass takes about a second) and compared per row: scoring is row-independent, so its time scales linearly with the row count",
    ];
    const bars: { label: string; value: number }[] = [];

    const cases: Case[] = [];
    const n = full ? 10_000 : 40;
    const dir = corpusDir();
    if (dir) {
      const manifest = JSON.parse(readFileSync(join(dir, "manifest.json"), "utf8")) as { id: string; model: string; input: string }[];
      for (const c of CORPUS) {
        const entry = manifest.find((m) => m.id === c.id);
        if (!entry) continue;
        const rows = readCorpusRows(join(dir, entry.input));
        cases.push({
          name: c.name,
          family: c.family,
          what: `corpus ${c.id} (${rows.length} input rows repeated)`,
          pipeline: parsePmml(readFileSync(join(dir, entry.model), "utf8")),
          rows: repeatRows(rows, n),
        });
      }
      notes.push(`corpus: ${dir}`);
    } else {
      notes.push("corpus not found (PORTA_CONFORMANCE_DIR or ../shared/conformance): synthetic models only");
    }
    const synth = (name: string, family: string, what: string, text: string, features: number, rows = n) => {
      ctx.log(`families: generating ${name}`);
      cases.push({ name, family, what: `synthetic ${what}`, pipeline: parsePmml(text), rows: uniformRows(features, rows, 11) });
    };
    const forest = (trees: number, depth: number) => forestText({ trees, depth, features: 50, task: "regression", seed: 1 });
    synth("regression-50", "regression", "linear regression, 50 features", regressionText({ features: 50, task: "regression", seed: 1 }), 50);
    synth("logistic-50", "regression", "logistic regression, 50 features", regressionText({ features: 50, task: "classification", seed: 1 }), 50);
    synth(
      "tree-d10",
      "tree",
      "one tree of depth 10 (2047 nodes), 50 features",
      forest(1, full ? 10 : 4)
        .replace(/<MiningModel[\s\S]*?<TreeModel/, "<TreeModel")
        .replace(/<\/TreeModel>\s*<\/Segment>\s*<\/Segmentation>\s*<\/MiningModel>/, "</TreeModel>"),
      50,
    );
    synth("forest-100", "random forest", "100 trees, depth 8, 50 features", forest(full ? 100 : 3, full ? 8 : 3), 50);
    synth(
      "gbm-200",
      "gradient boosting",
      "200 trees depth 6 summed + Targets rescaleConstant, 30 features",
      gbmText({ trees: full ? 200 : 3, depth: full ? 6 : 3, features: 30, baseScore: 0.5, seed: 1 }),
      30,
    );
    synth(
      "nn-20x16x16",
      "neural network",
      "MLP 20 inputs, 2 logistic layers of 16, identity output",
      neuralText({ features: 20, layers: 2, neurons: 16, seed: 1 }),
      20,
    );
    synth("kmeans-16", "k-means", "16 clusters, 20 features, squared Euclidean", kmeansText({ features: 20, clusters: 16, seed: 1 }), 20);
    synth("svm-200", "SVM", "RBF kernel, 200 support vectors, 20 features", svmText({ features: 20, vectors: 200, seed: 1 }), 20);
    const big = full ? 100_000 : 60;
    synth("forest-500", "random forest", "500 trees, depth 8, 50 features", forest(full ? 500 : 5, full ? 8 : 3), 50, big);

    for (const c of cases) {
      const label = `${c.name} (${c.family})`;
      ctx.log(`families: ${label}: ${c.rows.length} rows`);
      const interp = pmmlModel(c.pipeline, "interp");
      const model = pmmlModel(c.pipeline, "js");
      const sub = interpreterRows(ctx, interp, c.rows);
      if (model.backend !== "js") {
        const reason = model.notices.join("; ") || "not compiled";
        notes.push(`${c.name}: ${c.what}: NOT COMPILED (${reason}); no compiled figure, no ratio`);
        const m = timeRuns(ctx.size, () => interp.scoreBatch(sub, { onError: "collect" }));
        results.push({ case: `${c.name}: interpreter (js falls back to it)`, n: sub.length, ...m, elementsPerSec: sub.length / (m.medianMs / 1e3) });
        continue;
      }
      const compiled = compiledView(model);
      checkAgainst(label, interp, model, sub.slice(0, 200));
      const cols = encodeColumns(compiled.compiled, c.rows);
      const rowResults = compiled.scoreBatch(c.rows.slice(0, 1000), { onError: "collect" }).results;
      checkColumns(
        label,
        compiled.compiled,
        compiled.scoreColumns(
          Math.min(1000, c.rows.length),
          cols.map((a) => a.subarray(0, 1000)),
        ),
        rowResults,
      );

      const mi = timeRuns(ctx.size, () => interp.scoreBatch(sub, { onError: "collect" }));
      const mr = timeRuns(ctx.size, () => {
        sink += compiled.scoreBatch(c.rows, { onError: "collect" }).results.length;
      });
      const mc = timeRuns(ctx.size, () => {
        sink += compiled.scoreColumns(c.rows.length, cols)[0]!.length;
      });
      const rowsN = c.rows.length;
      results.push({ case: `${c.name}: interpreter`, n: sub.length, ...mi, elementsPerSec: sub.length / (mi.medianMs / 1e3) });
      results.push({ case: `${c.name}: compiled, row API`, n: rowsN, ...mr, elementsPerSec: rowsN / (mr.medianMs / 1e3) });
      results.push({ case: `${c.name}: compiled, columnar`, n: rowsN, ...mc, elementsPerSec: rowsN / (mc.medianMs / 1e3) });
      ratios[`compiled/interpreter@${c.name}`] = ratio(mi, sub.length, mc, rowsN);
      ratios[`compiled-rows/interpreter@${c.name}`] = ratio(mi, sub.length, mr, rowsN);
      bars.push(
        { label: `${c.name} columnar`, value: ratios[`compiled/interpreter@${c.name}`]! },
        { label: `${c.name} rows`, value: ratios[`compiled-rows/interpreter@${c.name}`]! },
      );
      if (sub.length < rowsN) notes.push(`${c.name}: ${c.what}; interpreter timed on ${sub.length} of ${rowsN} rows and scaled per row`);
      else notes.push(`${c.name}: ${c.what}`);
    }

    // Tree layouts: the same forests compiled both ways, scored on the same columns.
    const layoutRows = full ? 5_000 : 30;
    const sizes = full
      ? [
          { size: "small", trees: 10, depth: 4 },
          { size: "medium", trees: 100, depth: 6 },
          { size: "large", trees: 500, depth: 8 },
        ]
      : [
          { size: "small", trees: 2, depth: 2 },
          { size: "medium", trees: 3, depth: 3 },
          { size: "large", trees: 4, depth: 4 },
        ];
    const forest500 = cases.find((c) => c.name === "forest-500")!;
    for (const s of sizes) {
      const pipeline = s.size === "large" ? forest500.pipeline : parsePmml(forest(s.trees, s.depth));
      const nodes = s.trees * (2 ** (s.depth + 1) - 1);
      const rows = uniformRows(50, layoutRows, 13);
      const measured: Record<string, Measurement> = {};
      let reference: Float64Array | undefined;
      for (const layout of ["branches", "table"] as const) {
        ctx.log(`families: layout ${layout}, ${s.size} (${s.trees} trees × depth ${s.depth}, ${nodes} nodes)`);
        const t0 = performance.now();
        const compiled: CompiledPipeline = compilePipeline(pipeline, { treeLayout: layout });
        const model = compiledView(new PortaModel("pmml", new CompiledSession(compiled, pipelineFacts(pipeline))));
        const compileMs = performance.now() - t0;
        const cols = encodeColumns(compiled, rows);
        const first = model.scoreColumns(rows.length, cols)[0] as Float64Array;
        if (reference && !first.every((v, i) => v === reference![i])) throw new Error(`families: ${s.size}: branches and table layouts disagree`);
        reference = first;
        const m = timeRuns(ctx.size, () => {
          sink += model.scoreColumns(rows.length, cols)[0]!.length;
        });
        measured[layout] = m;
        results.push({
          case: `layout ${s.size} (${s.trees}×${s.depth}, ${nodes} nodes): ${layout}`,
          n: rows.length,
          ...m,
          elementsPerSec: rows.length / (m.medianMs / 1e3),
        });
        results.push({ case: `layout ${s.size}: ${layout}, compile`, ...measurementOf([compileMs]) });
        notes.push(`layout ${s.size}: ${layout}: generated module ${(compiled.source.length / 1e6).toFixed(2)} MB, compiled in ${compileMs.toFixed(0)} ms`);
      }
      ratios[`branches/table@${s.size}`] = ratio(measured.table!, 1, measured.branches!, 1);
      notes.push(
        `layout ${s.size}: ${s.trees} trees × depth ${s.depth} = ${nodes} nodes; "auto" picks ${nodes >= NODE_TABLE_MIN_NODES ? "table" : "branches"} (NODE_TABLE_MIN_NODES = ${NODE_TABLE_MIN_NODES})`,
      );
    }
    return {
      ratios,
      results,
      chart: { kind: "bars", title: "Compiled JS speed-up over the interpreter (log scale)", yLabel: "× interpreter", bars },
      notes,
    };
  },
});

/**
 * The rows the interpreter is timed on: all of them when a pass takes about a second or less,
 * else a prefix sized from a 20-row probe.
 */
function interpreterRows(ctx: BenchContext, interp: Model, rows: readonly Row[]): Row[] {
  if (ctx.size === "smoke") return rows.slice(0, 10);
  const probe = rows.slice(0, 20);
  interp.scoreBatch(probe);
  const t = performance.now();
  interp.scoreBatch(probe);
  const perRow = (performance.now() - t) / probe.length;
  const count = Math.max(50, Math.min(rows.length, Math.ceil(800 / Math.max(perRow, 1e-6))));
  return rows.slice(0, count);
}
