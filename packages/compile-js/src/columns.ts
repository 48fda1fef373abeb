import { EvaluationError, isPortaError } from "@porta/ir/errors";
import type { DataField, MiningField } from "@porta/ir";
import { inInterval, prepareInput } from "@porta/ir/scoring";
import { formatValue, isNumericType, parseNumber, type Value } from "@porta/ir/values";
import type { Batch, Column } from "@porta/backend";
import { NotCompilable } from "./unsupported.ts";

/**
 * Column layout of a compiled model. Numeric fields are Float64Array with NaN for missing;
 * string fields are dictionary codes in an Int32Array: -1 missing, -2 a value outside the
 * dictionary (valid but equal to no category the model mentions).
 */
export type ColumnKind = "number" | "category";

export const MISSING_CODE = -1;
export const OTHER_CODE = -2;

export interface InputColumn {
  name: string;
  kind: ColumnKind;
  field: DataField;
  mining?: MiningField;
  /** Category → code, for category columns. Grows while compiling as predicates name literals. */
  dictionary: Map<string, number>;
  categories: string[];
  /**
   * Expressions read this column's text (string functions, MapValues, ...): a value outside the
   * dictionary gets a batch code (categories.length + j, its text in the batch's `texts[j]`)
   * instead of OTHER_CODE.
   */
  text?: boolean;
}

export function columnKindOf(field: DataField): ColumnKind {
  if (isNumericType(field.dataType) && !field.dataType.startsWith("date") && field.dataType !== "timeSeconds") return "number";
  if (field.dataType === "boolean") return "number";
  if (field.dataType === "string") return "category";
  throw new NotCompilable(`DataField of dataType ${field.dataType}`);
}

export function makeInputColumn(field: DataField, mining: MiningField | undefined): InputColumn {
  const col: InputColumn = { name: field.name, kind: columnKindOf(field), field, mining, dictionary: new Map(), categories: [] };
  if (col.kind === "category") for (const v of field.validValues) codeOf(col, formatValue(v));
  return col;
}

/** Code of a category, adding it to the dictionary when new. */
export function codeOf(col: Pick<InputColumn, "dictionary" | "categories">, category: string): number {
  let code = col.dictionary.get(category);
  if (code === undefined) {
    code = col.categories.length;
    col.categories.push(category);
    col.dictionary.set(category, code);
  }
  return code;
}

/**
 * Encodes raw rows (CSV strings, JSON scalars) into columns, applying the MiningField
 * treatments through the same `prepareInput` the interpreter uses, so both backends see the
 * same values. A row whose input is invalid under returnInvalid gets its error recorded.
 */
export function encodeRows(
  columns: readonly InputColumn[],
  rows: readonly Readonly<Record<string, unknown>>[],
  errors: (EvaluationError | undefined)[],
  texts?: (string[] | undefined)[],
): (Float64Array | Int32Array)[] {
  const n = rows.length;
  return columns.map((col, k) => {
    if (col.kind === "number") {
      const out = new Float64Array(n);
      const fast = plainNumber(col);
      const intervals = col.field.intervals;
      for (let i = 0; i < n; i++) {
        const raw = rows[i][col.name];
        if (fast !== undefined) {
          // Common case first: a double inside the declared intervals, nothing else to check;
          // anything else takes the same prepareInput path as the interpreter.
          const x = typeof raw === "number" ? raw : typeof raw === "string" ? parseNumber(raw) : undefined;
          if (x !== undefined && x === x && (intervals.length === 0 || intervals.some((iv) => inInterval(iv, x)))) {
            out[i] = fast === "float" ? Math.fround(x) : x;
            continue;
          }
        }
        const v = prepareSafely(col, raw, errors, i);
        out[i] = v === null ? NaN : typeof v === "number" ? v : typeof v === "boolean" ? (v ? 1 : 0) : NaN;
      }
      return out;
    }
    const out = new Int32Array(n);
    const extra = col.text && texts ? new Map<string, number>() : undefined;
    for (let i = 0; i < n; i++) {
      const v = prepareSafely(col, rows[i][col.name], errors, i);
      if (v === null) {
        out[i] = MISSING_CODE;
        continue;
      }
      const text = typeof v === "string" ? v : formatValue(v);
      let code = col.dictionary.get(text);
      if (code === undefined && extra) {
        code = extra.get(text);
        if (code === undefined) {
          code = col.categories.length + extra.size;
          extra.set(text, code);
        }
      }
      out[i] = code ?? OTHER_CODE;
    }
    if (extra && texts) texts[k] = [...extra.keys()];
    return out;
  });
}

/**
 * "double"/"float" when a valid value of this continuous column needs no check beyond parsing
 * and its Intervals (no declared values, no outlier treatment), else undefined.
 */
function plainNumber(col: InputColumn): "double" | "float" | undefined {
  const f = col.field;
  if (f.dataType !== "double" && f.dataType !== "float") return undefined;
  if (f.validValues.length || f.invalidValues.length || f.missingValues.length || f.opType !== "continuous") return undefined;
  if (col.mining && col.mining.outliers !== "asIs") return undefined;
  return f.dataType;
}

