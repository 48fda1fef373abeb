/**
 * The GPU check (bench/gpu/run.sh runs it, bundled, on a machine with no network): the WebGPU
 * adapter, the agreement checks of both GPU backends against compile-js, then the backends bench
 * (compile-js, onnxruntime CPU, the interpreter, gpu.js, WebGPU) on the 500-tree forest and the
 * MLP, and each GPU backend's break-even. Without an adapter it runs the same steps small (the
 * bench in its smoke sizes), so that it can be tried anywhere in seconds.
 *
 *   npx tsx --conditions=@porta/source bench/gpu/main.ts      # from the sources
 */
import "porta/backends";
import { probeAdapter } from "@porta/compile-gpu/adapter";
import { createContext } from "../harness.ts";
import backends from "../suites/backends.ts";
import { AGREEMENT_CASES, checkAgreement } from "./agreement.ts";

const started = performance.now();
const say = (line: string): void => {
  process.stdout.write(`[${((performance.now() - started) / 1000).toFixed(1)} s] ${line}\n`);
};

const probe = await probeAdapter();
say(probe.found ? `WebGPU adapter: ${probe.description}` : `no WebGPU adapter: ${probe.reason}`);

let failed = 0;
for (const backend of probe.found ? ["gpu", "webgpu"] : ["gpu"]) {
  for (const c of AGREEMENT_CASES) {
    const r = await checkAgreement(backend, c);
    const ok = r.problems.length === 0 && r.stats?.engineRows === r.rows - r.gaps;
    if (!ok) failed++;
    say(`${ok ? "ok  " : "FAIL"} ${backend}: ${c.name}${ok ? "" : `: ${[...r.problems.slice(0, 3), `stats ${JSON.stringify(r.stats)}`].join("; ")}`}`);
  }
}

if (probe.found) {
  process.env.PORTA_BENCH_MODELS ??= "forest-500,nn-20x16x16";
  process.env.PORTA_BENCH_ROWS ??= "10000,100000,1000000";
  // gpu.js has no GL context in Node (CPU mode) and the interpreter takes seconds per 10k rows: both left out of the timed run.
  process.env.PORTA_BENCH_BACKENDS ??= "webgpu,js,onnx";
}
const size = probe.found || process.env.PORTA_BENCH_FULL === "1" ? "full" : "smoke";
say(`backends bench (${size}; models ${process.env.PORTA_BENCH_MODELS ?? "all"}, rows ${process.env.PORTA_BENCH_ROWS ?? "the suite's"})`);
const report = await backends.run(createContext(size, (line) => say(line)));
for (const r of report.results)
  say(`${r.case}: median ${r.medianMs.toFixed(2)} ms${r.elementsPerSec ? `, ${Math.round(r.elementsPerSec).toLocaleString("en-US")} rows/s` : ""}`);
for (const [k, v] of Object.entries(report.ratios)) if (/^(webgpu|gpu|js)\//.test(k) || k.includes("break-even")) say(`ratio ${k} = ${v}`);
for (const n of report.notes ?? []) say(`note: ${n}`);
const breakEvens = (report.notes ?? []).filter((n) => n.includes("break-even"));
if (breakEvens.length === 0)
  say(`break-even: ${size === "smoke" ? "measured in the full run only (with an adapter, or PORTA_BENCH_FULL=1)" : "no GPU backend scored"}`);
for (const n of breakEvens) say(`BREAK-EVEN ${n}`);
say(failed === 0 ? "agreement: every check passed" : `agreement: ${failed} check(s) FAILED`);
process.exit(failed === 0 ? 0 : 1);
