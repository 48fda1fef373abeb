import { isPortaError } from "@porta/ir/errors";
import type { Limits } from "@porta/ir/limits";
import { describeValue, parseNumber } from "@porta/ir/values";
import { loadModel, type BackendChoice, type Model } from "@porta/runtime";
import { readAssetRows, type AssetRow } from "./assets.ts";
import type { ConfidenceAsset, EndToEndAsset, MetricSpec, PackageManifest } from "./manifest.ts";
import { accuracy, auc, f1, logLoss, mae, rmse } from "./metrics.ts";
import type { PackageProblem } from "./problems.ts";
import type { MetricName } from "./schema.ts";
import { packageFile, validateOpened, withPackage } from "./validate.ts";

export interface EndToEndFailure {
  /** Row index in the asset (0-based). */
  row: number;
  field?: string;
  expected?: unknown;
  actual?: unknown;
  message: string;
}

export interface EndToEndReport {
  file: string;
  rows: number;
  passed: number;
  failures: EndToEndFailure[];
}

export interface ConfidenceReport {
  file: string;
  rows: number;
  metric: MetricName;
  /** The metric over the set; undefined when it could not be computed (see message). */
  value?: number;
  range: { min?: number; max?: number };
  /** Rows the model failed to score (any makes the set fail). */
  failedRows: number;
  ok: boolean;
  message?: string;
}

/** `porta package verify`: the package validated, its model loaded and both asset sets run. */
export interface PackageVerification {
  name?: string;
  version?: string;
  backend?: string;
  loadMs?: number;
  /** Validation problems, and declared fields the model does not have. */
  problems: PackageProblem[];
  endToEnd?: EndToEndReport;
  confidence?: ConfidenceReport;
  ok: boolean;
}

export interface VerifyOptions {
  backend?: BackendChoice;
  limits?: Partial<Limits>;
  /**
   * The package's model, already loaded (by `loadPackageModel`): verified as it is and left to
   * the caller, not disposed. A registry verifies the very instance it will serve, so the
   * document is read and compiled once per deploy.
   */
  model?: Model;
}

/** Validates, loads and compiles a package's model, then runs its end-to-end and confidence sets. */
export async function verifyPackage(path: string, options: VerifyOptions = {}): Promise<PackageVerification> {
  return withPackage(path, (pkg) => verifyOpened(pkg.root, options));
}

/** verifyPackage over an opened package's root (the deploy path verifies before it copies). */
export async function verifyOpened(root: string, options: VerifyOptions = {}): Promise<PackageVerification> {
  const { problems, manifest } = validateOpened(root);
  if (!manifest) return { problems, ok: false };
  if (options.model) return runAssets(root, manifest, options.model);
  const started = performance.now();
  const loaded = await tryLoad(root, manifest, options);
  if ("problem" in loaded) return { name: manifest.name, version: manifest.model.version, problems: [loaded.problem], ok: false };
  try {
    return { ...(await runAssets(root, manifest, loaded.model)), loadMs: performance.now() - started };
  } finally {
    await loaded.model.dispose();
  }
}

/** The declared fields, then the end-to-end and confidence sets, on a loaded model. */
async function runAssets(root: string, manifest: PackageManifest, model: Model): Promise<PackageVerification> {
  const report: PackageVerification = {
    name: manifest.name,
    version: manifest.model.version,
    backend: model.backend,
    problems: fieldProblems(manifest, model),
    ok: false,
  };
  report.endToEnd = await runEndToEnd(root, manifest.assets.endToEnd, model);
  report.confidence = await runConfidence(root, manifest.assets.confidence, model);
  report.ok = report.problems.length === 0 && report.endToEnd.failures.length === 0 && report.confidence.ok;
  return report;
}

/**
 * Loads (reads and compiles) the model document of a validated package. `scoring` defaults to
 * "async" (every backend, as verification needs only the async methods); a server that scores on
 * the synchronous path asks for "sync". Throws the loader's PortaError.
 */
