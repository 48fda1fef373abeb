// The session of a compiled pipeline, shared by the compiler (./backend.ts) and the restore path
// (./restore.ts), which must not load the compiler.
import {
  categoryColumn,
  numberColumn,
  type Batch,
  type Column,
  type ModelFacts,
  type RowsOutcome,
  type ScoredBatch,
  type Session,
  type SessionArtifact,
} from "@porta/backend";
import { EvaluationError } from "@porta/ir/errors";
import type { Value } from "@porta/ir/values";
import type { CompiledPipeline } from "./compile.ts";
import { encodeBatch } from "./columns.ts";
import { CompiledScorer, type ScorerOptions } from "./scorer.ts";
import { serializeCompiled } from "./serialize.ts";

/** A pipeline compiled to a generated kernel: rows and batches scored synchronously. */
export class CompiledSession implements Session {
  readonly backend = "js";
  readonly scorer: CompiledScorer;

  constructor(
    readonly compiled: CompiledPipeline,
    readonly facts: ModelFacts,
    options: ScorerOptions = {},
  ) {
    this.scorer = new CompiledScorer(compiled, options);
  }

  scoreRows(rows: readonly Readonly<Record<string, unknown>>[]): RowsOutcome {
    return this.scorer.scoreRows(rows);
  }

  runSync(batch: Batch): ScoredBatch {
    const n = batch.length;
    const errors: (EvaluationError | undefined)[] = new Array(n);
    const texts: (string[] | undefined)[] = new Array(this.compiled.inputs.length);
    const inputs = encodeBatch(this.compiled.inputs, batch, errors, texts);
    const { outputs, rowErrors } = this.scorer.runWithErrors(n, inputs, texts);
    for (let i = 0; i < n; i++) if (rowErrors[i] !== 0 && !errors[i]) errors[i] = this.scorer.rowError(rowErrors[i], i);
    const columns = new Map<string, Column>();
    this.compiled.outputs.forEach((o, k) => {
      if (o.hidden) return;
      const present = o.presence === undefined ? undefined : outputs[o.presence];
      const cells = outputs[k];
      const absent = (i: number): boolean => errors[i] !== undefined || (present !== undefined && present[i] === 0);
      if (o.decode.kind === "number" && (o.dataType === undefined || o.dataType === "double" || o.dataType === "float")) {
        const values = new Float64Array(n);
        for (let i = 0; i < n; i++) values[i] = absent(i) ? NaN : cells[i];
        columns.set(o.name, numberColumn(values));
        return;
      }
      if (o.decode.kind === "table" && (o.dataType === undefined || o.dataType === "string") && o.decode.table.every((v) => typeof v === "string")) {
        columns.set(o.name, textTableColumn(o.decode.table as string[], cells, absent));
        return;
      }
      // Texts, tables and casts: decode cell by cell through the row API's decoder (a cast that
      // fails fails the row, as in the row API).
      const texts: (string | null)[] = new Array(n);
      const values: Value[] = new Array(n);
      let allText = true;
      for (let i = 0; i < n; i++) {
        let v: Value = null;
        if (!absent(i)) {
          try {
            v = this.scorer.decodeCell(o, cells[i]);
          } catch (e) {
            if (!(e instanceof EvaluationError)) throw e;
            errors[i] = e;
          }
        }
        values[i] = v;
        if (v !== null && typeof v !== "string") allText = false;
        texts[i] = v as string | null;
      }
      columns.set(o.name, allText ? categoryColumn(texts) : { kind: "value", values });
    });
    return { length: n, columns, errors };
  }

  async run(batch: Batch): Promise<ScoredBatch> {
    return this.runSync(batch);
  }

  artifact(): SessionArtifact | undefined {
    return serializeCompiled(this.compiled);
  }

  /** Stops the scorer's worker threads, if large batches started them. */
  async dispose(): Promise<void> {
    await this.scorer.close();
  }
}

/**
 * A category output whose table holds texts as a category column straight from the codes: what
 * categoryColumn makes of the decoded texts (the dictionary in order of first appearance, one
 * entry per text), without a text per row. A string cast leaves a text as it is.
 */
function textTableColumn(table: readonly string[], cells: Float64Array | Int32Array, absent: (i: number) => boolean): Column {
  const n = cells.length;
  const codes = new Int32Array(n);
  const dictionary: string[] = [];
  const entryOf = new Map<string, number>();
  const remap = new Int32Array(table.length).fill(-1);
  for (let i = 0; i < n; i++) {
    const cell = cells[i];
    if (cell < 0 || cell >= table.length || absent(i)) {
      codes[i] = -1;
      continue;
    }
    let code = remap[cell];
    if (code < 0) {
      const text = table[cell];
      code = entryOf.get(text) ?? dictionary.length;
      if (code === dictionary.length) {
        dictionary.push(text);
        entryOf.set(text, code);
      }
      remap[cell] = code;
    }
    codes[i] = code;
  }
  return { kind: "category", codes, dictionary };
}
