import { readFileSync, writeFileSync } from "node:fs";
import { extname } from "node:path";
import { parse as parseCsv } from "csv-parse/sync";
import { stringify as stringifyCsv } from "csv-stringify/sync";
import { ParseError, formatValue, type Value } from "@porta/ir";

export type Row = Record<string, unknown>;
export type DataFormat = "csv" | "json" | "ndjson";

export function formatOfPath(path: string): DataFormat {
  const ext = extname(path).toLowerCase();
  if (ext === ".json") return "json";
  if (ext === ".ndjson" || ext === ".jsonl") return "ndjson";
  return "csv";
}

export interface ReadOptions {
  /** JSON values that are not objects become `{ input: value }` (PFA engines with non-record input). */
  wrapNonObjects?: boolean;
  /** JSON parser; PFA passes a lossless one so longs beyond 2^53 stay exact. */
  parseJson?: (text: string) => unknown;
}

/** Reads input rows. CSV cells are strings; empty cells, NA and N/A are missing. */
export function readRows(path: string, format: DataFormat = formatOfPath(path), options: ReadOptions = {}): Row[] {
  const text = readFileSync(path, "utf8");
  switch (format) {
    case "csv": {
      try {
        const records = parseCsv(text, { columns: true, skip_empty_lines: true, bom: true, trim: false, relax_column_count: false }) as Record<string, string>[];
        return records.map((r) => {
          const row: Row = {};
          for (const k in r) row[k] = r[k] === "" || r[k] === "NA" || r[k] === "N/A" ? null : r[k];
          return row;
        });
      } catch (e) {
        throw new ParseError("INPUT_CSV_MALFORMED", `cannot read ${path} as CSV: ${(e as Error).message}`, { path, value: path });
      }
    }
    case "json": {
      const data = parseJson(text, path, 1, options.parseJson);
      if (!Array.isArray(data)) throw new ParseError("INPUT_JSON_NOT_ARRAY", `${path} must hold a JSON array of row objects`, { path, value: typeof data });
      return data.map((r, i) => asRow(r, path, i + 1, options.wrapNonObjects));
    }
    case "ndjson":
      return text.split("\n").flatMap((line, i) => (line.trim() === "" ? [] : [asRow(parseJson(line, path, i + 1, options.parseJson), path, i + 1, options.wrapNonObjects)]));
  }
}

function parseJson(text: string, path: string, line: number, parser: (text: string) => unknown = JSON.parse): unknown {
  try {
    return parser(text);
  } catch (e) {
    throw new ParseError("INPUT_JSON_MALFORMED", `cannot read ${path} (line ${line}) as JSON: ${(e as Error).message}`, { path: `${path}:${line}`, value: text.slice(0, 80) });
  }
}

function asRow(value: unknown, path: string, n: number, wrapNonObjects = false): Row {
  if (wrapNonObjects && (value === null || typeof value !== "object" || Array.isArray(value))) return { input: value };
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    throw new ParseError("INPUT_ROW_NOT_OBJECT", `row ${n} of ${path} is not an object`, { path: `${path}:${n}`, value });
  }
  return value as Row;
}

function cell(v: unknown): string {
  if (v === null || v === undefined) return "";
  if (typeof v === "object" && !(v instanceof Date) && typeof (v as { toString?: unknown }).toString !== "function") return JSON.stringify(v);
  return typeof v === "number" || typeof v === "string" || typeof v === "boolean" ? formatValue(v as Value) : typeof v === "object" ? JSON.stringify(v) : String(v);
}

/** Writes result rows as CSV, JSON or NDJSON, to a file or (path undefined) to stdout. */
export function writeRows(rows: Row[], columns: string[], format: DataFormat, path?: string, stringify: (v: unknown) => string = (v) => JSON.stringify(v, jsonReplacer)): void {
  let text: string;
  switch (format) {
    case "csv":
      text = stringifyCsv(rows.map((r) => columns.map((c) => cell(r[c]))), { header: true, columns });
      break;
    case "json":
      text = `[${rows.map((r) => stringify(r)).join(",\n")}]\n`;
      break;
    case "ndjson":
      text = rows.map((r) => stringify(r)).join("\n") + (rows.length ? "\n" : "");
      break;
  }
  if (path) writeFileSync(path, text);
  else process.stdout.write(text);
}

function jsonReplacer(_key: string, value: unknown): unknown {
  if (typeof value === "number" && !Number.isFinite(value)) return String(value);
  if (typeof value === "bigint") return value.toString();
  return value;
}
