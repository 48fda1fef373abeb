import { createReadStream, createWriteStream } from "node:fs";
import { once } from "node:events";
import type { Writable } from "node:stream";
import { DEFAULT_LIMITS } from "@porta/ir/limits";
import { ParseError, type PortaError } from "@porta/ir/errors";
import { formatValue, type Value } from "@porta/ir/values";

import { valueAt, type Batch } from "@porta/backend";
import type { TextFormat } from "./formats.ts";

export type Row = Record<string, unknown>;

/** Where `porta score` writes result rows: text (RowWriter) or Arrow (arrow.ts). */
export interface ResultWriter {
  write(rows: readonly Row[]): Promise<void>;
  /** Flushes and closes; rejects with the destination's error, if any. */
  end(): Promise<void>;
}

/** One input row, or the typed reason the row at that line could not be read. */
export type InputItem = { line: number; row: Row; error?: undefined } | { line: number; row?: undefined; error: PortaError };

export interface ReadOptions {
  /**
   * PFA engines whose input is not a record get each JSON value as `{ input: value }`:
   * "nonObjects" wraps only non-objects, "all" every value (a map-typed input is an object).
   */
  wrap?: "none" | "nonObjects" | "all";
  /** JSON parser; PFA passes a lossless one so longs beyond 2^53 stay exact. */
  parseJson?: (text: string) => unknown;
  /** Deepest nesting of a value inside a row (Limits.rowDepth); deeper rows are `ROW_TOO_DEEP`. */
  rowDepth?: number;
  /** The model's input fields: a CSV header naming none of them is `CSV_NO_HEADER`. */
  expectedFields?: readonly string[];
  /** Told the bytes read so far after each chunk (the progress bar's position). */
  onRead?: (bytes: number) => void;
}

/** Bytes read per chunk: large enough that per-chunk overhead vanishes, small enough to bound memory. */
const READ_CHUNK = 1 << 16;

/**
 * Reads input rows incrementally, in batches of the rows of one read chunk (memory stays bounded
 * by one chunk, whatever the file size; a batch rather than a row per step because awaiting
 * costs more than reading a short row). A row that cannot be read comes as an item with its typed error and line, so the
 * caller decides whether to skip it; a file that cannot be read at all throws.
 * CSV cells are strings; empty cells, NA and N/A are missing.
 */
export function readInput(path: string, format: TextFormat, options: ReadOptions = {}): AsyncGenerator<InputItem[]> {
  switch (format) {
    case "csv":
      return readCsv(path, options);
    case "ndjson":
      return readNdjson(path, options);
    case "json":
      return readJsonArray(path, options);
  }
}

/**
 * The prototype of input rows: an object with no prototype itself, so a row inherits nothing
 * (no `constructor`, no `__proto__` setter: any field name is a plain key) while, unlike
 * Object.create(null), the row stays a fast-properties object for V8.
 */
const ROW_PROTOTYPE: object = Object.freeze(Object.create(null) as object);

/** A row object any field name can be a key of (`__proto__` included). */
export function emptyRow(): Row {
  return Object.create(ROW_PROTOTYPE) as Row;
}

async function* readCsv(path: string, options: ReadOptions): AsyncGenerator<InputItem[]> {
  const splitter = new CsvSplitter();
  let header: string[] | undefined;
  const items = (records: readonly CsvRecord[]): InputItem[] => {
    const out: InputItem[] = [];
    for (const record of records) {
      const { line } = record;
      if (record.error !== undefined) {
        out.push({
          line,
          error: new ParseError("INPUT_CSV_MALFORMED", `cannot read line ${line} as CSV: ${record.error}`, { path: `${path}:${line}`, value: record.cells[0] }),
        });
        continue;
      }
      if (header === undefined) {
        header = checkCsvHeader(record.cells, path, line, options.expectedFields);
        continue;
      }
      if (record.cells.length !== header.length) {
        out.push({
          line,
          error: new ParseError("CSV_COLUMN_COUNT", `CSV row has ${record.cells.length} cells; the header has ${header.length}`, {
            path: `${path}:${line}`,
            value: record.cells.length,
          }),
        });
        continue;
      }
      out.push({ line, row: csvRow(header, record.cells) });
    }
    return out;
  };
  const stream = createReadStream(path, { encoding: "utf8", highWaterMark: READ_CHUNK });
  for await (const chunk of stream as AsyncIterable<string>) {
    options.onRead?.(stream.bytesRead);
    yield items(splitter.push(chunk));
  }
  yield items(splitter.end());
}

