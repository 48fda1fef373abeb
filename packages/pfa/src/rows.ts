import { ENGINE_FACTS, type PfaEngine } from "./engine.ts";
import { decodeRow, encodeRow } from "./row-values.ts";

/**
 * Decode one input row from Avro JSON (tagged unions, base64 bytes, "inf"/"nan"), applying the
 * engine's `maxArrayLength` and `maxDepth` (EvaluationError PFA_ARRAY_TOO_LONG / PFA_VALUE_TOO_DEEP).
 */
export function decodeInput(engine: PfaEngine, json: unknown): unknown {
  return decodeRow(engine.inputType, json, ENGINE_FACTS.get(engine)?.limits);
}

/** Encode one output value as Avro JSON (write it with `stringifyJson` to keep big longs exact). */
export function encodeOutput(engine: PfaEngine, value: unknown): unknown {
  return encodeRow(engine.outputType, value);
}
