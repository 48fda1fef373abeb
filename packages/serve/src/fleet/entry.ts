/**
 * The entry formats of a scoring fleet on Redis Streams.
 *
 * Input entry (stream IN), flat field/value pairs as XADD writes them:
 *   model    the model's name (required)
 *   row      the row: a JSON object, field name → value (required)
 *   version  the model version the producer expects (optional): another live version is an error result
 *
 * Output entry (stream OUT), one per input entry:
 *   in        the input entry's id: the key of "exactly one result per input"
 *   model     the model name asked for
 *   version   the version that scored it ("" when none did)
 *   consumer  the worker that wrote it
 *   result    the scores as JSON, or
 *   error     {code, message, path, value?, modelPath?} as JSON (path: the input field, `/row` for a row
 *             the model refused)
 */
import { rowDepthError } from "@porta/backend";
import { echoValue, type ErrorBody } from "../errors.ts";

/** One input entry as XREADGROUP/XAUTOCLAIM return it: its id and flat fields (null: deleted while pending). */
export interface RawEntry {
  readonly id: string;
  readonly fields: readonly string[] | null;
  /** Deleted while pending, and already dropped from every pending list (XAUTOCLAIM's third reply). */
  readonly unowned?: boolean;
}

/** An input entry read: a row to score with a model, or the error result it already is. */
export type InputItem =
  | { readonly id: string; readonly model: string; readonly version?: string; readonly row: Record<string, unknown>; readonly error?: undefined }
  | { readonly id: string; readonly model: string; readonly version?: string; readonly row?: undefined; readonly error: ErrorBody };

/** What the worker writes for one input entry. */
export interface Outcome {
  readonly id: string;
  readonly model: string;
  readonly version: string;
  readonly result?: string;
  readonly error?: ErrorBody;
}

/** Longest model name or version read from an entry (MODEL_NAME allows 64; the rest is echoed cut). */
const MAX_NAME = 128;

/** Reads one input entry; never throws: a malformed entry becomes its error result. */
export function readEntry(entry: RawEntry, rowDepth: number): InputItem {
  const { id, fields } = entry;
  if (fields === null) {
    return {
      id,
      model: "",
      error: { code: "FLEET_INPUT_DELETED", message: `input entry ${id} was deleted (trimmed) before it was scored`, path: "/", value: id },
    };
  }
  const map = fieldMap(fields);
  const model = map.get("model");
  const version = map.get("version");
  const text = map.get("row");
  const who = { id, model: model === undefined ? "" : model.slice(0, MAX_NAME), ...(version === undefined ? {} : { version: version.slice(0, MAX_NAME) }) };
  if (model === undefined || model === "") {
    return {
      ...who,
      error: { code: "FLEET_ENTRY_INVALID", message: "the entry has no `model` field naming the model to score with", path: "/model", value: echoValue(model) },
    };
  }
  if (text === undefined) {
    return { ...who, error: { code: "FLEET_ENTRY_INVALID", message: "the entry has no `row` field (a JSON object)", path: "/row" } };
  }
  let row: unknown;
  try {
    row = JSON.parse(text);
  } catch (e) {
    const code = e instanceof RangeError ? "ROW_TOO_DEEP" : "INPUT_JSON_MALFORMED";
    return { ...who, error: { code, message: `row is not JSON: ${(e as Error).message}`, path: "/row", value: echoValue(text) } };
  }
  if (row === null || typeof row !== "object" || Array.isArray(row)) {
    return { ...who, error: { code: "INPUT_ROW_NOT_OBJECT", message: "row is not a JSON object of field name → value", path: "/row", value: echoValue(row) } };
  }
  const deep = rowDepthError(row as Record<string, unknown>, rowDepth, "/row");
  if (deep) return { ...who, error: { code: deep.code, message: deep.message, path: "/row", value: deep.value } };
  return { ...who, row: row as Record<string, unknown> };
}

/** The output entry's flat fields. */
export function outcomeFields(outcome: Outcome, consumer: string): string[] {
  const fields = ["in", outcome.id, "model", outcome.model, "version", outcome.version, "consumer", consumer];
  if (outcome.error !== undefined) fields.push("error", JSON.stringify(outcome.error));
  else fields.push("result", outcome.result ?? "{}");
  return fields;
}

/** Flat [field, value, …] as a map; a repeated field keeps its first value (XADD allows repeats). */
export function fieldMap(fields: readonly string[]): Map<string, string> {
  const map = new Map<string, string>();
  for (let i = 0; i + 1 < fields.length; i += 2) if (!map.has(fields[i]!)) map.set(fields[i]!, fields[i + 1]!);
  return map;
}
