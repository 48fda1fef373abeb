import { DEFAULT_LIMITS, isPortaError, type DataType, type OpType, type Value } from "@porta/ir";
import { rowDepthError } from "@porta/backend";

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

/** Options of `scoreBatch`. */
export interface BatchOptions {
  /** "throw" (default): the first failing row throws; "collect": it yields null and an entry in `errors`. */
  onError?: RowErrorPolicy;
  /** Deepest nesting of a value inside a row (default Limits.rowDepth); deeper is `ROW_TOO_DEEP` for that row. */
  rowDepth?: number;
}

/** One failed row of a batch. */
export interface RowError {
  /** Index of the row in the batch. */
  row: number;
  code: string;
  /** The error's kind ("parse", "evaluation", …; "internal" for an error that is not a PortaError). */
  kind: string;
  /** One line: `EvaluationError PMML_INVALID_VALUE at …: … (value: …)`. */
  message: string;
}

export interface BatchResult {
  results: (ScoreResult | null)[];
  /** Per-row errors, when the policy is "collect". */
  errors: RowError[];
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
  /**
   * The `usageType="group"` MiningField of a transactional model (an AssociationModel scored on
   * baskets), or undefined. Rows written one item per row become one record per transaction
   * with `groupTransactions(rows, model.groupField)`; `porta score` does so by itself.
   */
  readonly groupField?: string;
  /** Scores one row: field name → raw value (strings are parsed per the field's data type). */
  score(row: Readonly<Record<string, unknown>>): ScoreResult;
  /** Scores many rows; with policy "collect", a failing row yields null and an entry in `errors`. */
  scoreBatch(rows: readonly Readonly<Record<string, unknown>>[], options?: BatchOptions): BatchResult;
}

/** A failed row as a BatchResult entry. */
export function rowErrorOf(row: number, e: unknown): RowError {
  if (isPortaError(e)) return { row, code: e.code, kind: e.kind, message: e.toOneLine() };
  return { row, code: "INTERNAL", kind: "internal", message: e instanceof Error ? e.message : String(e) };
}

/** Throws ROW_TOO_DEEP for a row nested deeper than the limit (before any backend walks it). */
export function checkRowDepth(row: Readonly<Record<string, unknown>>, limit: number = DEFAULT_LIMITS.rowDepth): void {
  const error = rowDepthError(row, limit);
  if (error) throw error;
}

/** Scores rows one by one under a row-error policy (the shared body of the row-wise scoreBatch). */
export function scoreEachRow(
  rows: readonly Readonly<Record<string, unknown>>[],
  score: (row: Readonly<Record<string, unknown>>) => ScoreResult,
  options: BatchOptions = {},
): BatchResult {
  const results: (ScoreResult | null)[] = new Array(rows.length);
  const errors: RowError[] = [];
  const limit = options.rowDepth ?? DEFAULT_LIMITS.rowDepth;
  for (let i = 0; i < rows.length; i++) {
    if (options.onError !== "collect") {
      checkRowDepth(rows[i], limit);
      results[i] = score(rows[i]);
      continue;
    }
    try {
      checkRowDepth(rows[i], limit);
      results[i] = score(rows[i]);
    } catch (e) {
      results[i] = null;
      errors.push(rowErrorOf(i, e));
    }
  }
  return { results, errors };
}
