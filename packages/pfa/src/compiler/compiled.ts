/**
 * What compiling a PFA expression yields and what the compiled code runs against: the
 * engine's run-time state, the checker's facts about cells, user functions and calls, and the
 * checker's error constructor.
 */
import { SchemaError } from "@porta/ir";
import type { FcnDefNode } from "../ast/nodes.ts";
import type { StateBudget, WallClock } from "../limits.ts";
import type { EngineRuntime } from "../lib/site.ts";
import { T, type AvroType, type ExprType, type FcnType, type TypeRegistry } from "../types.ts";
import type { DecodeLimits } from "../values.ts";
import type { Code } from "./frames.ts";

export interface Compiled {
  readonly type: ExprType;
  readonly code: Code;
}

/** Limits and hooks the compiled code consults at run time. */
export interface RuntimeState extends EngineRuntime {
  cells: Record<string, unknown>;
  pools: Record<string, Record<string, unknown>>;
  /** loop iterations left in the current call */
  budget: number;
  loopLimit: number;
  /** the wall clock of the current call (see `WallClock`: loops and function calls tick it) */
  readonly clock: WallClock;
  /** approximate bytes of cells and pools, charged on every write */
  readonly state: StateBudget;
  log: (values: unknown[], namespace: string | undefined) => void;
  emit: (value: unknown) => void;
}

export interface CellInfo {
  readonly type: AvroType;
  readonly pool: boolean;
}

export interface UserFcn {
  readonly type: FcnType;
  readonly paramNames: readonly string[];
  fn: ((...args: any[]) => any) | null;
}

/** What a call node calls, as the checker resolved it. */
export type ResolvedCall =
  | { readonly kind: "user"; readonly name: string }
  | {
      readonly kind: "lib";
      readonly fn: (...args: any[]) => any;
      /** argument positions where a long (possibly a bigint) feeds a float/double parameter */
      readonly toDouble: readonly boolean[];
    };

export interface CompilerInput {
  readonly registry: TypeRegistry;
  /** user functions by name without `u.` */
  readonly fcns: ReadonlyMap<string, FcnDefNode>;
  /** `cell:NAME` and `pool:NAME` */
  readonly cells: ReadonlyMap<string, CellInfo>;
  readonly rt: RuntimeState;
  readonly outputType: AvroType;
  readonly method: "map" | "emit" | "fold";
  readonly limits: DecodeLimits;
}

export function schemaError(code: string, message: string, path: string, value?: unknown): SchemaError {
  return new SchemaError(code, message, { path, value });
}

/** The type of a value that must be data: a function is refused, `error`'s bottom type reads as null. */
export function asAvro(t: ExprType, path: string, what: string): AvroType {
  if (t.kind === "fcn") throw schemaError("PFA_TYPE_MISMATCH", `${what} cannot be a function`, path);
  if (t.kind === "exception") return T.null;
  return t;
}
