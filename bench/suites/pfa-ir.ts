/**
 * PFA lowered into the IR (issue 15): the fixture documents (and a general program, `program`) scored by compile-js from the lowered
 * pipeline, next to the PFA closure engine and the tree-walking interpreter, on the same 100k rows
 * (full size; 200 at smoke size). compile-js is timed as the batch suite times PMML: its kernel on
 * ready columns (`columnar`) and through the row API (`scoreBatch`, which encodes row objects and
 * decodes results); the PFA engines on rows decoded beforehand, as the pfa suite does.
 *
 * Ratios (> 1: compiled-from-IR faster): `ir/closure@M` = closure time ÷ compile-js columnar
 * time, `ir/walker@M` the same against the walker, `ir-rows/closure@M` with the row API, and
 * `ir/recorded-closure@forest` = compile-js columnar rows/s ÷ the closure engine's forest figure
 * recorded before the issue (bench/results/pfa.json at c7757cd, kept there: 54,380 rows/s on
 * 200-row operations), the acceptance (≥ 10).
 */
import { readFileSync } from "node:fs";
import type { LoweredSession } from "@porta/backend";
import { ProgramSession, type CompiledSession } from "@porta/compile-js";
import { compilePfa, decodeInput, parsePfa, walkPfa } from "@porta/pfa";
import { modelFromText, type PortaModel } from "@porta/runtime";
import { rng } from "../../fixtures/gen/random.ts";
import { defineSuite, timeRatio, type BenchResult, type Measurement } from "../harness.ts";
import { encodeColumns, type Row } from "../pmml-scoring.ts";
import { measurementOf } from "../timing.ts";

const MODELS = ["forest", "tree", "kmeans", "logistic", "mlp"] as const;
/** General programs (loops, cells, user functions) that compile-js generates from the program IR. */
const PROGRAMS = ["program"] as const;
const FIXTURES = new URL("../../fixtures/pfa/", import.meta.url);

/** The closure engine's forest figure at the commit before issue 15 (bench/results/pfa.json, "forest: compiled"). */
const RECORDED_CLOSURE_FOREST_ROWS_PER_SEC = 54_380;

/** Results land here so that no call can be optimised away. */
export let sink = 0;

const consume = (v: unknown) => {
  sink += typeof v === "number" ? v : typeof v === "string" ? v.length : 1;
};

/** Rows of the fixtures' input range ([0, 10) per feature), as each document takes them. */
function inputsFor(name: string, n: number): unknown[] {
  const rand = rng(15);
  const x = () => Math.round(rand() * 10 * 1e4) / 1e4;
  return Array.from({ length: n }, () => (name === "kmeans" ? [x(), x(), x(), x()] : { x0: x(), x1: x(), x2: x(), x3: x() }));
}

/**
 * Each op once to warm up, then `rounds` rounds running every op once in turn: on a shared
 * machine, load that comes and goes falls on every op alike instead of on whichever ran then.
 */
function alternating(rounds: number, ops: readonly (() => void)[]): Measurement[] {
  for (const op of ops) op();
  const samples = ops.map((): number[] => []);
  for (let r = 0; r < rounds; r++) {
    ops.forEach((op, k) => {
      const t = performance.now();
      op();
      samples[k]!.push(performance.now() - t);
    });
  }
  return samples.map((s) => measurementOf(s));
}

const rowsPerSec = (n: number, m: Measurement) => n / (m.medianMs / 1e3);