function csvRow(header: readonly string[], cells: readonly string[]): Row {
  const row = emptyRow();
  for (let i = 0; i < header.length; i++) {
    const c = cells[i];
    row[header[i]] = c === "" || c === "NA" || c === "N/A" ? null : c;
  }
  return row;
}

/** One CSV record: its cells and the line it starts on; `error` says why it could not be read (cells then hold the raw text). */
export interface CsvRecord {
  cells: string[];
  line: number;
  error?: string;
}

/**
 * RFC 4180 CSV cut into records as chunks arrive (quoted cells with "" escapes and line breaks,
 * CRLF or LF, a leading BOM, empty lines skipped). Hand-written because it reads every byte of
 * the input: a line without quotes is one native split. A quote inside an unquoted cell is a
 * literal character; text after a closing quote, or a quote never closed, fails that record only.
 */
export class CsvSplitter {
  private rest = "";
  private line = 0;
  private started = false;

  push(chunk: string): CsvRecord[] {
    return this.split(this.rest + chunk, false);
  }

  /** The records left when the input ends (a last line without a line break). */
  end(): CsvRecord[] {
    return this.split(this.rest, true);
  }

  private split(input: string, final: boolean): CsvRecord[] {
    let text = input;
    if (!this.started && text.length > 0) {
      this.started = true;
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    }
    const out: CsvRecord[] = [];
    let start = 0;
    // The next quote, found once and kept until passed: searching per line would rescan to the end each time.
    let quote = text.indexOf('"');
    while (start < text.length) {
      const nl = text.indexOf("\n", start);
      if (nl < 0 && !final) break;
      const end = nl < 0 ? text.length : nl;
      if (quote >= 0 && quote < start) quote = text.indexOf('"', start);
      if (quote < 0 || quote >= end) {
        this.line++;
        const body = text.charCodeAt(end - 1) === 0x0d ? text.slice(start, end - 1) : text.slice(start, end);
        if (body !== "") out.push({ cells: body.split(","), line: this.line });
        start = end + 1;
        continue;
      }
      const record = quotedRecord(text, start, final, this.line + 1);
      if (record === undefined) break;
      this.line += record.lines;
      out.push(record.record);
      start = record.next;
    }
    this.rest = text.slice(start);
    return out;
  }
}

/**
 * Reads one record that has quotes, from `start`; undefined when the text ends inside it and
 * more may come. `lines` is how many lines it spans, `next` where the following record starts.
 */
function quotedRecord(text: string, start: number, final: boolean, line: number): { record: CsvRecord; lines: number; next: number } | undefined {
  const cells: string[] = [];
  let lines = 1;
  let i = start;
  for (;;) {
    let cell: string;
    if (text.charCodeAt(i) === QUOTE) {
      cell = "";
      let from = i + 1;
      for (;;) {
        const q = text.indexOf('"', from);
        if (q < 0) {
          if (!final) return undefined;
          return {
            record: { cells: [text.slice(start, start + 80)], line, error: "a quoted cell is not closed" },
            lines: lines + countLines(text, from, text.length),
            next: text.length,
          };
        }
        cell += text.slice(from, q);
        lines += countLines(text, from, q);
        if (text.charCodeAt(q + 1) === QUOTE) {
          cell += '"';
          from = q + 2;
          continue;
        }
        i = q + 1;
        break;
      }
      if (i >= text.length && !final) return undefined;
      const c = text.charCodeAt(i);
      const crlf = c === 0x0d && text.charCodeAt(i + 1) === NEWLINE;
      if (i < text.length && c !== COMMA && c !== NEWLINE && !crlf) {
        const nl = text.indexOf("\n", i);
        if (nl < 0 && !final) return undefined;
        const next = nl < 0 ? text.length : nl + 1;
        return { record: { cells: [text.slice(start, Math.min(next, start + 80)).trimEnd()], line, error: "text after a closing quote" }, lines, next };
      }
      if (crlf) i++;
    } else {
      let j = i;
      while (j < text.length) {
        const c = text.charCodeAt(j);
        if (c === COMMA || c === NEWLINE) break;
        j++;
      }
      if (j >= text.length && !final) return undefined;
      cell = text.charCodeAt(j - 1) === 0x0d && (j >= text.length || text.charCodeAt(j) === NEWLINE) && j > i ? text.slice(i, j - 1) : text.slice(i, j);
      i = j;
    }
    cells.push(cell);
    if (i >= text.length) return { record: { cells, line }, lines, next: text.length };
    if (text.charCodeAt(i) === NEWLINE) return { record: { cells, line }, lines, next: i + 1 };
    i++; // the comma
  }
}

