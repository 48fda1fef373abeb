/**
 * Resource limits of a PFA engine: how long arrays and strings may grow, how deep a document
 * may nest. Every place where an array enters the engine (decoded input, literals and `new`
 * in the document, cell and pool inits) or grows (library functions that build arrays from a
 * count, or by concatenation, replication or combination) calls one of these helpers, so that
 * a hostile document or input fails with a typed error instead of exhausting memory.
 *
 * PFA 0.8.1 defines no runtime error code for these, so they carry Porta codes and no
 * `pfaCode`; like `PFA_TIMEOUT` they are not caught by `try`.
 */
import { EvaluationError } from "@porta/ir";

/** Default `maxArrayLength`: elements in one array (or created by one library call). */
export const DEFAULT_MAX_ARRAY_LENGTH = 10_000_000;
/** Default `maxStringLength`: characters (or bytes) in a string or bytes value built from a count. */
export const DEFAULT_MAX_STRING_LENGTH = 100_000_000;
/** Default nesting depth of JSON/YAML documents and decoded values. */
export const DEFAULT_MAX_DEPTH = 1000;
/** Default size of a PFA document in bytes (UTF-8). */
export const DEFAULT_MAX_DOCUMENT_BYTES = 256 * 1024 * 1024;

/** Error codes of resource-limit errors; `try` lets them through. */
export const LIMIT_CODES: ReadonlySet<string> = new Set(["PFA_TIMEOUT", "PFA_ARRAY_TOO_LONG", "PFA_STRING_TOO_LONG", "PFA_STACK_OVERFLOW", "PFA_VALUE_TOO_DEEP", "REGEX_BUDGET"]);

export interface SizeLimits {
  maxArrayLength: number;
  maxStringLength: number;
}

/** Throws PFA_ARRAY_TOO_LONG when an array of `n` elements would exceed the limit. */
export function checkArrayLength(limits: SizeLimits, n: number, what: string, path?: string): void {
  if (n > limits.maxArrayLength) {
    throw new EvaluationError("PFA_ARRAY_TOO_LONG", `${what}: ${n} elements exceed maxArrayLength (${limits.maxArrayLength})`, { path, value: n });
  }
}

/** Throws PFA_STRING_TOO_LONG when a string or bytes value of `n` units would exceed the limit. */
export function checkStringLength(limits: SizeLimits, n: number, what: string, path?: string): void {
  if (n > limits.maxStringLength) {
    throw new EvaluationError("PFA_STRING_TOO_LONG", `${what}: length ${n} exceeds maxStringLength (${limits.maxStringLength})`, { path, value: n });
  }
}
