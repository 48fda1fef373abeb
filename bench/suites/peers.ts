/**
 * Porta against its peer onnxruntime-node on models the project generates (fixtures/gen): a 500-tree
 * depth-8 regression forest, a 3-class classification forest, a 300-tree GBM, a 3-class
 * multinomial logistic regression and an MLP with hidden layers 64 and 32. Trees are generated with
 * right children `<True/>` (ForestSpec.elseTrue): exportPipeline refuses forest.ts's default form
 * (complementary greaterThan + defaultChild) at 500 trees depth 8, over its 500k-node limit.
 *
 * ORT side, as a user of onnxruntime-node runs it: the ONNX bytes from `exportPipeline(pipeline)`
 * (@porta/onnx), one `InferenceSession.create(bytes)` with default options, timed on
 * `session.run(feeds)` with float64 [n,1] tensors per graph input built once: raw tensors in, raw
 * tensors out, no Porta decoding. Porta side: `loadModel(text, { backend: "js" })` (compile-js) and
 * `scoreColumns` on a columnar Batch built once (batchFromRows outside the timing); extra lines:
 * the row API `scoreBatch` at 10k rows and single-row `score`. What `auto` picks is noted; when it
 * is not compile-js it is timed too (through scoreColumnsAsync) as "Porta as a whole".
 *
 * `PEERS_MODELS=logistic-3class,mlp-64x32 npm run bench -- peers` runs only the models named.
 *
 * Ratios: `porta/ort@model@rows` = ORT's time per row ÷ Porta's (> 1: Porta faster), Porta being
 * compile-js through scoreColumns (or auto where it picks another backend and is faster).
 */
import { availableParallelism, cpus, loadavg } from "node:os";
import { InferenceSession, Tensor } from "onnxruntime-node";
import { batchFromRows, rowsFromBatch, type Batch } from "@porta/backend";
import { exportPipeline, type ExportedPipeline } from "@porta/onnx";
import { parsePmml } from "@porta/pmml";
import { loadModel, type Model } from "@porta/runtime";
import "porta/backends";
import { uniformRows } from "../../fixtures/gen/document.ts";
import { forestText } from "../../fixtures/gen/forest.ts";
import { gbmText } from "../../fixtures/gen/gbm.ts";
import { neuralText } from "../../fixtures/gen/neural.ts";
import { regressionText } from "../../fixtures/gen/regression.ts";
import { defineSuite, type BenchResult, type Measurement } from "../harness.ts";
import { measurementOf } from "../timing.ts";

/** How the graph's raw outputs map to Porta's predicted `y` for the agreement check. */
type Readout = "predicted_value" | "vote" | "argmax" | "neuron";

interface PeerModel {
  name: string;
  what: string;
  text: string;
  features: number;
  readout: Readout;
  /** Added to the graph's predicted_value: the GBM's Targets rescaleConstant, applied outside the graph. */
  offset?: number;
}

/** Results land here so that no call can be optimised away. */
export let sink = 0;

/** Rows checked for agreement before timing. */
const CHECK_ROWS = 200;

function models(full: boolean): PeerModel[] {
  const trees = full ? 500 : 4;
  const depth = full ? 8 : 3;
  return [
    {
      name: "forest-500",
      what: `random forest (average), ${trees} trees depth ${depth}, 50 features`,
      text: forestText({ trees, depth, features: 50, task: "regression", seed: 1, elseTrue: true }),
      features: 50,
      readout: "predicted_value",
    },
    {
      name: "forest-500-3class",
      what: `classification forest (majority vote, 3 classes), ${trees} trees depth ${depth}, 50 features`,
      text: forestText({ trees, depth, features: 50, task: "classification", seed: 2, elseTrue: true }),
      features: 50,
      readout: "vote",
    },
    {
      name: "gbm-300",
      what: `GBM (sum + rescaleConstant 0.5), ${full ? 300 : 3} trees depth ${full ? 6 : 3}, 30 features`,
      text: gbmText({ trees: full ? 300 : 3, depth: full ? 6 : 3, features: 30, baseScore: 0.5, seed: 1, elseTrue: true }),
      features: 30,
      readout: "predicted_value",
      offset: 0.5,
    },
    {
      name: "logistic-3class",
      what: "multinomial logistic RegressionModel (softmax), 3 classes, 50 features",
      text: regressionText({ features: 50, task: "classification", classes: 3, seed: 1 }),
      features: 50,
      readout: "argmax",
    },
    {
      name: "mlp-64x32",
      what: "MLP NeuralNetwork, 50 inputs, logistic hidden layers 64 and 32, identity output",
      text: neuralText({ features: 50, layers: 2, neurons: 64, hidden: [64, 32], seed: 1 }),
      features: 50,
      readout: "neuron",
    },
  ];
}

