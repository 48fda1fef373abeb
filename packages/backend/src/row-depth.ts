import { DEFAULT_LIMITS } from "@porta/ir/limits";
import { ParseError } from "@porta/ir/errors";

/**
 * How deep the values of a row nest: 0 when every field holds a scalar, 1 for a flat array or
 * object, and so on. Walked with an explicit stack (never recursion) and abandoned as soon as
 * `limit` is passed, so a 100k-deep array costs `limit` steps, not a stack overflow.
 */
export function rowDepthExceeds(row: Readonly<Record<string, unknown>>, limit: number): boolean {
  // The common row is flat: no allocation until a nested value shows up.
  let stack: { value: unknown; depth: number }[] | undefined;
  for (const key in row) {
    const value = row[key];
    if (value !== null && typeof value === "object") (stack ??= []).push({ value, depth: 1 });
  }
  if (stack === undefined) return false;
  while (stack.length > 0) {
    const { value, depth } = stack.pop()!;
    if (depth > limit) return true;
    for (const child of childrenOf(value)) {
      if (child !== null && typeof child === "object") stack.push({ value: child, depth: depth + 1 });
    }
  }
  return false;
}

function childrenOf(value: unknown): Iterable<unknown> {
  if (Array.isArray(value) || value instanceof Set) return value;
  if (value instanceof Map) return value.values();
  // Dates, typed arrays and other host objects hold no nested rows.
  if (value instanceof Date || ArrayBuffer.isView(value)) return [];
  return Object.values(value as object);
}

/**
 * The typed error for a row nested deeper than `limit` (Limits.rowDepth), or undefined. The
 * offending value is left out of the error: printing a 100k-deep array would overflow too.
 */
export function rowDepthError(row: Readonly<Record<string, unknown>>, limit: number = DEFAULT_LIMITS.rowDepth, where?: string): ParseError | undefined {
  if (!rowDepthExceeds(row, limit)) return undefined;
  return new ParseError("ROW_TOO_DEEP", `a value of this row nests deeper than ${limit} levels (limit rowDepth)`, { path: where, value: `> ${limit}` });
}
