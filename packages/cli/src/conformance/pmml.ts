import { readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { isPortaError } from "@porta/ir";
import { groupTransactions, modelFromText, type Model } from "@porta/runtime";

/** One case of a PMML conformance manifest (see the corpus README for the fields). */
export interface PmmlCase {
  id: string;
  model: string;
  input: string;
  expected: string;
  modelTypes: string[];
  topModelTypes?: string[];
  tolerance: { precision: number; zeroThreshold: number };
  ignoreFields?: string[];
  renameExpected?: Record<string, string>;
  compareOnly?: string[];
  preprocess?: string[];
  /** CSV dialect; `emptyIsMissing: true` makes an empty cell missing too (default: the empty string). */
  csv?: { naTokens?: string[]; emptyIsMissing?: boolean };
  /** Missing-value tokens the CSVs contain (used when `csv.naTokens` is absent). */
  missingTokens?: string[];
  /**
   * The usageType="group" field of a transactional model: input rows (one item per row) are
   * grouped into one record per consecutive group value, as JPMML's BatchUtil.groupRows, and the
   * expected CSV has one row per group.
   */
  groupField?: string;
}

export interface CaseReport {
  id: string;
  modelTypes: string[];
  passed: boolean;
  rows: number;
  mismatches: number;
  error?: string;
  /** The first differing cell, to start debugging from. */
  firstMismatch?: string;
  /** The backend that scored the case ("js" compiled, "interp"), when the model loaded. */
  backend?: string;
  /** Why the backends tried before it refused the document (compile coverage: what to compile next). */
  refusals?: { backend: string; reason: string }[];
}

export interface ConformanceReport {
  format: "pmml" | "pfa";
  total: number;
  passed: number;
  failed: number;
  cases: CaseReport[];
}

export type ScoreBackend = (text: string) => Model;
export type AsyncScoreBackend = (text: string) => Promise<Model>;

/** Reads a manifest from a directory (manifest.json inside) or from the file itself. */
export function readManifest(path: string): { dir: string; cases: PmmlCase[] } {
  const isDir = statSync(path).isDirectory();
  const file = isDir ? join(path, "manifest.json") : path;
  const dir = isDir ? path : join(path, "..");
  const cases = JSON.parse(readFileSync(file, "utf8")) as PmmlCase[];
  if (!Array.isArray(cases)) throw new Error(`${file} is not a JSON array of cases`);
  return { dir, cases };
}

/**
 * The upstream harness's CSV dialect: split on ",", no quoting, stop at the first blank line,
 * strip "\r"; NA and N/A are missing, an empty cell is the empty string.
 */
export function readHarnessCsv(text: string, naTokens: readonly string[] = ["NA", "N/A"]): { header: string[]; rows: (string | null)[][] } {
  const lines = text.split("\n");
  const header = (lines[0] ?? "").replace(/\r$/, "").split(",");
  const rows: (string | null)[][] = [];
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i].replace(/\r$/, "");
    if (line === "") break;
    rows.push(line.split(",").map((c) => (naTokens.includes(c) ? null : c)));
  }
  return { header, rows };
}

/** jpmml PMMLEquivalence: relative tolerance, with a "both are zero" threshold. */
export function numbersEquivalent(expected: number, actual: number, precision: number, zeroThreshold: number): boolean {
  if (Math.abs(expected) <= zeroThreshold && Math.abs(actual) <= zeroThreshold) return true;
  if (Number.isNaN(expected) || Number.isNaN(actual)) return Number.isNaN(expected) && Number.isNaN(actual);
  if (expected >= 0) return expected * (1 - precision) <= actual && actual <= expected * (1 + precision);
  return expected * (1 + precision) <= actual && actual <= expected * (1 - precision);
}

function valueMatches(expected: string | null, actual: unknown, c: PmmlCase): boolean {
  if (expected === null) return actual === null || actual === undefined;
  if (actual === null || actual === undefined) return false;
  if (typeof actual === "number") {
    const e = Number(expected);
    return expected.trim() !== "" && numbersEquivalent(e, actual, c.tolerance.precision, c.tolerance.zeroThreshold);
  }
  return String(actual) === expected;
}

/** The upstream test's document rewrite for SAS exports (see the corpus README). */
export function preprocessDocument(text: string, steps: readonly string[] = []): string {
  let out = text;
  for (const step of steps) {
    if (step === "sas-fmtwidth") out = out.replace(/<Constant>\s*FMTWIDTH\s*<\/Constant>/g, '<FieldRef field="FMTWIDTH"/>');
    else throw new Error(`unknown preprocess step "${step}"`);
  }
  return out;
}

/** A case read from disk: the document, the input records and the expected table. */
interface LoadedCase {
  text: string;
  records: Record<string, unknown>[];
  expected: { header: string[]; rows: (string | null)[][] };
}