/** Calls per timed sample: small batches are too quick to time one call at a time. */
function repsFor(n: number, smoke: boolean): number {
  return smoke ? 1 : Math.max(1, Math.ceil(2000 / n));
}

/** Fewest samples per timed side (a noisy shared machine needs more than three medians' worth). */
const MIN_SAMPLES = 7;

/**
 * Times several operations in alternating samples of `reps` calls each (A, B, C, A, B, C, …)
 * after a warm-up of one sample each, until the budget is spent and each has MIN_SAMPLES: load
 * that comes and goes on a shared machine falls on every side alike, so their ratio holds where
 * back-to-back timings did not. The median per call of each, in `ops` order.
 */
async function timeAlternating(smoke: boolean, reps: number, ops: readonly (() => unknown)[], budgetMs = 3000): Promise<Measurement[]> {
  const sample = async (op: () => unknown): Promise<number> => {
    const t = performance.now();
    for (let r = 0; r < reps; r++) {
      // Only an asynchronous call is awaited: a microtask per synchronous call would be timed too.
      const pending = op();
      if (pending instanceof Promise) await pending;
    }
    return performance.now() - t;
  };
  for (const op of ops) await sample(op);
  const samples: number[][] = ops.map(() => []);
  let spent = 0;
  const enough = (): boolean => samples[0]!.length >= (smoke ? 1 : MIN_SAMPLES) && (smoke || spent >= budgetMs || samples[0]!.length >= 200);
  while (!enough()) {
    for (let k = 0; k < ops.length; k++) {
      const ms = await sample(ops[k]!);
      samples[k]!.push(ms / reps);
      spent += ms;
    }
    // One sample alone this long (a 100k-row MLP on a loaded machine): the minimum is enough.
    if (spent > 30_000 && samples[0]!.length >= 3) break;
  }
  return samples.map((s) => measurementOf(s));
}

/** Which models to run: all, or those named in PEERS_MODELS (comma-separated), e.g. PEERS_MODELS=logistic-3class,mlp-64x32. */
function selected(all: PeerModel[]): PeerModel[] {
  const names = process.env.PEERS_MODELS?.split(",").filter((x) => x !== "");
  if (!names?.length) return all;
  const unknown = names.filter((name) => !all.some((m) => m.name === name));
  if (unknown.length) throw new Error(`peers: PEERS_MODELS names no model ${unknown.join(", ")} (models: ${all.map((m) => m.name).join(", ")})`);
  return all.filter((m) => names.includes(m.name));
}

/** The graph's feeds for rows: one float64 [n,1] column per graph input (inputs are doubles; absent = NaN). */
function feedsOf(exported: ExportedPipeline, rows: readonly Record<string, number>[]): Record<string, Tensor> {
  const feeds: Record<string, Tensor> = {};
  for (const input of exported.inputs) {
    if (input.table) throw new Error(`peers: input ${input.name} is categorical; the synthetic models have numeric inputs only`);
    const column = Float64Array.from(rows, (r) => r[input.name] ?? Number.NaN);
    feeds[input.name] = new Tensor("float64", column, [rows.length, 1]);
  }
  return feeds;
}

function tensorValues(out: InferenceSession.ReturnType, name: string): { data: Float64Array; width: number } {
  const t = out[name];
  if (!t || !(t.data instanceof Float64Array)) throw new Error(`peers: graph output ${name} missing or not float64`);
  return { data: t.data, width: Number(t.dims[1] ?? 1) };
}

/** Majority vote of the leaves' scores in one row; undefined on a tie (PMML breaks ties by order, not compared). */
function vote(exported: ExportedPipeline, leaves: Float64Array, row: number, trees: number): string | undefined {
  const counts = new Map<string, number>();
  for (let t = 0; t < trees; t++) {
    const score = String(exported.forest!.leaves[leaves[row * trees + t]!]!.node?.score);
    counts.set(score, (counts.get(score) ?? 0) + 1);
  }
  const sorted = [...counts.entries()].sort((a, b) => b[1] - a[1]);
  return sorted.length > 1 && sorted[0]![1] === sorted[1]![1] ? undefined : sorted[0]![0];
}

