/**
 * Apache Arrow IPC in and out of `porta score`: record batches become the columnar `Batch` every
 * backend reads (no row objects), and scored batches become record batches. `arrow` is the IPC
 * file format (read through a file handle, random access), `arrows` the stream format.
 */
import { closeSync, createReadStream, createWriteStream, openSync, readSync, statSync } from "node:fs";
import { open, type FileHandle } from "node:fs/promises";
import { once } from "node:events";
import type { Writable } from "node:stream";
import {
  AsyncRecordBatchFileReader,
  type AsyncRecordBatchStreamReader,
  Bool,
  Field,
  Float,
  Float64,
  makeData,
  Precision,
  RecordBatch,
  RecordBatchFileWriter,
  RecordBatchReader,
  RecordBatchStreamWriter,
  Schema,
  Struct,
  Type,
  Utf8,
  vectorFromArray,
  type Data,
  type DataType,
  type Vector,
} from "apache-arrow";
import { categoryColumn, isMissingAt, MISSING, numberColumn, valueAt, type Batch, type Column, type FieldInfo } from "@porta/backend";
import { ParseError } from "@porta/ir/errors";
import type { ResultWriter, Row } from "./io.ts";

type AsyncRecordBatchReader = AsyncRecordBatchFileReader | AsyncRecordBatchStreamReader;

/** "ARROW1": the first bytes of the IPC file format (the stream format starts with a message). */
const FILE_MAGIC = "ARROW1";

export interface ArrowReadOptions {
  /** Columns to convert (the model's inputs); others are passed over, whatever their type. */
  fields: ReadonlySet<string>;
  /** Told the bytes read so far (an estimate for the file format), for the progress bar. */
  onRead?: (bytes: number) => void;
}

/**
 * Reads an Arrow IPC file or stream as batches, one per record batch. Whatever the reader cannot
 * make sense of (a truncated or foreign file) is `INPUT_ARROW_MALFORMED` naming the file; a column
 * the model needs in a type Porta does not score is `ARROW_UNSUPPORTED_TYPE`.
 */
export async function* readArrow(path: string, options: ArrowReadOptions): AsyncGenerator<Batch> {
  const stat = statSync(path);
  const size = stat.size;
  let handle: FileHandle | undefined;
  try {
    // Only a regular file can be peeked at and read at random; a pipe (/dev/stdin) is a stream.
    const stream = stat.isFile() && isFileFormat(path) ? undefined : createReadStream(path);
    if (!stream) handle = await open(path);
    const reader: AsyncRecordBatchReader = await guard(path, async () => (stream ? RecordBatchReader.from(stream) : RecordBatchReader.from(handle!)));
    const iterator = reader[Symbol.asyncIterator]();
    let batches = 0;
    // The reader forgets its schema once done: note it while reading.
    let schema = reader.schema !== undefined;
    for (;;) {
      const step = await guard(path, () => iterator.next());
      schema ||= reader.schema !== undefined;
      if (step.done) break;
      batches++;
      // The file reader knows its batch count; the stream reader counts bytes.
      const total = reader instanceof AsyncRecordBatchFileReader ? reader.numRecordBatches : 0;
      options.onRead?.(stream ? stream.bytesRead : total > 0 ? Math.round((size * batches) / total) : size);
      yield batchOfRecordBatch(step.value, path, options.fields);
    }
    if (!schema) throw malformed(path, "no Arrow schema (an empty file?)");
  } finally {
    await handle?.close();
  }
}

function isFileFormat(path: string): boolean {
  const fd = openSync(path, "r");
  try {
    const head = Buffer.alloc(FILE_MAGIC.length);
    return readSync(fd, head, 0, head.length, 0) === head.length && head.toString("latin1") === FILE_MAGIC;
  } finally {
    closeSync(fd);
  }
}

/** Runs a reader step; its failures (apache-arrow throws TypeError, RangeError, Error) become one typed error. */
async function guard<T>(path: string, step: () => Promise<T>): Promise<T> {
  try {
    return await step();
  } catch (e) {
    if (isSystemError(e)) throw e;
    throw malformed(path, e instanceof Error ? e.message : String(e));
  }
}

function isSystemError(e: unknown): boolean {
  return e instanceof Error && typeof (e as NodeJS.ErrnoException).syscall === "string";
}

function malformed(path: string, why: string): ParseError {
  return new ParseError("INPUT_ARROW_MALFORMED", `cannot read ${path} as Arrow IPC (file or stream)`, { path, value: why.slice(0, 200) });
}