function readCase(dir: string, c: PmmlCase): LoadedCase {
  const naTokens = [...(c.csv?.naTokens ?? c.missingTokens ?? ["NA", "N/A"]), ...(c.csv?.emptyIsMissing ? [""] : [])];
  const text = preprocessDocument(readFileSync(join(dir, c.model), "utf8"), c.preprocess);
  const input = readHarnessCsv(readFileSync(join(dir, c.input), "utf8"), naTokens);
  const expected = readHarnessCsv(readFileSync(join(dir, c.expected), "utf8"), naTokens);
  const records = inputRecords(input, c.groupField);
  if (records.length !== expected.rows.length)
    throw new Error(`input has ${records.length} ${c.groupField ? `groups (by ${c.groupField})` : "rows"}, expected output ${expected.rows.length}`);
  return { text, records, expected };
}

function messageOf(e: unknown): string {
  return isPortaError(e) ? e.toOneLine() : e instanceof Error ? e.message : String(e);
}

/** Compares each row's outcome (a result, or the error that row raised) with the expected table. */
function compareRows(report: CaseReport, c: PmmlCase, expected: LoadedCase["expected"], outcomes: readonly (Record<string, unknown> | Error)[]): void {
  report.rows = expected.rows.length;
  const ignore = new Set(c.ignoreFields ?? []);
  const rename = c.renameExpected ?? {};
  for (let r = 0; r < outcomes.length; r++) {
    const actual = outcomes[r];
    if (actual instanceof Error) {
      report.mismatches++;
      report.firstMismatch ??= `row ${r + 1}: ${messageOf(actual)}`;
      continue;
    }
    const want = new Map<string, string | null>();
    expected.header.forEach((h, i) => {
      want.set(rename[h] ?? h, expected.rows[r][i] ?? null);
    });
    let keys: string[];
    let actualKeys: string[];
    if (c.compareOnly) {
      keys = c.compareOnly;
      actualKeys = c.compareOnly;
    } else {
      keys = [...want.keys()].filter((k) => !ignore.has(k));
      actualKeys = Object.keys(actual).filter((k) => !ignore.has(k));
    }
    const missing = keys.filter((k) => !(k in actual));
    const extra = actualKeys.filter((k) => !want.has(k));
    let bad: string | undefined;
    if (missing.length || extra.length) bad = `row ${r + 1}: result keys differ (missing ${JSON.stringify(missing)}, extra ${JSON.stringify(extra)})`;
    else {
      for (const k of keys) {
        if (!valueMatches(want.get(k) ?? null, actual[k], c)) {
          bad = `row ${r + 1}: ${k} expected ${JSON.stringify(want.get(k))}, got ${JSON.stringify(actual[k])}`;
          break;
        }
      }
    }
    if (bad) {
      report.mismatches++;
      report.firstMismatch ??= bad;
    }
  }
  report.passed = report.mismatches === 0;
}

const asError = (e: unknown): Error => (e instanceof Error ? e : new Error(String(e)));

export function runCase(dir: string, c: PmmlCase, backend: ScoreBackend = (t) => modelFromText(t, "pmml")): CaseReport {
  return scoreCase(dir, c, (text, report) => {
    const model = backend(text);
    report.backend = model.backend;
    if (model.refusals.length > 0) report.refusals = model.refusals.map((r) => ({ backend: r.backend, reason: r.reason }));
    return (row) => model.score(row) as Record<string, unknown>;
  });
}

/**
 * runCase with a scorer that is not a runtime Model: `load` turns the document's text into a
 * function scoring one input record (a PMML document converted to another format and scored by
 * that format's engine). A load that throws is the case's error; a row that throws, its mismatch.
 */
export function runCaseWith(dir: string, c: PmmlCase, load: (text: string) => (row: Record<string, unknown>) => Record<string, unknown>): CaseReport {
  return scoreCase(dir, c, (text) => load(text));
}

/** One case scored row by row: `load` may note what it learns (backend, refusals) on the report. */
function scoreCase(
  dir: string,
  c: PmmlCase,
  load: (text: string, report: CaseReport) => (row: Record<string, unknown>) => Record<string, unknown>,
): CaseReport {
  const report: CaseReport = { id: c.id, modelTypes: c.modelTypes, passed: false, rows: 0, mismatches: 0 };
  try {
    const loaded = readCase(dir, c);
    const score = load(loaded.text, report);
    const outcomes = loaded.records.map((row) => {
      try {
        return score(row);
      } catch (e) {
        return asError(e);
      }
    });
    compareRows(report, c, loaded.expected, outcomes);
  } catch (e) {
    report.error = messageOf(e);
  }
  return report;
}

/** runCase for a backend that loads or scores asynchronously: the rows scored as one batch, a failed row kept as its error. */
export async function runCaseAsync(dir: string, c: PmmlCase, backend: AsyncScoreBackend): Promise<CaseReport> {
  const report: CaseReport = { id: c.id, modelTypes: c.modelTypes, passed: false, rows: 0, mismatches: 0 };
  try {
    const loaded = readCase(dir, c);
    const model = await backend(loaded.text);
    report.backend = model.backend;
    if (model.refusals.length > 0) report.refusals = model.refusals.map((r) => ({ backend: r.backend, reason: r.reason }));
    try {
      const { results, errors } = await model.scoreBatchAsync(loaded.records, { onError: "collect" });
      const failed = new Map(errors.map((e) => [e.row, new Error(e.message)]));
      const outcomes = results.map((r, i) => failed.get(i) ?? (r as Record<string, unknown>));
      compareRows(report, c, loaded.expected, outcomes);
    } finally {
      await model.dispose?.();
    }
  } catch (e) {
    report.error = messageOf(e);
  }
  return report;
}