function countLines(text: string, from: number, to: number): number {
  let n = 0;
  for (let k = text.indexOf("\n", from); k >= 0 && k < to; k = text.indexOf("\n", k + 1)) n++;
  return n;
}

/**
 * The header must name distinct columns, and at least one of the model's fields: a file
 * without a header row would otherwise score every row as all-missing and exit 0.
 */
export function checkCsvHeader(header: readonly string[], path: string, line: number, expected?: readonly string[]): string[] {
  const seen = new Set<string>();
  for (const name of header) {
    if (seen.has(name)) throw new ParseError("CSV_DUPLICATE_COLUMN", `CSV header names column "${name}" twice`, { path: `${path}:${line}`, value: name });
    seen.add(name);
  }
  if (expected && expected.length > 0 && !expected.some((f) => seen.has(f))) {
    throw new ParseError("CSV_NO_HEADER", `the first CSV line names none of the model's input fields (${expected.join(", ")}); is the header row missing?`, {
      path: `${path}:${line}`,
      value: header.join(",").slice(0, 200),
    });
  }
  return [...header];
}

async function* readNdjson(path: string, options: ReadOptions): AsyncGenerator<InputItem[]> {
  let rest = "";
  let line = 0;
  const stream = createReadStream(path, { encoding: "utf8", highWaterMark: READ_CHUNK });
  for await (const chunk of stream as AsyncIterable<string>) {
    options.onRead?.(stream.bytesRead);
    const text = rest + chunk;
    const batch: InputItem[] = [];
    let start = 0;
    for (let nl = text.indexOf("\n"); nl >= 0; nl = text.indexOf("\n", start)) {
      line++;
      const item = ndjsonLine(text.slice(start, nl), path, line, options);
      if (item) batch.push(item);
      start = nl + 1;
    }
    rest = text.slice(start);
    yield batch;
  }
  const last = rest === "" ? undefined : ndjsonLine(rest, path, line + 1, options);
  if (last) yield [last];
}

function ndjsonLine(text: string, path: string, line: number, options: ReadOptions): InputItem | undefined {
  const body = text.endsWith("\r") ? text.slice(0, -1) : text;
  if (body.trim() === "") return undefined;
  // Only a line that nests at all is scanned: a flat object has one "{" and no "[".
  const nested = body.indexOf("[") >= 0 || body.indexOf("{", body.indexOf("{") + 1) >= 0;
  if (nested && jsonNestingExceeds(body, (options.rowDepth ?? DEFAULT_LIMITS.rowDepth) + 1)) return tooDeep(path, line, options);
  return jsonItem(body, path, line, options);
}

function tooDeep(path: string, line: number, options: ReadOptions): InputItem {
  const limit = options.rowDepth ?? DEFAULT_LIMITS.rowDepth;
  return {
    line,
    error: new ParseError("ROW_TOO_DEEP", `a value of this row nests deeper than ${limit} levels (limit rowDepth)`, {
      path: `${path}:${line}`,
      value: `> ${limit}`,
    }),
  };
}

function jsonItem(text: string, path: string, line: number, options: ReadOptions): InputItem {
  let value: unknown;
  try {
    value = (options.parseJson ?? JSON.parse)(text);
  } catch (e) {
    // A RangeError is a parser's stack giving out on nesting the scan did not flag (strings hide none).
    const code = e instanceof RangeError ? "ROW_TOO_DEEP" : "INPUT_JSON_MALFORMED";
    return {
      line,
      error: new ParseError(code, `cannot read line ${line} as JSON: ${(e as Error).message}`, { path: `${path}:${line}`, value: text.slice(0, 80) }),
    };
  }
  const wrap = options.wrap ?? "none";
  const isObject = value !== null && typeof value === "object" && !Array.isArray(value);
  if (wrap === "all" || (wrap === "nonObjects" && !isObject)) {
    const row = emptyRow();
    row.input = value;
    return { line, row };
  }
  if (!isObject)
    return {
      line,
      error: new ParseError("INPUT_ROW_NOT_OBJECT", `line ${line} is not a JSON object of field name → value`, {
        path: `${path}:${line}`,
        value: Array.isArray(value) ? "array" : value,
      }),
    };
  return { line, row: value as Row };
}