/** A record batch as a Batch: the wanted columns converted, the rest passed over. */
export function batchOfRecordBatch(rb: RecordBatch, path: string, fields: ReadonlySet<string>): Batch {
  const columns = new Map<string, Column>();
  for (const field of rb.schema.fields) {
    if (!fields.has(field.name) || columns.has(field.name)) continue;
    const vector = rb.getChild(field.name);
    if (vector) columns.set(field.name, columnOfVector(vector, `${path}:${field.name}`));
  }
  return { length: rb.numRows, columns };
}

/**
 * One Arrow column as a Batch column: integers and floats → a number column (nulls in the missing
 * mask), strings → a category column, dictionary-encoded strings → their codes and dictionary
 * as they are, booleans → values, all-null → missing. `where` is `file:column`, for errors.
 */
export function columnOfVector(vector: Vector, where: string): Column {
  const type: DataType = vector.type;
  switch (type.typeId) {
    case Type.Int:
    case Type.Float:
      return numbersOf(vector);
    case Type.Utf8:
    case Type.LargeUtf8:
      return categoryColumn(textsOf(vector));
    case Type.Dictionary:
      return dictionaryColumn(vector, where);
    case Type.Bool:
      return { kind: "value", values: Array.from({ length: vector.length }, (_, i) => vector.get(i) as boolean | null) };
    case Type.Null:
      return numberColumn(new Float64Array(vector.length).fill(NaN));
    default:
      throw new ParseError(
        "ARROW_UNSUPPORTED_TYPE",
        `an Arrow ${String(type)} column; porta reads integer, float, string, dictionary-encoded string, boolean and null columns`,
        { path: where, value: String(type) },
      );
  }
}

function numbersOf(vector: Vector): Column {
  const n = vector.length;
  const values = new Float64Array(n);
  let missing: Uint8Array | undefined;
  let k = 0;
  for (const data of vector.data as Data[]) {
    const raw = data.values as ArrayLike<number | bigint>;
    // Half floats are stored as raw 16-bit patterns: only `get` decodes them.
    const direct = !(data.type instanceof Float && data.type.precision === Precision.HALF);
    for (let i = 0; i < data.length; i++, k++) {
      if (data.nullCount > 0 && !data.getValid(i)) {
        values[k] = NaN;
        (missing ??= new Uint8Array(n))[k] = 1;
      } else {
        values[k] = Number(direct ? raw[data.offset + i] : vector.get(k));
      }
    }
  }
  return numberColumn(values, missing);
}

function textsOf(vector: Vector): (string | null)[] {
  return Array.from({ length: vector.length }, (_, i) => vector.get(i) as string | null);
}

/** Dictionary codes are taken as they are; a null index or a null dictionary entry is missing. */
function dictionaryColumn(vector: Vector, where: string): Column {
  const valueType = (vector.type as { dictionary: DataType }).dictionary;
  if (valueType.typeId !== Type.Utf8 && valueType.typeId !== Type.LargeUtf8) {
    if (valueType.typeId === Type.Int || valueType.typeId === Type.Float)
      return numberColumn(Float64Array.from({ length: vector.length }, (_, i) => (vector.get(i) === null ? NaN : Number(vector.get(i)))));
    throw new ParseError("ARROW_UNSUPPORTED_TYPE", `an Arrow ${String(vector.type)} column; porta reads dictionaries of strings or numbers`, {
      path: where,
      value: String(vector.type),
    });
  }
  const chunks = vector.data as Data[];
  // Chunks with different dictionaries (a table, not one record batch): decode to texts.
  if (chunks.length !== 1) return categoryColumn(textsOf(vector));
  const data = chunks[0];
  const dictionary = [...(data.dictionary as Vector)] as (string | null)[];
  const indices = data.values as ArrayLike<number | bigint>;
  const codes = new Int32Array(data.length);
  for (let i = 0; i < data.length; i++) {
    const code = data.nullCount > 0 && !data.getValid(i) ? MISSING : Number(indices[data.offset + i]);
    codes[i] = code >= 0 && code < dictionary.length && dictionary[code] !== null ? code : MISSING;
  }
  return { kind: "category", codes, dictionary: dictionary.map((t) => t ?? "") };
}

/** The Arrow type a result field is written as: numbers as Float64, booleans as Bool, the rest as text. */
function arrowTypeOf(dataType: string | undefined): DataType {
  switch (dataType) {
    case "double":
    case "float":
    case "integer":
    case "int":
    case "long":
      return new Float64();
    case "boolean":
      return new Bool();
    default:
      return new Utf8();
  }
}