/** The graph's answer for row i in Porta's terms (predicted y), from the raw outputs. */
function graphAnswer(m: PeerModel, exported: ExportedPipeline, out: InferenceSession.ReturnType, i: number): number | string | undefined {
  if (m.readout === "predicted_value") return tensorValues(out, "predicted_value").data[i]! + (m.offset ?? 0);
  if (m.readout === "vote") {
    const { data, width } = tensorValues(out, "leaves");
    return vote(exported, data, i, width);
  }
  const decode = [...exported.nodes.values()][0];
  if (m.readout === "argmax" && decode?.kind === "regression") {
    const { data, width } = tensorValues(out, decode.output);
    let best = 0;
    for (let k = 1; k < width; k++) if (data[i * width + k]! > data[i * width + best]!) best = k;
    return `c${best}`; // tables are c0..c(k-1) in order; softmax keeps the argmax
  }
  if (m.readout === "neuron" && decode?.kind === "neuralNetwork") {
    const { data, width } = tensorValues(out, decode.output);
    return data[i * width + decode.ids.indexOf("out")]!;
  }
  throw new Error(`peers: ${m.name}: no ${m.readout} output in the exported graph`);
}

function agrees(a: unknown, b: unknown): boolean {
  if (typeof a === "number" && typeof b === "number") return Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(a), Math.abs(b));
  return a === b;
}

/** Throws on the first row where the graph and compile-js disagree; returns how many rows were compared. */
async function checkAgreement(
  m: PeerModel,
  exported: ExportedPipeline,
  session: InferenceSession,
  porta: Model,
  rows: Record<string, number>[],
): Promise<number> {
  const out = await session.run(feedsOf(exported, rows));
  const expected = rowsFromBatch(porta.scoreColumns(batchFromRows(rows)));
  let compared = 0;
  for (let i = 0; i < rows.length; i++) {
    const got = graphAnswer(m, exported, out, i);
    if (got === undefined) continue; // a tied vote
    if (!agrees(got, expected[i]!.y)) throw new Error(`peers: ${m.name} row ${i}: ORT graph gives ${String(got)}, compile-js ${String(expected[i]!.y)}`);
    compared++;
  }
  return compared;
}

const perRow = (t: Measurement, n: number) => t.medianMs / n;
const ratio = (slow: number, fast: number) => Number((slow / fast).toPrecision(4));