/** Whether brackets nest deeper than `limit` in JSON text (strings skipped); stops at the first breach. */
export function jsonNestingExceeds(text: string, limit: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === BACKSLASH) i++;
      else if (c === QUOTE) inString = false;
    } else if (c === QUOTE) inString = true;
    else if (c === OPEN_BRACE || c === OPEN_BRACKET) {
      if (++depth > limit) return true;
    } else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) depth--;
  }
  return false;
}

const QUOTE = 0x22,
  BACKSLASH = 0x5c,
  COMMA = 0x2c,
  NEWLINE = 0x0a;
const OPEN_BRACKET = 0x5b,
  CLOSE_BRACKET = 0x5d,
  OPEN_BRACE = 0x7b,
  CLOSE_BRACE = 0x7d;

async function* readJsonArray(path: string, options: ReadOptions): AsyncGenerator<InputItem[]> {
  const splitter = new JsonArraySplitter(path, (options.rowDepth ?? DEFAULT_LIMITS.rowDepth) + 1);
  const stream = createReadStream(path, { encoding: "utf8", highWaterMark: READ_CHUNK });
  for await (const chunk of stream as AsyncIterable<string>) {
    options.onRead?.(stream.bytesRead);
    yield splitter.push(chunk).map((element) => elementItem(element, path, options));
  }
  splitter.end();
}

function elementItem(element: ArrayElement, path: string, options: ReadOptions): InputItem {
  if (element.tooDeep) return tooDeep(path, element.line, options);
  return jsonItem(element.text, path, element.line, options);
}

interface ArrayElement {
  text: string;
  line: number;
  tooDeep: boolean;
}

/**
 * Cuts a JSON array arriving in chunks into the text of its top-level elements, so a file of
 * any size is parsed one row at a time. A hand-written scan (strings, escapes and bracket
 * nesting) because it touches every byte of the input: the hot path of JSON input. An element
 * nested past the limit is not kept (only its line), so it costs no memory either. Brackets
 * that do not pair up make the rest of the array unsplittable: that is a typed error for the file.
 */
export class JsonArraySplitter {
  private depth = 0;
  private started = false;
  private ended = false;
  private inString = false;
  private escaped = false;
  private line = 1;
  private pieces: string[] = [];
  private elementLine = 0;
  private inElement = false;
  private tooDeep = false;
  /** Opening brackets of the element, to check that each closer matches (capped at the depth limit). */
  private readonly open: number[] = [];

  constructor(
    private readonly path: string,
    private readonly limit: number,
  ) {}

  push(chunk: string): ArrayElement[] {
    const out: ArrayElement[] = [];
    let segment = -1; // where the current element's text starts in this chunk
    if (this.inElement && !this.tooDeep) segment = 0;
    for (let i = 0; i < chunk.length; i++) {
      const c = chunk.charCodeAt(i);
      if (this.inString) {
        if (this.escaped) this.escaped = false;
        else if (c === BACKSLASH) this.escaped = true;
        else if (c === QUOTE) this.inString = false;
        continue;
      }
      if (c === NEWLINE) {
        this.line++;
        continue;
      }
      if (c === 0x20 || c === 0x09 || c === 0x0d) continue;
      if (!this.started) {
        if (c !== OPEN_BRACKET || this.ended) this.fail(this.ended ? "text after the closing ]" : "not a JSON array", c);
        this.started = true;
        this.depth = 1;
        continue;
      }
      if (this.depth === 1) {
        if (c === COMMA || c === CLOSE_BRACKET) {
          if (this.inElement) {
            out.push(this.finish(chunk, segment, i));
            segment = -1;
          } else if (c === COMMA) this.fail("an empty element", c);
          if (c === CLOSE_BRACKET) {
            this.depth = 0;
            this.started = false;
            this.ended = true;
          }
          continue;
        }
        if (!this.inElement) {
          this.inElement = true;
          this.tooDeep = false;
          this.elementLine = this.line;
          segment = i;
        }
      }
      if (c === QUOTE) this.inString = true;
      else if (c === OPEN_BRACE || c === OPEN_BRACKET) {
        this.depth++;
        if (this.depth - 1 > this.limit) {
          if (!this.tooDeep) {
            this.tooDeep = true;
            this.pieces = [];
            segment = -1;
          }
        } else this.open.push(c);
      } else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) {
        if (this.depth - 1 <= this.limit) {
          const opener = this.open.pop();
          if (opener !== (c === CLOSE_BRACE ? OPEN_BRACE : OPEN_BRACKET)) this.fail("brackets that do not pair up", c);
        }
        this.depth--;
      }
    }
    if (this.inElement && !this.tooDeep && segment >= 0) this.pieces.push(chunk.slice(segment));
    return out;
  }

  /** Checks that the array was closed. */
  end(): void {
    if (!this.ended) this.fail(this.started ? "the array is not closed" : "no JSON array", undefined);
  }

  private finish(chunk: string, segment: number, at: number): ArrayElement {
    if (!this.tooDeep && segment >= 0) this.pieces.push(chunk.slice(segment, at));
    const element = { text: this.pieces.join(""), line: this.elementLine, tooDeep: this.tooDeep };
    this.pieces = [];
    this.inElement = false;
    return element;
  }

  private fail(what: string, c: number | undefined): never {
    const code = what === "not a JSON array" || what === "no JSON array" ? "INPUT_JSON_NOT_ARRAY" : "INPUT_JSON_MALFORMED";
    throw new ParseError(code, `${this.path} must hold one JSON array of rows: ${what} at line ${this.line}`, {
      path: `${this.path}:${this.line}`,
      value: c === undefined ? undefined : String.fromCharCode(c),
    });
  }
}

