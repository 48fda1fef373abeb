import { ENGINE_FACTS, type PfaEngine } from "./engine.ts";
import { decodeAvroJson, encodeAvroJson } from "./values.ts";

/**
 * Decode one input row from Avro JSON (tagged unions, base64 bytes, "inf"/"nan"), applying the
 * engine's `maxArrayLength` and `maxDepth` (EvaluationError PFA_ARRAY_TOO_LONG / PFA_VALUE_TOO_DEEP).
 */
export function decodeInput(engine: PfaEngine, json: unknown): unknown {
  return decodeAvroJson(engine.inputType, json, "/input", ENGINE_FACTS.get(engine)?.limits);
}

/** Encode one output value as Avro JSON (write it with `stringifyJson` to keep big longs exact). */
export function encodeOutput(engine: PfaEngine, value: unknown): unknown {
  return encodeAvroJson(engine.outputType, value);
}
