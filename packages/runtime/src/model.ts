import { isPortaError, type DataType, type OpType, type Value } from "@porta/ir";

/** One field of a model's interface. */
export interface FieldInfo {
  name: string;
  dataType: DataType | string;
  opType?: OpType;
  /** Categories of a categorical field, when declared. */
  values?: Value[];
}

export type ScoreResult = Record<string, Value | unknown>;

/** What to do with a row that fails in `scoreBatch`. */
export type RowErrorPolicy = "throw" | "collect";

export interface BatchResult {
  results: (ScoreResult | null)[];
  /** Per-row errors, when the policy is "collect" (row index → one-line error). */
  errors: { row: number; code: string; message: string }[];
}

/** A loaded model: the public interface every backend implements. */
export interface Model {
  readonly format: "pmml" | "pfa";
  /** Which backend scores: "js" (compile-js), "interp" (reference interpreter), "pfa-compiled". */
  readonly backend: string;
  /** One-line notices, e.g. why the interpreter scores instead of compiled code. */
  readonly notices: string[];
  /** How the model was loaded (artifact cache hit or miss, timings), when a cache was used. */
  readonly loadInfo?: { artifactCache?: import("./artifacts.ts").ArtifactLoad };
  /** Model families present, top-level first (e.g. ["MiningModel", "TreeModel"]). */
  readonly modelTypes: string[];
  readonly inputFields: FieldInfo[];
  /** Target fields and final OutputFields, in result order. */
  readonly outputFields: FieldInfo[];
  /** Scores one row: field name → raw value (strings are parsed per the field's data type). */
  score(row: Readonly<Record<string, unknown>>): ScoreResult;
  /** Scores many rows; with policy "collect", a failing row yields null and an entry in `errors`. */
  scoreBatch(rows: readonly Readonly<Record<string, unknown>>[], options?: { onError?: RowErrorPolicy }): BatchResult;
}

/** Scores rows one by one under a row-error policy (the shared body of the row-wise scoreBatch). */
export function scoreEachRow(
  rows: readonly Readonly<Record<string, unknown>>[],
  score: (row: Readonly<Record<string, unknown>>) => ScoreResult,
  policy: RowErrorPolicy = "throw",
): BatchResult {
  const results: (ScoreResult | null)[] = new Array(rows.length);
  const errors: BatchResult["errors"] = [];
  for (let i = 0; i < rows.length; i++) {
    if (policy === "throw") {
      results[i] = score(rows[i]);
      continue;
    }
    try {
      results[i] = score(rows[i]);
    } catch (e) {
      results[i] = null;
      errors.push({ row: i, code: isPortaError(e) ? e.code : "INTERNAL", message: isPortaError(e) ? e.toOneLine() : String(e) });
    }
  }
  return { results, errors };
}