/** The harness CSV's rows as records of column → cell; grouped into transactions when the case has a groupField. */
function inputRecords(input: { header: string[]; rows: (string | null)[][] }, groupField?: string): Record<string, unknown>[] {
  const rows = input.rows.map((cells) => {
    const row = Object.create(null) as Record<string, string | null>;
    input.header.forEach((h, i) => {
      row[h] = cells[i] ?? null;
    });
    return row;
  });
  return groupField === undefined ? rows : [...groupTransactions(rows, groupField)];
}

export function runPmmlConformance(path: string, backend?: ScoreBackend, filter?: string): ConformanceReport {
  const { dir, cases } = readManifest(path);
  const selected = filter ? cases.filter((c) => c.id.includes(filter)) : cases;
  return pmmlReport(selected.map((c) => runCase(dir, c, backend)));
}

/**
 * runPmmlConformance through an asynchronous load (any backend, `scoring: "async"`). `adjust`
 * may change a case before it runs (a backend's documented wider tolerance for one case).
 */
export async function runPmmlConformanceAsync(
  path: string,
  backend: AsyncScoreBackend,
  filter?: string,
  adjust: (c: PmmlCase) => PmmlCase = (c) => c,
): Promise<ConformanceReport> {
  const { dir, cases } = readManifest(path);
  const selected = filter ? cases.filter((c) => c.id.includes(filter)) : cases;
  const reports: CaseReport[] = [];
  for (const c of selected) reports.push(await runCaseAsync(dir, adjust(c), backend));
  return pmmlReport(reports);
}

function pmmlReport(reports: CaseReport[]): ConformanceReport {
  const passed = reports.filter((r) => r.passed).length;
  return { format: "pmml", total: reports.length, passed, failed: reports.length - passed, cases: reports };
}

/** Pass counts per source (knime/…) and per model family, as text tables. */
export function formatPmmlTables(report: ConformanceReport): string {
  const bySource = new Map<string, [number, number]>();
  const byFamily = new Map<string, [number, number]>();
  for (const c of report.cases) {
    const source = c.id.split("/")[0];
    bump(bySource, source, c.passed);
    for (const f of new Set(c.modelTypes)) bump(byFamily, f, c.passed);
  }
  const lines: string[] = [];
  lines.push(table("source", bySource));
  lines.push(table("model family (cases containing it)", byFamily));
  const failures = report.cases.filter((c) => !c.passed);
  if (failures.length) {
    lines.push("failed cases:");
    for (const f of failures) lines.push(`  ${f.id}: ${f.error ?? `${f.mismatches}/${f.rows} rows differ; ${f.firstMismatch ?? ""}`}`);
  }
  const loaded = report.cases.filter((c) => c.backend !== undefined);
  const byBackend = new Map<string, number>();
  for (const c of loaded) byBackend.set(c.backend!, (byBackend.get(c.backend!) ?? 0) + 1);
  lines.push(`scored by: ${[...byBackend].map(([b, n]) => `${b} ${n}/${loaded.length}`).join(", ") || "none"} loaded cases`);
  lines.push(...refusalLines(loaded));
  lines.push(`PMML conformance: ${report.passed}/${report.total} cases passed (${report.failed} failed)`);
  return lines.join("\n");
}

/**
 * The refusals met before each case's scorer, grouped by backend and reason, most cases first:
 * the compile-coverage report (a case compile-js refused is a performance bug to fix).
 */
function refusalLines(cases: readonly CaseReport[]): string[] {
  const groups = new Map<string, string[]>();
  for (const c of cases) {
    for (const r of c.refusals ?? []) {
      const key = `${r.backend} refused: ${r.reason}`;
      groups.set(key, [...(groups.get(key) ?? []), c.id]);
    }
  }
  const sorted = [...groups].sort((a, b) => b[1].length - a[1].length || a[0].localeCompare(b[0]));
  return sorted.map(([key, ids]) => `  ${key} (${ids.length}: ${ids.slice(0, 3).join(", ")}${ids.length > 3 ? ", …" : ""})`);
}

function bump(m: Map<string, [number, number]>, key: string, passed: boolean): void {
  const v = m.get(key) ?? [0, 0];
  v[0] += passed ? 1 : 0;
  v[1] += 1;
  m.set(key, v);
}

function table(title: string, m: Map<string, [number, number]>): string {
  const rows = [...m.entries()].sort((a, b) => a[0].localeCompare(b[0]));
  const width = Math.max(title.length, ...rows.map(([k]) => k.length));
  const out = [`${title.padEnd(width)}  passed/total`];
  for (const [k, [p, t]] of rows) out.push(`${k.padEnd(width)}  ${String(p).padStart(6)}/${t}`);
  return out.join("\n");
}
