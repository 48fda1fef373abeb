import { extname } from "node:path";

/** Formats read and written as text, row by row. */
export type TextFormat = "csv" | "json" | "ndjson";

/**
 * Every input and output format of `porta score`. `arrow` is the Arrow IPC file format (a footer,
 * random access), `arrows` the IPC stream format; both are read and written as columns.
 */
export type DataFormat = TextFormat | "arrow" | "arrows";

export const DATA_FORMATS: readonly DataFormat[] = ["csv", "json", "ndjson", "arrow", "arrows"];

/** The format a file's extension names; anything unrecognised is CSV, as it always was. */
export function formatOfPath(path: string): DataFormat {
  switch (extname(path).toLowerCase()) {
    case ".json":
      return "json";
    case ".ndjson":
    case ".jsonl":
      return "ndjson";
    case ".arrow":
    case ".feather":
    case ".ipc":
      return "arrow";
    case ".arrows":
      return "arrows";
    default:
      return "csv";
  }
}

export function isDataFormat(name: string): name is DataFormat {
  return (DATA_FORMATS as readonly string[]).includes(name);
}

export function isArrowFormat(format: DataFormat): format is "arrow" | "arrows" {
  return format === "arrow" || format === "arrows";
}

/**
 * The output format: an explicit `--format` wins, then the `-o` file's extension, then the
 * input's format (Arrow in, Arrow out: columns stay columns).
 */
export function outputFormat(named: DataFormat | undefined, outputPath: string | undefined, input: DataFormat): DataFormat {
  return named ?? (outputPath !== undefined ? formatOfPath(outputPath) : input);
}
