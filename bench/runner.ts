/** Finds suites, runs one, and writes what it measured (`bench/results/<name>.json` and `.svg`). */
import { mkdirSync, readdirSync, renameSync, writeFileSync } from "node:fs";
import { cpus } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { renderChart } from "porta/chart";
import { createContext, type BenchResult, type BenchSize, type BenchSuite, type SuiteReport } from "./harness.ts";

export const SUITES_DIR = join(import.meta.dirname, "suites");
export const RESULTS_DIR = join(import.meta.dirname, "results");

/** The JSON `--json` prints: the contract the acceptance checks read. */
export interface BenchOutput {
  bench: string;
  ratios: Record<string, number>;
  results: BenchResult[];
}

/** Suite names: every `bench/suites/<name>.ts` that is not a test. */
export function listSuites(): string[] {
  return readdirSync(SUITES_DIR)
    .filter((f) => f.endsWith(".ts") && !f.endsWith(".test.ts"))
    .map((f) => f.slice(0, -3))
    .sort();
}

export async function loadSuite(name: string): Promise<BenchSuite> {
  const known = listSuites();
  if (!known.includes(name)) throw new Error(`no benchmark "${name}" (known: ${known.join(", ")})`);
  const module = (await import(pathToFileURL(join(SUITES_DIR, `${name}.ts`)).href)) as { default?: BenchSuite };
  const suite = module.default;
  if (!suite || typeof suite.run !== "function" || suite.name !== name) {
    throw new Error(`bench/suites/${name}.ts must \`export default defineSuite({ name: "${name}", ... })\``);
  }
  return suite;
}

export interface RunOptions {
  size?: BenchSize;
  /** Where the .json and .svg go; default bench/results. */
  outDir?: string;
  log?: (line: string) => void;
}

/** Runs one suite and writes its result files; returns the report and the paths written. */
export async function runSuite(name: string, options: RunOptions = {}): Promise<{ output: BenchOutput; report: SuiteReport; files: string[] }> {
  const suite = await loadSuite(name);
  const size = options.size ?? "full";
  const started = Date.now();
  const report = await suite.run(createContext(size, options.log));
  const output: BenchOutput = { bench: name, ratios: report.ratios, results: report.results.map(roundResult) };
  const outDir = options.outDir ?? RESULTS_DIR;
  mkdirSync(outDir, { recursive: true });
  const record = {
    ...output,
    description: suite.description,
    notes: report.notes ?? [],
    size,
    env: {
      node: process.version,
      v8: process.versions.v8,
      platform: `${process.platform}-${process.arch}`,
      cpu: cpus()[0]?.model ?? "unknown",
      cores: cpus().length,
    },
    date: new Date(started).toISOString(),
    seconds: (Date.now() - started) / 1000,
    // The chart's data, so the SVG can be drawn again (a new chart layout) without running the suite.
    ...(report.chart ? { chart: report.chart } : {}),
  };
  const files = [writeAtomic(join(outDir, `${name}.json`), `${JSON.stringify(record, null, 2)}\n`)];
  if (report.chart) files.push(writeAtomic(join(outDir, `${name}.svg`), renderChart(report.chart)));
  return { output, report, files };
}

/** Four significant digits: more would only print the noise. */
function roundResult(result: BenchResult): BenchResult {
  const rounded: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(result)) {
    rounded[key] = typeof value === "number" && key !== "n" && key !== "samples" ? Number(value.toPrecision(4)) : value;
  }
  return rounded as unknown as BenchResult;
}

function writeAtomic(path: string, content: string): string {
  const temp = `${path}.${process.pid}.tmp`;
  writeFileSync(temp, content);
  renameSync(temp, path);
  return path;
}

/** The human table: one line per result, then the ratios. */
export function formatTable(name: string, report: SuiteReport): string {
  const header = ["case", "n", "median", "mean ±rme", "ops/s", "elements/s"];
  const rows = report.results.map((r) => [
    r.case,
    r.n === undefined ? "" : r.n.toLocaleString("en-US"),
    formatMs(r.medianMs),
    `${formatMs(r.meanMs)} ±${r.rme.toFixed(1)}%`,
    formatCount(r.hz),
    r.elementsPerSec === undefined ? "" : formatCount(r.elementsPerSec),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)));
  const fmt = (cells: string[]) => cells.map((c, i) => (i <= 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join("  ");
  const lines = [`== ${name}`, fmt(header), widths.map((w) => "-".repeat(w)).join("  "), ...rows.map(fmt)];
  lines.push("", "ratios:");
  for (const [key, value] of Object.entries(report.ratios)) lines.push(`  ${key} = ${value}`);
  for (const note of report.notes ?? []) lines.push(`note: ${note}`);
  return `${lines.join("\n")}\n`;
}

function formatMs(ms: number): string {
  if (ms >= 1000) return `${(ms / 1000).toPrecision(3)} s`;
  if (ms >= 1) return `${ms.toPrecision(3)} ms`;
  if (ms >= 1e-3) return `${(ms * 1e3).toPrecision(3)} µs`;
  return `${(ms * 1e6).toPrecision(3)} ns`;
}

function formatCount(n: number): string {
  if (n >= 1e9) return `${(n / 1e9).toPrecision(3)} G`;
  if (n >= 1e6) return `${(n / 1e6).toPrecision(3)} M`;
  if (n >= 1e3) return `${(n / 1e3).toPrecision(3)} k`;
  return n.toPrecision(3);
}
