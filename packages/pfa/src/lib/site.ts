/**
 * What a library function implementation sees: the call site, resolved once at compile time
 * (chosen signature, bound generic types), and the engine runtime (random generator, ...).
 * An implementation is a factory returning the JS function that runs per call.
 */
import type { AvroType, ExprType } from "@porta/ir/avro";
import type { Bindings } from "../signatures.ts";
import type { Rng } from "./rng.ts";
import { checkArrayLength, type SizeLimits } from "../limits.ts";

export interface EngineRuntime extends SizeLimits {
  rng: Rng;
  /** The `regexSteps` budget of one `re.*` call (see @porta/ir's compileSafeRegex). */
  regexSteps: number;
}

/** The result of a library call that builds `n` elements: checked against `maxArrayLength`. */
export function sized(site: CallSite, n: number): void {
  if (n > site.rt.maxArrayLength) checkArrayLength(site.rt, n, site.name);
}

export interface CallSite {
  readonly name: string;
  readonly sigIndex: number;
  readonly argTypes: readonly ExprType[];
  readonly paramTypes: readonly ExprType[];
  readonly retType: AvroType;
  readonly bindings: Bindings;
  readonly rt: EngineRuntime;
}

export type LibImpl = (site: CallSite) => (...args: any[]) => any;
export type LibModule = Readonly<Record<string, LibImpl>>;

/** An implementation that does not depend on the call site. */
export const pure =
  (f: (...args: any[]) => any): LibImpl =>
  () =>
    f;

/** Python-style slice bounds (negative counts from the end, clamped). */
export function sliceBounds(len: number, start: number, end: number): [number, number] {
  const s = start < 0 ? Math.max(len + start, 0) : Math.min(start, len);
  let e = end < 0 ? Math.max(len + end, 0) : Math.min(end, len);
  if (e < s) e = s;
  return [s, e];
}

/** A copy of record `rec` with some fields replaced (library functions never mutate their inputs). */
export function withFields<T extends object>(rec: T, fields: Record<string, unknown>): T {
  return Object.assign(Object.create(null) as T, rec, fields);
}

/** The type of field `name` of a record type, if it has one. */
export function fieldType(t: ExprType | undefined, name: string): AvroType | undefined {
  if (t?.kind !== "record") return undefined;
  return t.fields.find((f) => f.name === name)?.type;
}
