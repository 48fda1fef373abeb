/**
 * One row through an engine's action as a session's result, for every method (PFA §2.3): a map
 * engine's output, a fold engine's new tally (both a record's fields, or `{ output: value }`),
 * and an emit engine's `{ emitted: [...] }`, the values its action emitted for that row in order
 * (Titus's emit callback, collected per input). Shared by the PFA engine's session and compile-js's.
 */
import {
  rowsFromBatch,
  scoreRowsEach,
  scoredBatchFromResults,
  type Batch,
  type FieldInfo,
  type ModelFacts,
  type RowsOutcome,
  type ScoredBatch,
  type ScoreResult,
  type Session,
} from "@porta/backend";
import type { AvroType } from "@porta/ir/avro";
import { fieldsOf } from "./type-fields.ts";

/** The one result field of an emit engine's session. */
export const EMITTED_FIELD = "emitted";

/** What `actionResult` runs: the PFA engine, or a compiled program's instance. */
export interface ActionRunner {
  readonly method: "map" | "emit" | "fold";
  readonly outputType: AvroType;
  action(input: unknown): unknown;
  onEmit(callback: (value: unknown) => void): void;
}

/** A session's result fields: the output's (map), the tally's (fold), or `emitted`, an array of outputs (emit). */
export function resultFieldsOf(method: ActionRunner["method"], outputType: AvroType): FieldInfo[] {
  return method === "emit" ? fieldsOf({ kind: "array", items: outputType }, EMITTED_FIELD) : fieldsOf(outputType, "output");
}

const DISCARD = (): void => undefined;

/** Runs the action on a decoded input; `encode` writes an output value as Avro JSON. */
export function actionResult(engine: ActionRunner, input: unknown, encode: (value: unknown) => unknown): ScoreResult {
  if (engine.method === "emit") {
    const emitted: unknown[] = [];
    engine.onEmit((v) => emitted.push(encode(v)));
    try {
      engine.action(input);
    } finally {
      engine.onEmit(DISCARD);
    }
    return { [EMITTED_FIELD]: emitted };
  }
  const out = encode(engine.action(input));
  return engine.outputType.kind === "record" ? (out as ScoreResult) : { output: out };
}

/** A session that scores row by row (the PFA engine's, a compiled program's): a batch goes through its rows. */
export abstract class RowByRowSession implements Session {
  abstract readonly backend: string;
  abstract readonly facts: ModelFacts;
  abstract scoreRow(row: Readonly<Record<string, unknown>>): ScoreResult;

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
}
