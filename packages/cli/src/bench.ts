/**
 * `porta bench MODEL --input ROWS`: the user's own model on the user's own rows, through every
 * registered backend alone (no fallback): load+compile time, batch throughput, single-row latency
 * and agreement with the format's reference evaluator (interp for PMML, the PFA engine for PFA).
 *
 * Each backend gets the same time budget (`--time` seconds, default 2), half for batches and half
 * for single rows, so a slow interpreter costs no more than a fast kernel. Both halves start with
 * an untimed warm-up (one batch; the first rows one by one) so JIT compilation is not timed. A
 * run that is already under way when the budget runs out finishes, so one batch can overrun it.
 */
import { writeFileSync } from "node:fs";
import { NoBackendError } from "@porta/backend";
import { breakEvenOf } from "@porta/compile-gpu/backend";
import type { BreakEven } from "@porta/compile-gpu/break-even";
import { ParseError, resolveLimits, UnsupportedFeatureError, type Limits } from "@porta/ir";
import { parseJsonLossless } from "@porta/pfa";
import { groupTransactions, loadModel, registeredBackends, type BatchResult, type Model, type ScoreResult } from "@porta/runtime";
import "./backends.ts";
import { renderChart, type ChartSpec } from "./chart.ts";
import { formatOfPath, isArrowFormat } from "./formats.ts";
import { readInput, type Row } from "./io.ts";
import { pfaEngineOfModel, typedCsvRow } from "./pfa-engine.ts";
import { CHUNK_ROWS } from "./score.ts";

export interface BenchOptions {
  input: string;
  /** Backends to measure, in order; default every registered backend. */
  backends?: readonly string[];
  /** Seconds of timing per backend (batches and single rows share it equally). */
  timeSeconds: number;
  /** Rows per batch call; the input's first `batchRows` rows (all of them when fewer). */
  batchRows: number;
  /** Largest relative difference between two numbers that still agree. */
  tolerance: number;
  limits: Partial<Limits>;
}

export const BENCH_DEFAULTS = { timeSeconds: 2, batchRows: CHUNK_ROWS, tolerance: 1e-9 } as const;

/** Rows of the batch on which a backend scored the same as the reference. */
export interface Agreement {
  reference: string;
  rows: number;
  agreeing: number;
  /** Largest relative difference seen between numbers of agreeing type (0 when all equal). */
  maxRelDiff: number;
  /** The first disagreement: row, field and both values. */
  firstDifference?: string;
}

export type BackendBench =
  | {
      backend: string;
      status: "ok";
      loadMs: number;
      batch: { rows: number; runs: number; medianMs: number; rowsPerSecond: number; failedRows: number };
      /** `api`: the sync row API (`score`) where the backend has one, else `scoreAsync`. */
      latency: { samples: number; p50Us: number; p99Us: number; api: "score" | "scoreAsync" };
      /** Absent for the reference itself, and when the reference could not score the model. */
      agreement?: Agreement;
      /**
       * A GPU backend's break-even against compile-js (packages/compile-gpu): the smallest batch
       * at which it was faster, transfers included (null: at no size measured), and the timings.
       */
      breakEven?: BreakEven;
    }
  | { backend: string; status: "refused"; reason: string };

export interface BenchReport {
  model: string;
  input: string;
  /** Records read (groups, for a transactional model). */
  rows: number;
  batchRows: number;
  timeSeconds: number;
  tolerance: number;
  /** The backend every other one is compared with, when it could score the model. */
  reference?: string;
  backends: BackendBench[];
}

/** The reference evaluator of each format: simple, obviously correct, slow. */
const REFERENCE: Record<Model["format"], string> = { pmml: "interp", pfa: "pfa" };

/** Results land here so that no timed call can be optimised away. */
export let benchSink = 0;

