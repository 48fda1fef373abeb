/**
 * Focused benchmark for the correctly rounded exp behind compiled NeuralNetwork and SVM models:
 * @porta/ir's double-double slow path (expReference) against its exp (fast path + certificate, the
 * one every site uses) (and V8's Math.exp, which is
 * not correctly rounded, for scale), then whole models compiled with each, in the same process.
 *
 *   npx tsx packages/compile-js/bench/exact-exp.bench.ts
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { exactExp, expReference } from "@porta/ir";
import { parsePmml } from "@porta/pmml";
import { CompiledPmmlModel, pmmlModel } from "@porta/runtime";
import { uniformRows } from "../../../fixtures/gen/document.ts";
import { neuralText } from "../../../fixtures/gen/neural.ts";
import { svmText } from "../../../fixtures/gen/svm.ts";
import { corpusDir, encodeColumns, readCorpusRows, repeatRows } from "../../../bench/pmml-scoring.ts";
import { registerRuntimeHelper } from "../src/helpers.ts";

let sink = 0;

/** Median ms of `runs` timed calls after two warm-ups. */
function median(op: () => void, runs = 7): number {
  op(); op();
  const times: number[] = [];
  for (let r = 0; r < runs; r++) {
    const t = performance.now();
    op();
    times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  return times[runs >> 1];
}

const N = 1_000_000;
const xs = new Float64Array(N);
for (let i = 0; i < N; i++) xs[i] = (Math.sin(i * 12.9898) * 43758.5453 % 1) * 30; // logistic/softmax range
const perCall = (f: (x: number) => number) => (median(() => { let s = 0; for (let i = 0; i < N; i++) s += f(xs[i]); sink += s; }) / N) * 1e6;
const slowNs = perCall(expReference);
const fastNs = perCall(exactExp);
const mathNs = perCall(Math.exp);
console.log(`exp per call (1M args in ±30): double-double ${slowNs.toFixed(1)} ns, exactExp ${fastNs.toFixed(1)} ns (${(slowNs / fastNs).toFixed(1)}×), Math.exp ${mathNs.toFixed(1)} ns`);

const cases: { name: string; text: string; rows: Record<string, unknown>[] }[] = [
  { name: "nn-20x16x16", text: neuralText({ features: 20, layers: 2, neurons: 16, seed: 1 }), rows: uniformRows(20, 10_000, 11) },
  { name: "svm-200", text: svmText({ features: 20, vectors: 200, seed: 1 }), rows: uniformRows(20, 10_000, 11) },
];
const dir = corpusDir();
if (dir) {
  const manifest = JSON.parse(readFileSync(join(dir, "manifest.json"), "utf8")) as { id: string; model: string; input: string }[];
  for (const id of ["knime/NeuralNetworkIris", "knime/SupportVectorMachineIris"]) {
    const e = manifest.find((m) => m.id === id);
    if (e) cases.push({ name: id, text: readFileSync(join(dir, e.model), "utf8"), rows: repeatRows(readCorpusRows(join(dir, e.input)), 10_000) });
  }
}
for (const c of cases) {
  const pipeline = parsePmml(c.text);
  const interp = pmmlModel(pipeline, "interp");
  const sub = c.rows.slice(0, 2000);
  const ti = median(() => { sink += interp.scoreBatch(sub, { onError: "collect" }).results.length; }, 3) / sub.length;
  const timed: number[] = [];
  const answers: unknown[] = [];
  for (const exp of [expReference, exactExp]) {
    registerRuntimeHelper("exp", exp);
    const model = pmmlModel(pipeline, "js") as CompiledPmmlModel;
    if (model.backend !== "js") throw new Error(`${c.name} not compiled`);
    const cols = encodeColumns(model.compiled, c.rows);
    answers.push(JSON.stringify(model.scoreBatch(c.rows.slice(0, 2000), { onError: "collect" }).results));
    timed.push(median(() => { sink += model.scoreColumns(c.rows.length, cols)[0]!.length; }) / c.rows.length);
  }
  registerRuntimeHelper("exp", exactExp);
  if (answers[0] !== answers[1]) throw new Error(`${c.name}: results differ between the two exps`);
  const us = (ms: number) => `${(ms * 1e3).toFixed(2)} µs/row`;
  console.log(`${c.name}: interpreter ${us(ti)}; compiled, double-double exp ${us(timed[0])} (${(ti / timed[0]).toFixed(1)}×); compiled, exactExp ${us(timed[1])} (${(ti / timed[1]).toFixed(1)}×); same answers`);
}
if (sink === 0) console.log("");
