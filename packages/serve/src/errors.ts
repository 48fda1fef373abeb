import { isPortaError } from "@porta/ir/errors";

/** The body of every error answer, and of each failed row in a batch or stream. */
export interface ErrorBody {
  code: string;
  message: string;
  /** Where in the request: a JSON pointer into the body (`/rows/3`), a stream line (`/lines/7`), a URL parameter. */
  path: string;
  /** The offending value, as found (absent when there is none to show). */
  value?: unknown;
  /** The model document's own location of the problem (`/PMML/DataDictionary/...`), when the model named one. */
  modelPath?: string;
}

/** A failed request: its HTTP status and typed body. Thrown by handlers, written by the error handler. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly body: ErrorBody,
  ) {
    super(body.message);
  }
}

/** Longest text of an offending value echoed back: a bad 10 MB row must not come back whole. */
const MAX_VALUE_TEXT = 200;

/** A value safe to echo: short scalars as they are, long strings cut, objects summarised. */
export function echoValue(value: unknown): unknown {
  switch (typeof value) {
    case "string":
      return value.length > MAX_VALUE_TEXT ? `${value.slice(0, MAX_VALUE_TEXT)}…` : value;
    case "number":
      return Number.isFinite(value) ? value : String(value);
    case "boolean":
      return value;
    case "bigint":
      return value.toString();
    case "undefined":
      return undefined;
    case "object": {
      if (value === null) return null;
      let text: string | undefined;
      try {
        text = JSON.stringify(value);
      } catch {
        text = undefined;
      }
      if (text !== undefined && text.length <= MAX_VALUE_TEXT) return value;
      return Array.isArray(value) ? `array of ${value.length}` : `object with ${Object.keys(value).length} keys`;
    }
    default:
      return String(value);
  }
}

/** A scoring error of one row as a typed body at `path` in the request; a non-Porta error is INTERNAL. */
export function rowErrorBody(e: unknown, path: string): ErrorBody {
  if (isPortaError(e)) {
    const body: ErrorBody = { code: e.code, message: e.message, path };
    if (e.value !== undefined) body.value = echoValue(e.value);
    if (e.path !== undefined) body.modelPath = e.path;
    return body;
  }
  return { code: "INTERNAL", message: e instanceof Error ? e.message : String(e), path };
}
