import { formatValue, type Value } from "@porta/ir/values";

/**
 * One field of a columnar batch.
 * - `number`: a Float64Array; NaN is missing unless `missing` is given (then `missing[i] = 1`
 *   marks a missing row and a NaN with `missing[i] = 0` is a value, e.g. an invalid input).
 * - `category`: dictionary codes; `codes[i]` indexes `dictionary`, -1 is missing. Texts are the
 *   raw values (the backend parses "5.1" of a double field once per dictionary entry).
 * - `value`: anything else (dates, booleans, PFA records), one JS value per row, null missing.
 */
export type Column =
  | { readonly kind: "number"; readonly values: Float64Array; readonly missing?: Uint8Array }
  | { readonly kind: "category"; readonly codes: Int32Array; readonly dictionary: readonly string[] }
  | { readonly kind: "value"; readonly values: readonly unknown[] };

/** Code of a missing row in a category column. */
export const MISSING = -1;

/** Rows as columns: the one batch type every backend reads and writes. */
export interface Batch {
  /** Number of rows. */
  readonly length: number;
  /** Field name → column; a field the batch lacks is missing in every row. */
  readonly columns: ReadonlyMap<string, Column>;
}

/** A scored batch: result columns (targets and OutputFields) and the rows that failed. */
export interface ScoredBatch extends Batch {
  /** `errors[i]` is set for a row that failed; its result columns hold missing. Sparse. */
  readonly errors: readonly (Error | undefined)[];
}

export function numberColumn(values: Float64Array, missing?: Uint8Array): Column {
  return missing ? { kind: "number", values, missing } : { kind: "number", values };
}

/** Dictionary-encodes texts (null/undefined missing). */
export function categoryColumn(texts: readonly (string | null | undefined)[]): Column {
  const codes = new Int32Array(texts.length);
  const dictionary: string[] = [];
  const index = new Map<string, number>();
  for (let i = 0; i < texts.length; i++) {
    const t = texts[i];
    if (t === null || t === undefined) {
      codes[i] = MISSING;
      continue;
    }
    let code = index.get(t);
    if (code === undefined) {
      code = dictionary.length;
      dictionary.push(t);
      index.set(t, code);
    }
    codes[i] = code;
  }
  return { kind: "category", codes, dictionary };
}

/** Is row i of the column missing? */
export function isMissingAt(col: Column | undefined, i: number): boolean {
  if (!col) return true;
  switch (col.kind) {
    case "number":
      return col.missing ? col.missing[i] === 1 : col.values[i] !== col.values[i];
    case "category":
      return col.codes[i] < 0;
    case "value":
      return col.values[i] === null || col.values[i] === undefined;
  }
}

/** The value of row i (null when missing): a number, a dictionary text, or the stored value. */
export function valueAt(col: Column | undefined, i: number): unknown {
  if (!col || isMissingAt(col, i)) return null;
  switch (col.kind) {
    case "number":
      return col.values[i];
    case "category":
      return col.dictionary[col.codes[i]];
    case "value":
      return col.values[i];
  }
}

/**
 * Builds a batch from row objects: a field whose present values are all numbers becomes a number
 * column, all strings a category column, anything else a value column. Fields are the given
 * names, or every key seen in the rows.
 */
export function batchFromRows(rows: readonly Readonly<Record<string, unknown>>[], fields?: readonly string[]): Batch {
  const names = fields ?? keysOf(rows);
  const columns = new Map<string, Column>();
  for (const name of names) {
    let numbers = true;
    let strings = true;
    for (const row of rows) {
      const v = row[name];
      if (v === null || v === undefined) continue;
      if (typeof v !== "number") numbers = false;
      if (typeof v !== "string") strings = false;
      if (!numbers && !strings) break;
    }
    if (numbers) {
      const values = new Float64Array(rows.length);
      let missing: Uint8Array | undefined;
      for (let i = 0; i < rows.length; i++) {
        const v = rows[i][name];
        if (v === null || v === undefined) {
          values[i] = NaN;
          (missing ??= new Uint8Array(rows.length))[i] = 1;
        } else values[i] = v as number;
      }
      // Without a NaN value among the present ones, NaN alone says missing: drop the mask.
      columns.set(name, missing && !hasNaNValue(values, missing) ? numberColumn(values) : numberColumn(values, missing));
    } else if (strings) {
      columns.set(name, categoryColumn(rows.map((r) => r[name] as string | null | undefined)));
    } else {
      columns.set(name, { kind: "value", values: rows.map((r) => r[name] ?? null) });
    }
  }
  return { length: rows.length, columns };
}

function hasNaNValue(values: Float64Array, missing: Uint8Array): boolean {
  for (let i = 0; i < values.length; i++) if (values[i] !== values[i] && missing[i] === 0) return true;
  return false;
}

function keysOf(rows: readonly Readonly<Record<string, unknown>>[]): string[] {
  const seen = new Set<string>();
  for (const row of rows) for (const k of Object.keys(row)) seen.add(k);
  return [...seen];
}

/** Row objects of a batch (a missing value is left out of its row, as the row API does). */
export function rowsFromBatch(batch: Batch): Record<string, unknown>[] {
  const rows: Record<string, unknown>[] = new Array(batch.length);
  for (let i = 0; i < batch.length; i++) {
    const row: Record<string, unknown> = {};
    for (const [name, col] of batch.columns) {
      const v = valueAt(col, i);
      if (v !== null) row[name] = v;
    }
    rows[i] = row;
  }
  return rows;
}

/**
 * A scored batch from per-row results (the bridge for backends that score row by row): numbers
 * become number columns, texts category columns, other values value columns. `names` fixes the
 * column order (the model's output fields); a failed row is null in `results`.
 */
export function scoredBatchFromResults(
  names: readonly string[],
  results: readonly (Readonly<Record<string, unknown>> | null)[],
  errors: readonly (Error | undefined)[],
): ScoredBatch {
  const present = new Set(names);
  for (const r of results) if (r) for (const k of Object.keys(r)) present.add(k);
  const rows = results.map((r) => r ?? {});
  const { columns } = batchFromRows(rows, [...present]);
  return { length: results.length, columns, errors };
}

/** Text of a scalar for a category dictionary (numbers as PMML writes them). */
export function textOf(v: Value): string {
  return typeof v === "string" ? v : formatValue(v);
}
