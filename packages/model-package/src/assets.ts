import { readFileSync, statSync } from "node:fs";
import { extname } from "node:path";
import { ParseError } from "@porta/ir/errors";
import { parse as parseCsv } from "csv-parse/sync";

/** Largest asset file read into memory (bytes). */
export const MAX_ASSET_BYTES = 256 * 1024 * 1024;

export type AssetRow = Record<string, unknown>;

/**
 * An asset's rows: a .csv with a header line (cells are text; the model parses them per its
 * fields, an empty cell is missing), a .json array of objects, or .ndjson (one object per line).
 * `name` is the package-relative path, for errors.
 */
export function readAssetRows(file: string, name: string): AssetRow[] {
  const size = statSync(file).size;
  if (size > MAX_ASSET_BYTES) throw new ParseError("PACKAGE_TOO_LARGE", `${name} is larger than ${MAX_ASSET_BYTES} bytes`, { path: name, value: size });
  const text = readFileSync(file, "utf8");
  switch (extname(file).toLowerCase()) {
    case ".csv":
      return csvRows(text, name);
    case ".json":
      return jsonRows(text, name);
    case ".ndjson":
    case ".jsonl":
      return ndjsonRows(text, name);
    default:
      throw new ParseError("PACKAGE_ASSET_FORMAT", `${name}: an asset is .csv, .json or .ndjson`, { path: name, value: extname(file) });
  }
}

function csvRows(text: string, name: string): AssetRow[] {
  try {
    const rows = parseCsv(text, { columns: true, skip_empty_lines: true, bom: true }) as Record<string, string>[];
    return rows.map((row) => Object.fromEntries(Object.entries(row).map(([k, v]) => [k, v === "" ? null : v])));
  } catch (e) {
    throw new ParseError("PACKAGE_BAD_ASSET", `${name}: ${(e as Error).message}`, { path: name });
  }
}

function jsonRows(text: string, name: string): AssetRow[] {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new ParseError("PACKAGE_BAD_ASSET", `${name}: ${(e as Error).message}`, { path: name });
  }
  if (!Array.isArray(json)) throw new ParseError("PACKAGE_BAD_ASSET", `${name}: a .json asset is an array of rows`, { path: name, value: typeof json });
  return json.map((row, i) => objectRow(row, `${name}[${i}]`));
}

function ndjsonRows(text: string, name: string): AssetRow[] {
  const rows: AssetRow[] = [];
  text.split("\n").forEach((line, i) => {
    if (line.trim() === "") return;
    let json: unknown;
    try {
      json = JSON.parse(line);
    } catch (e) {
      throw new ParseError("PACKAGE_BAD_ASSET", `${name} line ${i + 1}: ${(e as Error).message}`, { path: `${name}:${i + 1}`, value: line.slice(0, 80) });
    }
    rows.push(objectRow(json, `${name}:${i + 1}`));
  });
  return rows;
}

function objectRow(json: unknown, where: string): AssetRow {
  if (json === null || typeof json !== "object" || Array.isArray(json)) {
    throw new ParseError("PACKAGE_BAD_ASSET", `${where}: a row is a JSON object`, { path: where, value: json });
  }
  return json as AssetRow;
}
