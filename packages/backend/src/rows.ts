import { DEFAULT_LIMITS } from "@porta/ir/limits";
import { isPortaError } from "@porta/ir/errors";
import type { DataType, OpType, Value } from "@porta/ir/values";
import { rowDepthError } from "./row-depth.ts";

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

/** Scores rows one by one under a row-error policy (the shared body of a row-wise scoreBatch). */
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

/**
 * Applies a row-error policy to per-row outcomes (`errors[i]` set for a failed row): "throw"
 * rethrows the first, "collect" nulls the row and lists it.
 */
export function applyRowErrorPolicy(results: (ScoreResult | null)[], errors: readonly (Error | undefined)[], options: BatchOptions = {}): BatchResult {
  const collected: RowError[] = [];
  for (let i = 0; i < results.length; i++) {
    const e = errors[i];
    if (!e) continue;
    if (options.onError !== "collect") throw e;
    results[i] = null;
    collected.push(rowErrorOf(i, e));
  }
  return { results, errors: collected };
}
