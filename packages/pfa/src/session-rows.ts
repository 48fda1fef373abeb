/**
 * One row through an engine's action as a session's result, for every method (PFA §2.3): a map
 * engine's output, a fold engine's new tally (both a record's fields, or `{ output: value }`),
 * and an emit engine's `{ emitted: [...] }`, the values its action emitted for that row in order
 * (Titus's emit callback, collected per input). Shared by the PFA engine's session and compile-js's.
 */
import type { FieldInfo, ScoreResult } from "@porta/backend";
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