export async function loadPackageModel(root: string, manifest: PackageManifest, options: LoadPackageOptions = {}): Promise<Model> {
  return loadModel(packageFile(root, manifest.model.file), {
    format: manifest.model.format,
    backend: options.backend,
    limits: options.limits,
    scoring: options.scoring ?? "async",
  });
}

export interface LoadPackageOptions {
  backend?: BackendChoice;
  limits?: Partial<Limits>;
  scoring?: "sync" | "async";
}

/** The model-load failure as a problem at /model/file. */
export function loadProblem(e: unknown): PackageProblem {
  if (!isPortaError(e)) throw e;
  return { code: e.code, path: "/model/file", message: `the model does not load: ${e.message}`, value: e.path };
}

async function tryLoad(root: string, manifest: PackageManifest, options: VerifyOptions): Promise<{ model: Model } | { problem: PackageProblem }> {
  try {
    return { model: await loadPackageModel(root, manifest, options) };
  } catch (e) {
    return { problem: loadProblem(e) };
  }
}

/** Every declared input and output must be one of the model's fields. */
function fieldProblems(manifest: PackageManifest, model: Model): PackageProblem[] {
  const problems: PackageProblem[] = [];
  const check = (declared: readonly { name: string }[], actual: readonly { name: string }[], where: "inputs" | "outputs") => {
    const names = new Set(actual.map((f) => f.name));
    declared.forEach((f, i) => {
      if (!names.has(f.name)) {
        problems.push({
          code: "PACKAGE_FIELD_UNKNOWN",
          path: `/${where}/${i}/name`,
          message: `the model has no ${where === "inputs" ? "input" : "output"} field ${f.name}`,
          value: f.name,
        });
      }
    });
  };
  check(manifest.inputs, model.inputFields, "inputs");
  check(manifest.outputs, model.outputFields, "outputs");
  return problems;
}

async function runEndToEnd(root: string, asset: EndToEndAsset, model: Model): Promise<EndToEndReport> {
  const rows = readAssetRows(packageFile(root, asset.file), asset.file);
  const failures: EndToEndFailure[] = [];
  const cases = rows.map((row, i) => endToEndCase(row, i, failures));
  const scored = await model.scoreBatchAsync(
    cases.map((c) => c?.input ?? {}),
    { onError: "collect" },
  );
  const errors = new Map(scored.errors.map((e) => [e.row, e.message]));
  const outputs = new Set(model.outputFields.map((f) => f.name));
  let passed = 0;
  cases.forEach((c, i) => {
    if (!c) return;
    const result = scored.results[i];
    if (!result) {
      failures.push({ row: i, message: `row ${i + 1} failed to score: ${errors.get(i) ?? "no result"}` });
      return;
    }
    let ok = true;
    for (const [field, expected] of Object.entries(c.expected)) {
      const actual = result[field];
      if (!outputs.has(field)) {
        failures.push({ row: i, field, expected, message: `row ${i + 1}: the model has no output field ${field}` });
        ok = false;
      } else if (!agrees(expected, actual, asset.tolerance)) {
        failures.push({ row: i, field, expected, actual, message: `row ${i + 1}: ${field} is ${describeValue(actual)}, expected ${describeValue(expected)}` });
        ok = false;
      }
    }
    if (ok) passed++;
  });
  return { file: asset.file, rows: rows.length, passed, failures };
}

function endToEndCase(
  row: AssetRow,
  i: number,
  failures: EndToEndFailure[],
): { input: Record<string, unknown>; expected: Record<string, unknown> } | undefined {
  const { input, expected } = row;
  if (isObject(input) && isObject(expected)) return { input, expected };
  failures.push({ row: i, message: `row ${i + 1}: an end-to-end row is {"input": {…}, "expected": {…}}` });
  return undefined;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === "object" && !Array.isArray(v);
}

