/**
 * A program compiled by compile-js as a session, row for row as the PFA engine's session
 * (pfa/src/backend.ts PfaSession): begin runs when the session is made; a row is the input
 * record (or `{ input: value }` for another input type) in Avro JSON, decoded under the engine's
 * limits; the result is the output record's fields, or `{ output: value }`, in Avro JSON: a map
 * engine's output, a fold engine's tally after the row, an emit engine's `{ emitted: [...] }`.
 */
import type { ModelFacts, ScoreResult, SessionArtifact } from "@porta/backend";
import { actionResult, decodeRow, encodeRow, RowByRowSession } from "@porta/pfa/runtime";
import { programArtifact } from "./artifact.ts";
import type { ProgramInstance } from "./instance.ts";

export class ProgramSession extends RowByRowSession {
  readonly backend = "js";
  /** The output encoder, made once (not per row). */
  private readonly encode: (value: unknown) => unknown;

  constructor(
    readonly program: ProgramInstance,
    readonly facts: ModelFacts,
  ) {
    super();
    this.encode = (v) => encodeRow(program.model.outputType, v);
    program.begin();
  }

  scoreRow(row: Readonly<Record<string, unknown>>): ScoreResult {
    const { program } = this;
    const { model } = program;
    const input = model.inputType.kind === "record" ? row : (row as { input?: unknown }).input;
    return actionResult(program, decodeRow(model.inputType, input, program.limits), this.encode);
  }

  /** The generated module and what loading it needs, for the artifact cache (restore.ts). */
  artifact(): SessionArtifact | undefined {
    const { model, generated, options } = this.program;
    return programArtifact(model, generated, options);
  }
}
