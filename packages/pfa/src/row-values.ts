/**
 * One row's value in and out of an engine, by type: the input decoded from Avro JSON under the
 * engine's decode limits, the output encoded to Avro JSON (shared by the closure engine's rows
 * and the sessions of generated code).
 */
import type { AvroType } from "@porta/ir/avro";
import { decodeAvroJson, encodeAvroJson, type DecodeLimits } from "./values.ts";

/** The action's input from a row's Avro JSON (EvaluationError PFA_ARRAY_TOO_LONG / PFA_VALUE_TOO_DEEP past `limits`). */
export function decodeRow(inputType: AvroType, json: unknown, limits?: DecodeLimits): unknown {
  return decodeAvroJson(inputType, json, "/input", limits);
}

/** The action's result as Avro JSON (write it with `stringifyJson` to keep big longs exact). */
export function encodeRow(outputType: AvroType, value: unknown): unknown {
  return encodeAvroJson(outputType, value);
}