/** Numbers within the tolerance (exact without one); anything else by its text. */
export function agrees(expected: unknown, actual: unknown, tolerance: EndToEndAsset["tolerance"] = {}): boolean {
  if (expected === null || expected === undefined) return actual === null || actual === undefined;
  if (actual === null || actual === undefined) return false;
  if (typeof actual === "number") {
    const e = typeof expected === "number" ? expected : parseNumber(String(expected));
    if (e === undefined) return false;
    if (Number.isNaN(e) || Number.isNaN(actual)) return Number.isNaN(e) && Number.isNaN(actual);
    return Math.abs(actual - e) <= (tolerance.absolute ?? 0) + (tolerance.relative ?? 0) * Math.abs(e);
  }
  return describeValue(expected) === describeValue(actual);
}

async function runConfidence(root: string, asset: ConfidenceAsset, model: Model): Promise<ConfidenceReport> {
  const rows = readAssetRows(packageFile(root, asset.file), asset.file);
  const scored = await model.scoreBatchAsync(rows, { onError: "collect" });
  const base = { file: asset.file, rows: rows.length, metric: asset.metric.name, range: asset.range, failedRows: scored.errors.length };
  const pairs = rows.flatMap((row, i) => (scored.results[i] ? [{ row, result: scored.results[i] }] : []));
  let value: number;
  try {
    value = metricValue(asset.metric, pairs, model);
  } catch (e) {
    return { ...base, ok: false, message: (e as Error).message };
  }
  const inRange = (asset.range.min === undefined || value >= asset.range.min) && (asset.range.max === undefined || value <= asset.range.max);
  const message =
    scored.errors.length > 0
      ? `${scored.errors.length} rows failed to score; first: ${scored.errors[0].message}`
      : inRange
        ? undefined
        : `${asset.metric.name} ${value} is outside ${rangeText(asset.range)}`;
  return { ...base, value, ok: inRange && scored.errors.length === 0, ...(message === undefined ? {} : { message }) };
}

export function rangeText(range: { min?: number; max?: number }): string {
  return `[${range.min ?? "-∞"}, ${range.max ?? "∞"}]`;
}

type Scored = { row: AssetRow; result: Record<string, unknown> };

function metricValue(spec: MetricSpec, pairs: readonly Scored[], model: Model): number {
  const outputs = new Set(model.outputFields.map((f) => f.name));
  const output = (name: string | undefined): string => {
    if (name === undefined || !outputs.has(name)) throw new Error(`the model has no output field ${name ?? "(none named)"} for ${spec.name}`);
    return name;
  };
  const labels = pairs.map((p) => p.row[spec.label]);
  if (labels.some((l) => l === null || l === undefined)) throw new Error(`some rows have no ${spec.label} label`);
  const texts = labels.map((l) => describeValue(l));
  switch (spec.name) {
    case "accuracy":
    case "f1": {
      const field = output(spec.prediction);
      const predictions = pairs.map((p) => describeValue(p.result[field]));
      return spec.name === "accuracy" ? accuracy(texts, predictions) : f1(texts, predictions, spec.positive);
    }
    case "rmse":
    case "mae": {
      const field = output(spec.prediction);
      const truth = labels.map((l) => numberOf(l, spec.label));
      const predicted = pairs.map((p) => numberOf(p.result[field], field));
      return spec.name === "rmse" ? rmse(truth, predicted) : mae(truth, predicted);
    }
    case "auc": {
      const field = output(spec.score);
      return auc(
        texts.map((t) => t === spec.positive),
        pairs.map((p) => numberOf(p.result[field], field)),
      );
    }
    case "logLoss": {
      const fields = Object.entries(spec.probabilities ?? {}).map(([cls, f]) => [cls, output(f)] as const);
      return logLoss(
        texts,
        pairs.map((p) => Object.fromEntries(fields.map(([cls, f]) => [cls, numberOf(p.result[f], f)]))),
      );
    }
  }
}

function numberOf(v: unknown, what: string): number {
  const n = typeof v === "number" ? v : typeof v === "string" ? parseNumber(v) : undefined;
  if (n === undefined || Number.isNaN(n)) throw new Error(`${what} is not a number in every row (${describeValue(v)})`);
  return n;
}