/** RFC 4180 quoting: only a cell holding a comma, quote or line break is quoted. */
function csvCell(text: string): string {
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** A result value as the text of a CSV cell or an Arrow string: structures as JSON (`stringify`), missing as "". */
export function cellText(v: unknown, stringify: (v: unknown) => string = (x) => JSON.stringify(x, jsonReplacer)): string {
  if (v === null || v === undefined) return "";
  if (typeof v === "number" || typeof v === "string" || typeof v === "boolean") return formatValue(v as Value);
  return typeof v === "object" ? stringify(v) : String(v);
}

/**
 * Writes result rows incrementally as CSV, JSON (one array) or NDJSON, to a file or (path
 * undefined) to stdout, waiting for the destination to drain so memory stays bounded when
 * the consumer is slower than scoring.
 */
export class RowWriter implements ResultWriter {
  private readonly out: Writable;
  private started = false;
  private count = 0;
  private failure: Error | undefined;

  constructor(
    private readonly format: TextFormat,
    private readonly columns: readonly string[],
    private readonly path?: string,
    private readonly stringify: (v: unknown) => string = (v) => JSON.stringify(v, jsonReplacer),
  ) {
    this.out = path ? createWriteStream(path) : process.stdout;
    this.out.on("error", (e: Error) => {
      this.failure = e;
    });
  }

  async write(rows: readonly Row[]): Promise<void> {
    const text = this.text(rows);
    this.started = true;
    this.count += rows.length;
    if (text !== "") await this.send(text);
  }

  /**
   * A scored batch (Arrow input) as rows of this writer's columns, a missing value left out as
   * the row API leaves it out: text output needs the row objects anyway.
   */
  async writeColumns(batch: Batch): Promise<void> {
    const rows: Row[] = new Array(batch.length);
    for (let i = 0; i < batch.length; i++) {
      const row = emptyRow();
      for (const c of this.columns) {
        const v = valueAt(batch.columns.get(c), i);
        if (v !== null) row[c] = v;
      }
      rows[i] = row;
    }
    await this.write(rows);
  }

  /** Writes the CSV header or closes the JSON array, and for a file waits until every byte is written. */
  async end(): Promise<void> {
    if (!this.started) await this.write([]);
    if (this.format === "json") await this.send("]\n");
    if (this.path) {
      this.out.end();
      await once(this.out, "finish");
    }
    if (this.failure) throw this.failure;
  }

  private text(rows: readonly Row[]): string {
    const opening = !this.started;
    switch (this.format) {
      case "csv": {
        let text = opening ? `${this.columns.map(csvCell).join(",")}\n` : "";
        const n = this.columns.length;
        for (const r of rows) {
          for (let k = 0; k < n; k++) text += (k === 0 ? "" : ",") + csvCell(cellText(r[this.columns[k]]));
          text += "\n";
        }
        return text;
      }
      case "json":
        return (opening ? "[" : "") + (this.count > 0 && rows.length > 0 ? ",\n" : "") + rows.map((r) => this.stringify(r)).join(",\n");
      case "ndjson":
        return rows.map((r) => `${this.stringify(r)}\n`).join("");
    }
  }

  private async send(text: string): Promise<void> {
    if (this.failure) throw this.failure;
    if (!this.out.write(text)) await once(this.out, "drain");
  }
}

export function jsonReplacer(_key: string, value: unknown): unknown {
  if (typeof value === "number" && !Number.isFinite(value)) return String(value);
  if (typeof value === "bigint") return value.toString();
  return value;
}
