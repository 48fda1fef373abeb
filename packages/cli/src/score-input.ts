import { statSync } from "node:fs";
import { rowsFromBatch, type Batch, type FieldInfo } from "@porta/backend";
import type { Model } from "@porta/runtime";
import { RowFailure } from "./errors.ts";
import { isArrowFormat, type DataFormat } from "./formats.ts";
import { cellText, readInput, RowWriter, type InputItem, type ReadOptions, type ResultWriter, type Row } from "./io.ts";
import { NO_PROGRESS, progressBar, progressWanted, type Progress } from "./progress.ts";
import { scoreColumnStream, type ColumnWriter } from "./score-columns.ts";
import { scoreStream, type ScoreStreamOptions, type ScoreStreamSummary } from "./score.ts";

export interface ScoreInputOptions {
  input: string;
  inputFormat: DataFormat;
  /** The output file; stdout when undefined. */
  output?: string;
  outputFormat: DataFormat;
  /** Score Arrow batches as columns (PMML, no group field); else rows go through scoreStream. */
  columnar: boolean;
  /** No progress bar, even on a terminal. */
  quiet: boolean;
  /** How text input is read (ignored for Arrow input). */
  read: ReadOptions;
  /** JSON writer for structured results (PFA: lossless longs); JSON.stringify otherwise. */
  stringify?: (v: unknown) => string;
  stream: ScoreStreamOptions;
}

type Writer = ResultWriter & ColumnWriter;

/**
 * `porta score`'s run from the input file to the output: picks the reader (text rows or Arrow
 * batches), the writer (text or Arrow) and the scoring loop (rows or columns), with a progress
 * bar on a terminal's stderr. Returns the summary; a row failure under `--on-error fail` throws.
 */
export async function scoreInput(model: Model, o: ScoreInputOptions): Promise<ScoreStreamSummary> {
  const outputs = model.outputFields.map((f) => f.name);
  const columns = model.groupField === undefined ? outputs : [model.groupField, ...outputs.filter((c) => c !== model.groupField)];
  const progress = progressWanted(process.stderr, o.quiet) ? await progressBar(statSync(o.input).size, process.stderr) : NO_PROGRESS;
  const writer = await openWriter(o.outputFormat, fieldsOf(model, columns), o.output, o.stringify);
  const counted = counting(writer, progress);
  try {
    const summary = o.columnar
      ? await scoreColumnStream(model, await arrowBatches(o.input, model, progress), counted, { skip: o.stream.skip, inputName: o.input })
      : await scoreStream(
          model,
          isArrowFormat(o.inputFormat)
            ? arrowItems(await arrowBatches(o.input, model, progress))
            : readInput(o.input, o.inputFormat, { ...o.read, onRead: progress.read }),
          counted,
          o.stream,
        );
    progress.stop();
    await writer.end();
    return summary;
  } catch (e) {
    progress.stop();
    // The rows before a failing row are written; an Arrow file is only readable with its footer.
    if (e instanceof RowFailure && isArrowFormat(o.outputFormat)) await writer.end();
    throw e;
  }
}

/** The output columns with their data types (the group field is an input). */
function fieldsOf(model: Model, columns: readonly string[]): FieldInfo[] {
  const byName = new Map([...model.inputFields, ...model.outputFields].map((f) => [f.name, f]));
  return columns.map((name) => byName.get(name) ?? { name, dataType: "string" });
}

async function openWriter(
  format: DataFormat,
  fields: readonly FieldInfo[],
  path: string | undefined,
  stringify: ((v: unknown) => string) | undefined,
): Promise<Writer> {
  if (isArrowFormat(format)) {
    const { ArrowWriter } = await import("./arrow.ts");
    return new ArrowWriter(format, fields, (v) => cellText(v, stringify), path);
  }
  return new RowWriter(
    format,
    fields.map((f) => f.name),
    path,
    stringify,
  );
}

/** Tells the progress bar how many records each write carried. */
function counting(writer: Writer, progress: Progress): Writer {
  return {
    write: async (rows: readonly Row[]) => {
      await writer.write(rows);
      progress.scored(rows.length);
    },
    writeColumns: async (batch: Batch) => {
      await writer.writeColumns(batch);
      progress.scored(batch.length);
    },
    end: () => writer.end(),
  };
}

/** The model's input columns of an Arrow input (apache-arrow is loaded only for Arrow). */
async function arrowBatches(path: string, model: Model, progress: Progress): Promise<AsyncGenerator<Batch>> {
  const { readArrow } = await import("./arrow.ts");
  const fields = new Set(model.inputFields.map((f) => f.name));
  if (model.groupField !== undefined) fields.add(model.groupField);
  return readArrow(path, { fields, onRead: progress.read });
}

/** Arrow batches as input rows, numbered from 1 (PFA engines and transactional models score rows). */
async function* arrowItems(batches: AsyncIterable<Batch>): AsyncGenerator<InputItem[]> {
  let line = 0;
  for await (const batch of batches) yield rowsFromBatch(batch).map((row) => ({ line: ++line, row }));
}