/** Runs the benchmark; the caller prints or plots the report. */
export async function runBench(modelPath: string, options: BenchOptions): Promise<BenchReport> {
  const limits = resolveLimits(options.limits);
  const names = options.backends ?? registeredBackends().map((b) => b.name);
  const loaded: { name: string; model: Model; loadMs: number }[] = [];
  const refused: Map<string, string> = new Map();
  for (const name of names) {
    const t = performance.now();
    try {
      // cache off: the load time is the parse and compile, not an artifact-cache hit.
      const model = await loadModel(modelPath, { backend: [name], scoring: "async", cache: false, limits });
      loaded.push({ name, model, loadMs: performance.now() - t });
    } catch (e) {
      if (!(e instanceof NoBackendError)) throw e;
      refused.set(name, e.refusals.map((r) => r.reason).join("; ") || e.message);
    }
  }
  const first = loaded[0];
  if (first === undefined) {
    throw new NoBackendError([...refused].map(([backend, reason]) => ({ backend, reason })));
  }
  try {
    const records = await readRecords(first.model, options.input, limits);
    const batch = records.slice(0, options.batchRows);
    const referenceName = REFERENCE[first.model.format];
    const reference = loaded.find((l) => l.name === referenceName);
    const referenceResults = reference ? (await reference.model.scoreBatchAsync(batch, { onError: "collect" })).results : undefined;
    const budgetMs = (options.timeSeconds * 1000) / 2;
    const backends: BackendBench[] = [];
    for (const name of names) {
      const l = loaded.find((x) => x.name === name);
      if (l === undefined) {
        backends.push({ backend: name, status: "refused", reason: refused.get(name) ?? "" });
        continue;
      }
      const batchTiming = await timeBatches(l.model, batch, budgetMs);
      const latency = await timeRows(l.model, records, budgetMs);
      const agreement =
        referenceResults && l !== reference
          ? { reference: referenceName, ...compareResults(referenceResults, batchTiming.results, options.tolerance) }
          : undefined;
      // A GPU backend on a GPU (gpu.js in CPU mode has no break-even worth measuring here).
      const breakEven = await breakEvenOf((l.model as unknown as { session?: unknown }).session);
      backends.push({
        backend: name,
        status: "ok",
        loadMs: l.loadMs,
        batch: batchTiming.summary,
        latency,
        ...(agreement ? { agreement } : {}),
        ...(breakEven ? { breakEven } : {}),
      });
    }
    return {
      model: modelPath,
      input: options.input,
      rows: records.length,
      batchRows: batch.length,
      timeSeconds: options.timeSeconds,
      tolerance: options.tolerance,
      ...(reference ? { reference: referenceName } : {}),
      backends,
    };
  } finally {
    for (const l of loaded) await l.model.dispose();
  }
}

/**
 * Every input record, read with `porta score`'s readers and options; the first unreadable row
 * is thrown (its typed error names the input line). Held in memory: bench inputs are samples.
 */
async function readRecords(model: Model, input: string, limits: Limits): Promise<Row[]> {
  const pfaEngine = pfaEngineOfModel(model);
  const format = formatOfPath(input);
  if (isArrowFormat(format)) {
    throw new UnsupportedFeatureError(`${format} input`, "porta bench reads CSV, JSON or NDJSON rows (Arrow input is not read by porta bench yet)", {
      path: input,
    });
  }
  const rows: Row[] = [];
  const items = readInput(input, format, {
    wrap: pfaEngine ? (pfaEngine.inputType.kind === "record" ? "none" : "all") : "none",
    parseJson: pfaEngine ? parseJsonLossless : undefined,
    rowDepth: limits.rowDepth,
    expectedFields: model.inputFields.map((f) => f.name),
  });
  for await (const chunk of items) {
    for (const item of chunk) {
      if (item.error) throw item.error;
      rows.push(pfaEngine && format === "csv" ? typedCsvRow(item.row, model) : item.row);
    }
  }
  const records = model.groupField === undefined ? rows : [...groupTransactions(rows, model.groupField, { maxRows: limits.groupRows })];
  if (records.length === 0) throw new ParseError("BENCH_NO_ROWS", "porta bench needs at least one input row", { path: input, value: 0 });
  return records;
}

