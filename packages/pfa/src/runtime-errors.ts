/**
 * How an engine call's failures reach the caller: Porta errors as they are, JS failures that
 * escape compiled code typed (shared by the closure engine and code generated from the program IR).
 */
import { EvaluationError, isPortaError } from "@porta/ir";

/**
 * Non-Porta errors escaping compiled code become typed EvaluationErrors: a stack overflow (deep
 * recursion between user functions), a JS array or string beyond the engine's reach, or a bug.
 */
export function typedRuntimeError(e: unknown): unknown {
  if (isPortaError(e)) return e;
  if (e instanceof RangeError) {
    if (/call stack/i.test(e.message)) return new EvaluationError("PFA_STACK_OVERFLOW", "call stack exhausted (recursion too deep)", { cause: e });
    if (/string length/i.test(e.message)) return new EvaluationError("PFA_STRING_TOO_LONG", `string too long: ${e.message}`, { cause: e });
    if (/array length|allocation/i.test(e.message)) return new EvaluationError("PFA_ARRAY_TOO_LONG", `array too long: ${e.message}`, { cause: e });
  }
  return new EvaluationError("PFA_INTERNAL_ERROR", `internal error: ${(e as Error)?.message ?? String(e)}`, { cause: e });
}
