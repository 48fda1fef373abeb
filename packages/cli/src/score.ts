import { ParseError, isPortaError } from "@porta/ir/errors";
import type { Limits } from "@porta/ir/limits";
import { TransactionGrouper, type Model, type RowError } from "@porta/runtime/load";
import { exitCodeOfKind, RowFailure } from "./errors.ts";
import { emptyRow, type InputItem, type ResultWriter, type Row } from "./io.ts";

/** Rows scored per scoreBatch call: big enough for the compiled kernel's columnar loops, small enough to bound memory. */
export const CHUNK_ROWS = 4096;

export interface ScoreStreamOptions {
  /** true: a failing row is reported on stderr and written as an empty result; false: the first one ends the run. */
  skip: boolean;
  limits: Pick<Limits, "rowDepth" | "groupRows">;
  /** The input file, for error locations (`rows.csv:12`). */
  inputName: string;
  /** Turns a read row into what the model takes (PFA: CSV text typed by the input record). */
  prepare?: (row: Row) => Row;
  /** Turns a result into the written row (PFA: a non-record output written as itself). */
  present?: (result: Row) => Row;
  chunkRows?: number;
}

export interface ScoreStreamSummary {
  /** Records scored (groups, for a transactional model) and how many of them failed. */
  records: number;
  failed: number;
  /** The exit code of the first failure (0 when none). */
  exitCode: number;
}

interface Slot {
  line: number;
  row?: Row;
  /** `located`: the message names the input line already (an input error); else it is prefixed with it. */
  error?: { kind: string; message: string; located?: boolean };
}

/**
 * Scores a stream of input rows chunk by chunk and writes each chunk's results before reading
 * on, so memory holds one chunk whatever the input size. A transactional model (one with a
 * group field) gets one record per group of consecutive rows, written with its group value.
 */
export async function scoreStream(
  model: Model,
  input: AsyncIterable<readonly InputItem[]>,
  writer: ResultWriter,
  options: ScoreStreamOptions,
): Promise<ScoreStreamSummary> {
  const chunkRows = options.chunkRows ?? CHUNK_ROWS;
  const summary: ScoreStreamSummary = { records: 0, failed: 0, exitCode: 0 };
  const records = model.groupField === undefined ? input : groupItems(input, model.groupField, options);
  let chunk: Slot[] = [];
  const flush = async (): Promise<void> => {
    await scoreChunk(model, chunk, writer, options, summary);
    chunk = [];
  };
  for await (const batch of records) {
    for (const item of batch) {
      chunk.push(
        item.error
          ? { line: item.line, error: { kind: item.error.kind, message: item.error.toOneLine(), located: true } }
          : { line: item.line, row: options.prepare ? options.prepare(item.row) : item.row },
      );
      if (chunk.length >= chunkRows) await flush();
    }
  }
  await flush();
  return summary;
}

async function scoreChunk(model: Model, chunk: readonly Slot[], writer: ResultWriter, options: ScoreStreamOptions, summary: ScoreStreamSummary): Promise<void> {
  if (chunk.length === 0) return;
  const rows: Row[] = [];
  const slotOfRow: number[] = [];
  chunk.forEach((slot, i) => {
    if (slot.row) {
      rows.push(slot.row);
      slotOfRow.push(i);
    }
  });
  const { results, errors } = await model.scoreBatchAsync(rows, { onError: "collect", rowDepth: options.limits.rowDepth });
  const failures = new Map<number, RowError>();
  for (const e of errors) failures.set(slotOfRow[e.row], e);
  const resultOfSlot = new Map<number, Row | null>();
  slotOfRow.forEach((slot, i) => resultOfSlot.set(slot, results[i] ?? null));
  const out: Row[] = [];
  const group = model.groupField;
  for (let i = 0; i < chunk.length; i++) {
    const slot = chunk[i];
    summary.records++;
    const failure = slot.error ?? failures.get(i);
    if (failure) {
      const text = slot.error?.located ? failure.message : `${options.inputName}:${slot.line}: ${failure.message}`;
      if (!options.skip) {
        await writer.write(out);
        throw new RowFailure(failure.kind, text);
      }
      summary.failed++;
      if (summary.exitCode === 0) summary.exitCode = exitCodeOfKind(failure.kind);
      process.stderr.write(`porta: ${text}\n`);
      out.push(group === undefined ? {} : keyedBy(group, slot.row, {}));
      continue;
    }
    const result = resultOfSlot.get(i) ?? {};
    const written = options.present ? options.present(result) : result;
    out.push(group === undefined ? written : keyedBy(group, slot.row, written));
  }
  await writer.write(out);
}

/** A grouped record's result, its group value first: output rows no longer line up with input rows. */
function keyedBy(group: string, record: Row | undefined, result: Row): Row {
  const keyed = emptyRow();
  keyed[group] = record?.[group] ?? null;
  return Object.assign(keyed, result);
}

/**
 * Input items → one item per transaction (see TransactionGrouper), numbered by the line of the
 * group's first row. A row that cannot be read is passed on as its error; an oversized group
 * becomes one GROUP_TOO_LARGE item and the rest of its rows are dropped as they arrive.
 */
async function* groupItems(input: AsyncIterable<readonly InputItem[]>, groupField: string, options: ScoreStreamOptions): AsyncGenerator<InputItem[]> {
  const grouper = new TransactionGrouper(groupField, { maxRows: options.limits.groupRows });
  let groupLine = 0;
  let dropping: { key: unknown } | undefined;
  for await (const batch of input) {
    const out: InputItem[] = [];
    for (const item of batch) {
      if (item.error) {
        out.push(item);
        continue;
      }
      const key = item.row[groupField] ?? null;
      if (dropping) {
        if (key === dropping.key) continue;
        dropping = undefined;
      }
      const startsGroup = grouper.currentKey === undefined || key !== grouper.currentKey;
      try {
        const done = grouper.push(item.row);
        if (done) out.push({ line: groupLine, row: done });
      } catch (e) {
        if (!isPortaError(e)) throw e;
        grouper.discard();
        dropping = { key };
        out.push({ line: groupLine, error: new ParseError(e.code, e.message, { path: `${options.inputName}:${groupLine}`, value: e.value }) });
        continue;
      }
      if (startsGroup) groupLine = item.line;
    }
    yield out;
  }
  const last = grouper.flush();
  if (last) yield [{ line: groupLine, row: last }];
}