export default defineSuite({
  name: "peers",
  description: "Porta (compile-js, columnar) vs onnxruntime-node on the exported ONNX graph: forests, GBM, logistic regression, MLP at batch 1, 10k, 100k",
  async run(ctx) {
    const full = ctx.size === "full";
    const smoke = !full;
    const sizes = full ? [1, 10_000, 100_000] : [1, 20, 50];
    const rowSize = full ? 10_000 : 20;
    const ratios: Record<string, number> = {};
    const results: BenchResult[] = [];
    const bars: { label: string; value: number }[] = [];
    const load0 = loadavg();
    const notes: string[] = [
      `machine: ${cpus()[0]?.model ?? "?"}, availableParallelism ${availableParallelism()}; load average (1, 5, 15 min) at start ${load0.map((x) => x.toFixed(2)).join(", ")}`,
      `timing: per size, ORT session.run, compile-js scoreColumns and (when auto picks another backend) auto's scoreColumnsAsync in alternating samples after a warm-up sample each, at least ${MIN_SAMPLES} samples each and 3 s in all; medians`,
      "ORT: onnxruntime-node InferenceSession.create(bytes) with default options (CPU provider, intraOpNumThreads unset = ORT's default pool of one thread per physical core, interOp sequential); timed on session.run(feeds), float64 [n,1] tensors per graph input built once, all graph outputs returned, nothing decoded",
      `Porta: loadModel(text, { backend: 'js' }) (compile-js), scoreColumns on a Batch built once; batches the kernel takes >= 5 ms over are split across ${process.env.PORTA_THREADS ?? availableParallelism()} threads (PORTA_THREADS, else availableParallelism: worker_threads over shared memory, the calling thread included; the pool starts on the warm-up call); extra lines: scoreBatch (row objects) and score (one row)`,
      "ratios porta/ort@model@rows = ORT's time per row ÷ Porta's (> 1: Porta faster); porta-rows/ort uses scoreBatch, porta-score/ort single-row score",
      "agreement before timing: regression forest and GBM: graph predicted_value (+ GBM base score, the Targets rescaleConstant the graph leaves out) = compile-js y within 1e-9; classification forest: majority vote over the graph's leaf ids (leaves output, mapped to each leaf's score) = compile-js y, tied votes skipped; logistic: argmax of the graph's RegressionTable sums (tables_0, before softmax) = compile-js class; MLP: the graph's output neuron (neurons_0) = compile-js y within 1e-9",
      "trees use forest.ts elseTrue (right child <True/>, same function as the default complementary greaterThan): exportPipeline refuses the default form at 500 trees depth 8 (over 500k TreeEnsemble nodes: it re-tests each split and copies the defaultChild subtree)",
      "the classification forest's graph stops at leaf ids (ORT does less work than Porta, which votes); the logistic graph stops at table sums (Porta also normalises)",
    ];
    for (const m of selected(models(full))) {
      ctx.log(`peers: ${m.name}: loading`);
      const rows = uniformRows(m.features, sizes[sizes.length - 1]!, 11);
      const porta = await loadModel(m.text, { backend: "js" });
      const auto = await loadModel(m.text, { scoring: "async" });
      const exported = exportPipeline(parsePmml(m.text));
      const session = await InferenceSession.create(exported.bytes);
      const compared = await checkAgreement(m, exported, session, porta, rows.slice(0, CHECK_ROWS));
      notes.push(
        `${m.name}: ${m.what}; PMML ${(m.text.length / 1e6).toFixed(2)} MB, ONNX ${(exported.bytes.length / 1e6).toFixed(2)} MB, ${exported.inputs.length} graph inputs, outputs ${exported.outputs.join(", ")}; auto picks ${auto.backend}; ${compared}/${Math.min(CHECK_ROWS, rows.length)} rows compared, all agree`,
      );
      const record = (label: string, n: number, t: Measurement): number => {
        results.push({ case: `${m.name}: ${label}, ${n} rows`, n, ...t, elementsPerSec: n / (t.medianMs / 1e3) });
        return perRow(t, n);
      };
      for (const n of sizes) {
        ctx.log(`peers: ${m.name} at ${n} rows`);
        const slice = rows.slice(0, n);
        const batch: Batch = batchFromRows(slice);
        const feeds = feedsOf(exported, slice);
        const reps = repsFor(n, smoke);
        const ops: (() => unknown)[] = [
          async () => {
            sink += Object.keys(await session.run(feeds)).length;
          },
          () => {
            sink += porta.scoreColumns(batch).length;
          },
        ];
        if (auto.backend !== porta.backend)
          ops.push(async () => {
            sink += (await auto.scoreColumnsAsync(batch)).length;
          });
        const [tOrt, tJs, tAuto] = await timeAlternating(smoke, reps, ops);
        const ort = record("onnxruntime-node session.run", n, tOrt!);
        let best = record("porta compile-js scoreColumns", n, tJs!);
        ratios[`js/ort@${m.name}@${n}`] = ratio(ort, best);
        if (tAuto) best = Math.min(best, record(`porta auto (${auto.backend}) scoreColumnsAsync`, n, tAuto));
        ratios[`porta/ort@${m.name}@${n}`] = ratio(ort, best);
        if (n === 1) {
          const row = slice[0]!;
          const s = record(
            "porta compile-js score (one row)",
            1,
            (
              await timeAlternating(smoke, reps, [
                () => {
                  sink += Object.keys(porta.score(row)).length;
                },
              ])
            )[0]!,
          );
          ratios[`porta-score/ort@${m.name}@1`] = ratio(ort, s);
        }
        if (n === rowSize) {
          const r = record(
            "porta compile-js scoreBatch (rows)",
            n,
            (
              await timeAlternating(smoke, reps, [
                () => {
                  sink += porta.scoreBatch(slice).results.length;
                },
              ])
            )[0]!,
          );
          ratios[`porta-rows/ort@${m.name}@${n}`] = ratio(ort, r);
        }
        if (n === sizes[sizes.length - 1]) bars.push({ label: `${m.name} @${n}`, value: ratios[`porta/ort@${m.name}@${n}`]! });
      }
      await session.release();
      await auto.dispose();
      await porta.dispose();
    }
    notes.push(
      `load average at end ${loadavg()
        .map((x) => x.toFixed(2))
        .join(", ")}`,
    );
    return {
      ratios,
      results,
      notes,
      chart: { kind: "bars", title: `Porta ÷ onnxruntime-node rows/s at ${sizes[sizes.length - 1]} rows (log scale)`, yLabel: "× onnxruntime-node", bars },
    };
  },
});