function prepareSafely(col: InputColumn, raw: unknown, errors: (EvaluationError | undefined)[], row: number): Value {
  try {
    return prepareInput(col.field, col.mining, raw);
  } catch (e) {
    if (isPortaError(e) && e instanceof EvaluationError) {
      errors[row] ??= e;
      return null;
    }
    throw e;
  }
}

/**
 * Encodes a columnar batch (see @porta/backend's Batch) like encodeRows: the same treatments,
 * the same errors. A category column is prepared once per dictionary entry, not once per row;
 * a number column takes the fast path value by value, as rows do, or is the batch's own array
 * (isReadyDoubles): the arrays returned are read-only to their users.
 */
export function encodeBatch(
  columns: readonly InputColumn[],
  batch: Batch,
  errors: (EvaluationError | undefined)[],
  texts?: (string[] | undefined)[],
): (Float64Array | Int32Array)[] {
  const n = batch.length;
  return columns.map((col, k) => {
    const source = batch.columns.get(col.name);
    const extra = col.kind === "category" && col.text && texts ? new Map<string, number>() : undefined;
    // The encoded cell of one prepared value (NaN/MISSING_CODE for missing).
    const encode = (v: Value): number => {
      if (col.kind === "number") return v === null ? NaN : typeof v === "number" ? v : typeof v === "boolean" ? (v ? 1 : 0) : NaN;
      if (v === null) return MISSING_CODE;
      const text = typeof v === "string" ? v : formatValue(v);
      let code = col.dictionary.get(text);
      if (code === undefined && extra) {
        code = extra.get(text);
        if (code === undefined) {
          code = col.categories.length + extra.size;
          extra.set(text, code);
        }
      }
      return code ?? OTHER_CODE;
    };
    if (source?.kind === "number" && col.kind === "number" && plainNumber(col) !== undefined && isReadyDoubles(col, source, n)) return source.values;
    const out = col.kind === "number" ? new Float64Array(n) : new Int32Array(n);
    if (source?.kind === "category") {
      // Each dictionary entry is prepared once; its error, if any, goes to every row holding it.
      const cells = new Float64Array(source.dictionary.length);
      const failures: (EvaluationError | undefined)[] = new Array(source.dictionary.length);
      source.dictionary.forEach((text, d) => {
        const one: (EvaluationError | undefined)[] = [undefined];
        cells[d] = encode(prepareSafely(col, text, one, 0));
        failures[d] = one[0];
      });
      const missingFailure: (EvaluationError | undefined)[] = [undefined];
      const missingCell = encode(prepareSafely(col, null, missingFailure, 0));
      for (let i = 0; i < n; i++) {
        const d = source.codes[i];
        if (d < 0) {
          out[i] = missingCell;
          if (missingFailure[0]) errors[i] ??= missingFailure[0];
          continue;
        }
        out[i] = cells[d];
        if (failures[d]) errors[i] ??= failures[d];
      }
    } else if (source?.kind === "number" && col.kind === "number" && plainNumber(col) !== undefined) {
      const float = plainNumber(col) === "float";
      const intervals = col.field.intervals;
      for (let i = 0; i < n; i++) {
        const x = source.values[i];
        const missing = source.missing ? source.missing[i] === 1 : false;
        if (!missing && x === x && (intervals.length === 0 || intervals.some((iv) => inInterval(iv, x)))) {
          out[i] = float ? Math.fround(x) : x;
          continue;
        }
        out[i] = encode(prepareSafely(col, rawAt(source, i), errors, i));
      }
    } else {
      for (let i = 0; i < n; i++) out[i] = encode(prepareSafely(col, rawAt(source, i), errors, i));
    }
    if (extra && texts) texts[k] = [...extra.keys()];
    return out;
  });
}

/**
 * Whether a plain double column's batch array is already its encoding: no intervals to check, and
 * either every value present (no NaN) or, without a missing mask, a missing value left missing
 * (NaN, no replacement, no error). The kernel then reads the batch's own array (it never writes its
 * inputs), with no copy: the copy cost more than a linear model's whole arithmetic.
 */
function isReadyDoubles(col: InputColumn, source: Extract<Column, { kind: "number" }>, n: number): boolean {
  if (plainNumber(col) !== "double" || col.field.intervals.length > 0 || source.values.length !== n) return false;
  if (source.missing === undefined) {
    const failure: (EvaluationError | undefined)[] = [undefined];
    const missing = prepareSafely(col, null, failure, 0);
    if (missing === null && failure[0] === undefined) return true;
  }
  const values = source.values;
  for (let i = 0; i < n; i++) if (values[i] !== values[i]) return false;
  return true;
}

/** The raw value of row i of a batch column (null when missing or absent). */
function rawAt(col: Column | undefined, i: number): unknown {
  if (!col) return null;
  switch (col.kind) {
    case "number":
      // Without a mask NaN is missing; with one, a NaN the mask calls present is a value.
      if (col.missing) return col.missing[i] === 1 ? null : col.values[i];
      return col.values[i] !== col.values[i] ? null : col.values[i];
    case "category":
      return col.codes[i] < 0 ? null : col.dictionary[col.codes[i]];
    case "value":
      return col.values[i] ?? null;
  }
}
