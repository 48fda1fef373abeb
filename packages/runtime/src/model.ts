import type { DataType, OpType, Value } from "@porta/ir";

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
