/**
 * A program compiled by compile-js as a session, row for row as the PFA engine's session
 * (pfa/src/backend.ts PfaSession): begin runs when the session is made; a row is the input
 * record (or `{ input: value }` for another input type) in Avro JSON, decoded under the engine's
 * limits; the result is the output record's fields, or `{ output: value }`, in Avro JSON. Only a
 * map engine scores rows (emit and fold engines refuse each row with PFA_METHOD, as there).
 */
import {
  rowsFromBatch,
  scoreRowsEach,
  scoredBatchFromResults,
  type Batch,
  type ModelFacts,
  type RowsOutcome,
  type ScoredBatch,
  type ScoreResult,
  type Session,
  type SessionArtifact,
} from "@porta/backend";
import { EvaluationError } from "@porta/ir/errors";
import { decodeRow, encodeRow } from "@porta/pfa/runtime";
import { programArtifact } from "./artifact.ts";
import type { ProgramInstance } from "./instance.ts";

export class ProgramSession implements Session {
  readonly backend = "js";

  constructor(
    readonly program: ProgramInstance,
    readonly facts: ModelFacts,
  ) {
    program.begin();
  }

  scoreRow(row: Readonly<Record<string, unknown>>): ScoreResult {
    const { model } = this.program;
    if (model.method !== "map") {
      throw new EvaluationError("PFA_METHOD", `score() needs a map engine; this one is "${model.method}"`, { value: model.method });
    }
    const input = model.inputType.kind === "record" ? row : (row as { input?: unknown }).input;
    const out = encodeRow(model.outputType, this.program.action(decodeRow(model.inputType, input, this.program.limits)));
    return model.outputType.kind === "record" ? (out as ScoreResult) : { output: out };
  }

  scoreRows(rows: readonly Readonly<Record<string, unknown>>[]): RowsOutcome {
    return scoreRowsEach(rows, (row) => this.scoreRow(row));
  }

  runSync(batch: Batch): ScoredBatch {
    const { results, errors } = this.scoreRows(rowsFromBatch(batch));
    return scoredBatchFromResults(
      this.facts.outputFields.map((f) => f.name),
      results,
      errors,
    );
  }

  async run(batch: Batch): Promise<ScoredBatch> {
    return this.runSync(batch);
  }

  /** The generated module and what loading it needs, for the artifact cache (restore.ts). */
  artifact(): SessionArtifact | undefined {
    const { model, generated, options } = this.program;
    return programArtifact(model, generated, options);
  }
}