/** How a result cell becomes text in a Utf8 column (the text writers' rule: JSON for structures). */
export type CellText = (value: unknown) => string;

/**
 * Writes results as Arrow IPC (file or stream) to a file or stdout, one record batch per chunk,
 * with one schema for the whole run (from the output fields' data types, so every batch agrees).
 */
export class ArrowWriter implements ResultWriter {
  private readonly schema: Schema;
  private readonly writer: RecordBatchFileWriter | RecordBatchStreamWriter;
  private readonly out: Writable;
  private readonly done: Promise<unknown>;
  private written = false;
  private failure: Error | undefined;

  constructor(
    format: "arrow" | "arrows",
    fields: readonly Pick<FieldInfo, "name" | "dataType">[],
    private readonly text: CellText,
    path?: string,
  ) {
    this.schema = new Schema(fields.map((f) => new Field(f.name, arrowTypeOf(f.dataType), true)));
    this.writer = format === "arrow" ? new RecordBatchFileWriter() : new RecordBatchStreamWriter();
    this.out = path ? createWriteStream(path) : process.stdout;
    this.out.on("error", (e: Error) => {
      this.failure = e;
    });
    const bytes = this.writer.toNodeStream();
    bytes.pipe(this.out, { end: path !== undefined });
    this.done = path ? once(this.out, "finish") : once(bytes, "end");
  }

  /** Result rows (the row path: text input, PFA, transactional models). */
  async write(rows: readonly Row[]): Promise<void> {
    await this.send(
      this.schema.fields.map((f) => vectorOf(f.type, rows.length, (i) => rows[i][f.name], this.text).data[0]),
      rows.length,
    );
  }

  /** A scored batch, column by column. */
  async writeColumns(batch: Batch): Promise<void> {
    await this.send(
      this.schema.fields.map((f) => dataOfColumn(f.type, batch.columns.get(f.name), batch.length, this.text)),
      batch.length,
    );
  }

  async end(): Promise<void> {
    if (!this.written)
      await this.send(
        this.schema.fields.map((f) => vectorOf(f.type, 0, () => null, this.text).data[0]),
        0,
      );
    this.writer.finish();
    await this.done;
    if (this.failure) throw this.failure;
  }

  private async send(children: Data[], length: number): Promise<void> {
    if (this.failure) throw this.failure;
    this.written = true;
    this.writer.write(new RecordBatch(this.schema, makeData({ type: new Struct(this.schema.fields), length, nullCount: 0, children })));
    // Wait for a slow consumer: the pipe pauses the writer, whose queue would otherwise grow.
    if (this.out.writableNeedDrain) await once(this.out, "drain");
  }
}

/** A number column goes across as its Float64Array with a validity bitmap; anything else value by value. */
function dataOfColumn(type: DataType, column: Column | undefined, n: number, text: CellText): Data {
  if (type.typeId === Type.Float && column?.kind === "number") {
    let nulls = 0;
    const bitmap = new Uint8Array((n + 7) >> 3);
    for (let i = 0; i < n; i++) {
      if (isMissingAt(column, i)) nulls++;
      else bitmap[i >> 3] |= 1 << (i & 7);
    }
    return makeData({ type: new Float64(), length: n, nullCount: nulls, data: column.values, nullBitmap: nulls > 0 ? bitmap : undefined });
  }
  return vectorOf(type, n, (i) => valueAt(column, i), text).data[0];
}

function vectorOf(type: DataType, n: number, value: (i: number) => unknown, text: CellText): Vector {
  switch (type.typeId) {
    case Type.Float:
      return vectorFromArray(
        Array.from({ length: n }, (_, i) => numberOrNull(value(i))),
        new Float64(),
      );
    case Type.Bool:
      return vectorFromArray(
        Array.from({ length: n }, (_, i) => booleanOrNull(value(i))),
        new Bool(),
      );
    default:
      return vectorFromArray(
        Array.from({ length: n }, (_, i) => {
          const v = value(i);
          return v === null || v === undefined ? null : text(v);
        }),
        new Utf8(),
      );
  }
}

function numberOrNull(v: unknown): number | null {
  if (typeof v === "number") return v;
  if (typeof v === "bigint") return Number(v);
  if (typeof v === "string" && v.trim() !== "" && !Number.isNaN(Number(v))) return Number(v);
  return null;
}

function booleanOrNull(v: unknown): boolean | null {
  if (typeof v === "boolean") return v;
  if (v === "true" || v === "false") return v === "true";
  return null;
}
