/**
 * Rows for the score API from what a person typed or dropped: form values and CSV files, typed
 * by the model's input fields. Cells follow `porta score`'s CSV rules: empty, `NA` and `N/A` are
 * missing (null); a cell of a numeric field that reads as a number is sent as a number (a PFA
 * model takes no text for a double), anything else as the text, for the model to accept or refuse
 * with its own typed error.
 */
import { parse } from "csv-parse/browser/esm/sync";
import type { Field, Result } from "./api.ts";

const NUMERIC = new Set(["double", "float", "integer", "int", "long", "number"]);
const NUMBER_TEXT = /^\s*[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?\s*$/;

export function isNumeric(field: Field | undefined): boolean {
  return field?.dataType !== undefined && NUMERIC.has(field.dataType.toLowerCase());
}

/** One cell as the API gets it. */
export function cellValue(text: string, field: Field | undefined): unknown {
  if (text === "" || text === "NA" || text === "N/A") return null;
  if (isNumeric(field) && NUMBER_TEXT.test(text)) return Number(text);
  return text;
}

/** A row from name → text pairs (a form, a CSV record). */
export function rowOf(cells: Iterable<[string, string]>, fields: readonly Field[]): Result {
  const byName = new Map(fields.map((f) => [f.name, f]));
  const row: Result = {};
  for (const [name, text] of cells) row[name] = cellValue(text, byName.get(name));
  return row;
}

/** A CSV text's rows: a header row naming the columns, then one record per line. */
export function csvRows(text: string, fields: readonly Field[]): Result[] {
  const records = parse(text, { columns: true, skip_empty_lines: true, bom: true, trim: false }) as Record<string, string>[];
  return records.map((record) => rowOf(Object.entries(record), fields));
}

/** The output columns of a set of results: every key, in the order it first appears. */
export function resultColumns(results: readonly (Result | null | undefined)[]): string[] {
  const seen = new Set<string>();
  for (const r of results) if (r) for (const key of Object.keys(r)) seen.add(key);
  return [...seen];
}

/** A CSV text (RFC 4180): a cell holding a comma, a quote or a line break is quoted, its quotes doubled. */
export function csvText(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const cell = (text: string) => (/[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text);
  return [header, ...rows].map((row) => row.map(cell).join(",")).join("\r\n") + "\r\n";
}
