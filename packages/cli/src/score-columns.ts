import { rowErrorOf, type Batch, type Column, type ScoredBatch } from "@porta/backend";
import type { Model } from "@porta/runtime";
import { exitCodeOfKind, RowFailure } from "./errors.ts";
import type { ScoreStreamSummary } from "./score.ts";

/** Where scored batches go, column by column (ArrowWriter; RowWriter turns them into rows for text). */
export interface ColumnWriter {
  writeColumns(batch: Batch): Promise<void>;
}

export interface ScoreColumnsOptions {
  /** true: a failing row is reported on stderr and written as missing results; false: the first one ends the run. */
  skip: boolean;
  /** The input file, for error locations (`rows.arrow:12`, the 1-based row). */
  inputName: string;
}

/**
 * Scores columnar batches (Arrow record batches) through `scoreColumnsAsync` and writes each
 * scored batch before reading on: no row objects on the way, memory bounded by one batch.
 */
export async function scoreColumnStream(
  model: Model,
  batches: AsyncIterable<Batch>,
  writer: ColumnWriter,
  options: ScoreColumnsOptions,
): Promise<ScoreStreamSummary> {
  const summary: ScoreStreamSummary = { records: 0, failed: 0, exitCode: 0 };
  for await (const batch of batches) {
    const scored = await model.scoreColumnsAsync(batch);
    for (let i = 0; i < scored.length; i++) {
      const error = scored.errors[i];
      if (error === undefined) continue;
      const failure = rowErrorOf(i, error);
      const text = `${options.inputName}:${summary.records + i + 1}: ${failure.message}`;
      if (!options.skip) {
        await writer.writeColumns(headOf(scored, i));
        throw new RowFailure(failure.kind, text);
      }
      summary.failed++;
      if (summary.exitCode === 0) summary.exitCode = exitCodeOfKind(failure.kind);
      process.stderr.write(`porta: ${text}\n`);
    }
    summary.records += scored.length;
    await writer.writeColumns(scored);
  }
  return summary;
}

/** The first `n` rows of a scored batch (the rows before a failure, written before the run ends). */
export function headOf(batch: ScoredBatch, n: number): ScoredBatch {
  const columns = new Map<string, Column>();
  for (const [name, column] of batch.columns) columns.set(name, columnHead(column, n));
  return { length: n, columns, errors: batch.errors.slice(0, n) };
}

function columnHead(column: Column, n: number): Column {
  switch (column.kind) {
    case "number":
      return column.missing
        ? { kind: "number", values: column.values.subarray(0, n), missing: column.missing.subarray(0, n) }
        : { kind: "number", values: column.values.subarray(0, n) };
    case "category":
      return { kind: "category", codes: column.codes.subarray(0, n), dictionary: column.dictionary };
    case "value":
      return { kind: "value", values: column.values.slice(0, n) };
  }
}