export default defineSuite({
  name: "pfa-ir",
  description: "PFA fixtures lowered into the IR and compiled by compile-js vs the PFA closure engine and the walker, 100k rows",
  async run(ctx) {
    const full = ctx.size === "full";
    const n = full ? 100_000 : 200;
    const ratios: Record<string, number> = {};
    const results: BenchResult[] = [];
    const bars: { label: string; value: number }[] = [];
    for (const name of MODELS) {
      const text = readFileSync(new URL(`${name}.pfa.json`, FIXTURES), "utf8");
      const model = modelFromText(text, "pfa", ["js"]) as PortaModel;
      if (model.backend !== "js") throw new Error(`pfa-ir: ${name} was not lowered: ${model.notices.join("; ")}`);
      const compiled = ((model.session as LoweredSession).inner as CompiledSession).compiled;
      const session = (model.session as LoweredSession).inner as CompiledSession;
      const closure = compilePfa(parsePfa(text));
      const walker = walkPfa(parsePfa(text));
      const inputs = inputsFor(name, n);
      const decoded = inputs.map((r) => decodeInput(closure, r));
      const rows: Row[] = inputs.map((r) => (Array.isArray(r) ? { input: r } : (r as Row)));
      // the kernel's columns: an array input spread into its element fields, as the lowered session does
      const fieldRows: Row[] = inputs.map((r) => (Array.isArray(r) ? Object.fromEntries(r.map((v, k) => [`input[${k}]`, v])) : (r as Row)));
      const columns = encodeColumns(compiled, fieldRows);

      // outputs checked equal first (bit for bit: both engines compute the same operations)
      const check = Math.min(n, 2000);
      const viaIr = model.scoreBatch(rows.slice(0, check)).results;
      for (let i = 0; i < check; i++) {
        const want = closure.action(decoded[i]);
        const got = viaIr[i]!;
        const same = typeof want === "object" && want !== null ? JSON.stringify(got) === JSON.stringify(want) : got.output === want;
        if (!same) throw new Error(`pfa-ir: ${name}: row ${i}: compile-js ${JSON.stringify(got)}, closure engine ${JSON.stringify(want)}`);
      }

      ctx.log(`pfa-ir: ${name} (${n} rows per run)`);
      const [columnar, rowApi, closureRun, walkerRun] = alternating(full ? 5 : 1, [
        () => {
          sink += session.scorer.run(n, columns)[0]!.length;
        },
        () => {
          sink += model.scoreBatch(rows).results.length;
        },
        () => {
          for (let i = 0; i < n; i++) consume(closure.action(decoded[i]));
        },
        () => {
          for (let i = 0; i < n; i++) consume(walker.action(decoded[i]));
        },
      ]) as [Measurement, Measurement, Measurement, Measurement];
      const cases: [string, Measurement][] = [
        ["compiled-from-IR, columnar", columnar],
        ["compiled-from-IR, row API", rowApi],
        ["closure engine", closureRun],
        ["walker", walkerRun],
      ];
      for (const [label, m] of cases) {
        results.push({ case: `${name}: ${label}`, n, ...m, elementsPerSec: rowsPerSec(n, m) });
        bars.push({ label: `${name} ${label}`, value: rowsPerSec(n, m) });
      }
      ratios[`ir/closure@${name}`] = timeRatio(closureRun, columnar);
      ratios[`ir/walker@${name}`] = timeRatio(walkerRun, columnar);
      ratios[`ir-rows/closure@${name}`] = timeRatio(closureRun, rowApi);
      if (name === "forest") ratios["ir/recorded-closure@forest"] = Number((rowsPerSec(n, columnar) / RECORDED_CLOSURE_FOREST_ROWS_PER_SEC).toPrecision(4));
    }
    for (const name of PROGRAMS) {
      const text = readFileSync(new URL(`${name}.pfa.json`, FIXTURES), "utf8");
      const model = modelFromText(text, "pfa", ["js"]) as PortaModel;
      const inner = (model.session as Partial<LoweredSession>).inner ?? model.session;
      if (!(inner instanceof ProgramSession)) throw new Error(`pfa-ir: ${name} was not compiled as a program: ${model.notices.join("; ")}`);
      const program = inner.program;
      const closure = compilePfa(parsePfa(text));
      const closureModel = modelFromText(text, "pfa", ["pfa"]) as PortaModel;
      const inputs = inputsFor(name, n);
      const decoded = inputs.map((r) => decodeInput(closure, r));
      const rows = inputs as Row[];
      // outputs checked equal first, row after row from the same start (the documents keep state in cells)
      const check = Math.min(n, 2000);
      const viaIr = model.scoreBatch(rows.slice(0, check)).results;
      for (let i = 0; i < check; i++) {
        const want = JSON.stringify(closure.action(decoded[i]), (_k, v: unknown) => (typeof v === "bigint" ? Number(v) : v));
        if (JSON.stringify(viaIr[i]) !== want) throw new Error(`pfa-ir: ${name}: row ${i}: compile-js ${JSON.stringify(viaIr[i])}, closure engine ${want}`);
      }
      ctx.log(`pfa-ir: ${name} (${n} rows per run)`);
      const [generated, rowApi, closureRun, closureRows] = alternating(full ? 5 : 1, [
        () => {
          for (let i = 0; i < n; i++) consume(program.action(decoded[i]));
        },
        () => {
          sink += model.scoreBatch(rows).results.length;
        },
        () => {
          for (let i = 0; i < n; i++) consume(closure.action(decoded[i]));
        },
        () => {
          sink += closureModel.scoreBatch(rows).results.length;
        },
      ]) as [Measurement, Measurement, Measurement, Measurement];
      const cases: [string, Measurement][] = [
        ["compiled-from-IR program", generated],
        ["compiled-from-IR program, row API", rowApi],
        ["closure engine", closureRun],
        ["closure engine, row API", closureRows],
      ];
      for (const [label, m] of cases) {
        results.push({ case: `${name}: ${label}`, n, ...m, elementsPerSec: rowsPerSec(n, m) });
        bars.push({ label: `${name} ${label}`, value: rowsPerSec(n, m) });
      }
      ratios[`ir/closure@${name}`] = timeRatio(closureRun, generated);
      ratios[`ir-rows/closure-rows@${name}`] = timeRatio(closureRows, rowApi);
    }
    return {
      ratios,
      results,
      chart: { kind: "bars", title: "PFA through the IR: rows/s (log scale)", yLabel: "rows per second", bars },
      notes: [
        "ratio a/b@M = b's median time ÷ a's on the same rows (> 1: a faster); ir = compile-js columnar on the lowered pipeline, ir-rows = its row API",
        `ir/recorded-closure@forest = compile-js columnar rows/s ÷ ${RECORDED_CLOSURE_FOREST_ROWS_PER_SEC} rows/s, the closure engine's forest figure recorded before issue 15 (bench/results/pfa.json, kept)`,
        "rows: 100k uniform in [0, 10) per feature (seeded); the PFA engines get them decoded beforehand, compile-js columnar gets ready Float64Array columns, the row API row objects",
        "outputs of compile-js and the closure engine checked equal (exactly) on the first 2000 rows first",
        "program (fixtures/pfa/program.pfa.json: loops, cells, user functions) is a general program: compile-js runs it as generated code from the program IR (ProgramModel), timed on decoded rows (as the closure engine) and through the row API (Avro JSON decode/encode per row; ir-rows/closure-rows@program compares with the PFA engine's own row API, backend pfa)",
        "the four ways of one model are timed alternating (a warm-up each, then 5 rounds of one run each; median): a shared machine's load falls on all alike",
      ],
    };
  },
});