/** One warm-up batch (its results are the ones compared), then batches until the budget is spent. */
async function timeBatches(
  model: Model,
  batch: readonly Row[],
  budgetMs: number,
): Promise<{ results: BatchResult["results"]; summary: Extract<BackendBench, { status: "ok" }>["batch"] }> {
  const warm = await model.scoreBatchAsync(batch, { onError: "collect" });
  const samples: number[] = [];
  let spent = 0;
  while (samples.length === 0 || (spent < budgetMs && samples.length < 1000)) {
    const t = performance.now();
    const out = await model.scoreBatchAsync(batch, { onError: "collect" });
    const ms = performance.now() - t;
    benchSink += out.results.length;
    samples.push(ms);
    spent += ms;
  }
  return {
    results: warm.results,
    summary: {
      rows: batch.length,
      runs: samples.length,
      medianMs: percentile(samples, 0.5),
      rowsPerSecond: (batch.length * samples.length) / (spent / 1000),
      failedRows: warm.errors.length,
    },
  };
}

/** Single-row calls over the records in turn: a warm-up pass over the first 100, then until the budget is spent. */
async function timeRows(model: Model, records: readonly Row[], budgetMs: number): Promise<Extract<BackendBench, { status: "ok" }>["latency"]> {
  const api = model.synchronous ? "score" : "scoreAsync";
  const one = model.synchronous ? async (row: Row) => scoreOrNull(() => model.score(row)) : (row: Row) => model.scoreAsync(row).catch(() => null);
  for (let i = 0; i < Math.min(100, records.length); i++) await one(records[i]!);
  const samples: number[] = [];
  let spent = 0;
  for (let i = 0; samples.length === 0 || (spent < budgetMs && samples.length < 100_000); i = (i + 1) % records.length) {
    const t = performance.now();
    const out = await one(records[i]!);
    const ms = performance.now() - t;
    if (out) benchSink++;
    samples.push(ms);
    spent += ms;
  }
  return { samples: samples.length, p50Us: percentile(samples, 0.5) * 1000, p99Us: percentile(samples, 0.99) * 1000, api };
}

/** A row the model rejects is timed like any other (its error is the answer). */
function scoreOrNull(score: () => ScoreResult): ScoreResult | null {
  try {
    return score();
  } catch {
    return null;
  }
}

/** Nearest-rank percentile (q in [0, 1]) of unsorted samples. */
export function percentile(samples: readonly number[], q: number): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))] ?? Number.NaN;
}

/**
 * Row-by-row comparison with the reference: every field of the reference's result must be there
 * with an agreeing value (numbers within `tolerance` relative, NaN agrees with NaN, objects
 * field by field); a row both failed agrees.
 */
export function compareResults(
  reference: readonly (ScoreResult | null)[],
  other: readonly (ScoreResult | null)[],
  tolerance: number,
): Omit<Agreement, "reference"> {
  let agreeing = 0;
  let maxRelDiff = 0;
  let firstDifference: string | undefined;
  for (let i = 0; i < reference.length; i++) {
    const a = reference[i] ?? null;
    const b = other[i] ?? null;
    const diff = a === null || b === null ? (a === b ? undefined : "") : differenceOf(a, b, tolerance, (d) => (maxRelDiff = Math.max(maxRelDiff, d)));
    if (diff === undefined) agreeing++;
    else firstDifference ??= `row ${i}: ${a === null || b === null ? `${show(a)} vs ${show(b)}` : diff}`;
  }
  return { rows: reference.length, agreeing, maxRelDiff, ...(firstDifference !== undefined ? { firstDifference } : {}) };
}

/** The first field where `b` disagrees with `a` ("field: a vs b"), or undefined. */
function differenceOf(
  a: Readonly<Record<string, unknown>>,
  b: Readonly<Record<string, unknown>>,
  tolerance: number,
  seen: (relDiff: number) => void,
  prefix = "",
): string | undefined {
  for (const [key, va] of Object.entries(a)) {
    const vb = b[key];
    const path = `${prefix}${key}`;
    if (typeof va === "number" && typeof vb === "number") {
      if (Number.isNaN(va) && Number.isNaN(vb)) continue;
      const rel = va === vb ? 0 : Math.abs(va - vb) / Math.max(1, Math.abs(va), Math.abs(vb));
      if (!(rel <= tolerance)) return `${path}: ${show(va)} vs ${show(vb)}`;
      seen(rel);
    } else if (isRecord(va) && isRecord(vb)) {
      const inner = differenceOf(va, vb, tolerance, seen, `${path}.`);
      if (inner !== undefined) return inner;
      if (Object.keys(vb).length !== Object.keys(va).length) return `${path}: ${show(va)} vs ${show(vb)}`;
    } else if (!(va === vb || (va == null && vb == null))) {
      return `${path}: ${show(va)} vs ${show(vb)}`;
    }
  }
  return undefined;
}

function isRecord(x: unknown): x is Record<string, unknown> {
  return typeof x === "object" && x !== null;
}

function show(x: unknown): string {
  return typeof x === "bigint" ? `${x}n` : (JSON.stringify(x) ?? String(x));
}

/** The report as an aligned table, one line per backend (refusals with their reason). */
export function formatBenchTable(report: BenchReport): string {
  const head = [
    "backend",
    "load+compile ms",
    `batch rows/s (${report.batchRows} rows)`,
    "runs",
    "p50 µs",
    "p99 µs",
    `agreement${report.reference ? ` vs ${report.reference}` : ""}`,
  ];
  const lines: string[][] = [];
  const notes: string[] = [];
  for (const b of report.backends) {
    if (b.status === "refused") {
      notes.push(`${b.backend}: refused: ${b.reason}`);
      continue;
    }
    if (b.breakEven) {
      const at = b.breakEven.timings.map((t) => `${t.rows} rows ${fixed(t.gpuMs)} vs ${fixed(t.cpuMs)} ms`).join(", ");
      notes.push(
        `${b.backend}: break-even against compile-js: ${b.breakEven.rows === null ? "none (compile-js was faster at every size)" : `${b.breakEven.rows} rows`} (${at})`,
      );
    }
    lines.push([
      b.backend,
      fixed(b.loadMs),
      Math.round(b.batch.rowsPerSecond).toLocaleString("en-US"),
      String(b.batch.runs),
      fixed(b.latency.p50Us),
      fixed(b.latency.p99Us),
      agreementText(b, report.reference),
    ]);
  }
  const widths = head.map((h, c) => Math.max(h.length, ...lines.map((l) => l[c]!.length)));
  const row = (cells: string[]) =>
    cells
      .map((cell, c) => (c === 0 || c === cells.length - 1 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!)))
      .join("  ")
      .trimEnd();
  const title = `porta bench ${report.model}: ${report.rows} rows from ${report.input}, ${report.timeSeconds} s per backend`;
  return [title, row(head), ...lines.map(row), ...notes].join("\n");
}

function agreementText(b: Extract<BackendBench, { status: "ok" }>, reference: string | undefined): string {
  if (b.backend === reference) return "reference";
  const a = b.agreement;
  if (a === undefined) return "-";
  const text = `${a.agreeing}/${a.rows} (max rel diff ${a.maxRelDiff === 0 ? "0" : a.maxRelDiff.toExponential(1)})`;
  return a.firstDifference === undefined ? text : `${text}; first: ${a.firstDifference}`;
}

function fixed(x: number): string {
  return x >= 100 ? x.toFixed(0) : x.toFixed(x >= 10 ? 1 : 2);
}

/** Batch throughput of each backend that scored, as log-scale bars. */
export function benchChart(report: BenchReport): ChartSpec {
  const scored = report.backends.filter((b): b is Extract<BackendBench, { status: "ok" }> => b.status === "ok");
  return {
    kind: "bars",
    title: `porta bench ${basename(report.model)}: rows/s, batches of ${report.batchRows}`,
    yLabel: "rows per second (batch)",
    bars: scored.map((b) => ({ label: `${b.backend}: load ${fixed(b.loadMs)} ms, p50 ${fixed(b.latency.p50Us)} µs`, value: b.batch.rowsPerSecond })),
  };
}

function basename(path: string): string {
  return path.slice(Math.max(path.lastIndexOf("/"), path.lastIndexOf("\\")) + 1);
}

/** `porta bench`: prints the table (or JSON), writes the chart with `plot`; returns the exit code. */
export async function benchCommand(modelPath: string, options: BenchOptions & { json?: boolean; plot?: string }): Promise<number> {
  const report = await runBench(modelPath, options);
  if (options.plot !== undefined) writeFileSync(options.plot, renderChart(benchChart(report)));
  process.stdout.write(options.json ? `${JSON.stringify(report)}\n` : `${formatBenchTable(report)}\n`);
  if (options.plot !== undefined && !options.json) process.stdout.write(`wrote ${options.plot}\n`);
  return 0;
}
