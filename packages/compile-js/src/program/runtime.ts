/**
 * What code generated from a program runs against: the engine's run-time state (cells, pools,
 * budgets, hooks: the closure engine's RuntimeState) and the helpers the generated code calls,
 * each written once here as the closure engine does it (pfa/src/compiler/{control,paths,call-shapes}.ts).
 */
import { EvaluationError } from "@porta/ir/errors";
import {
  checkedIndex,
  LIMIT_CODES,
  newMap,
  pfaError,
  presentKey,
  readWallClock,
  unionBranchIndex,
  type EngineRuntime,
  type StateBudget,
  type WallClock,
} from "@porta/pfa/runtime";

/** The state one program instance runs with (one per session: begin, cells and pools are its own). */
export interface ProgramState extends EngineRuntime {
  readonly cells: Record<string, unknown>;
  readonly pools: Record<string, Record<string, unknown>>;
  /** Loop iterations left in the current call. */
  budget: number;
  readonly loopLimit: number;
  readonly clock: WallClock;
  readonly state: StateBudget;
  log: (values: unknown[], namespace: string | undefined) => void;
  emit: (value: unknown) => void;
}

/** A loop ran out of iterations or of ticks: the iteration limit first, then the wall clock. */
function checkTimeout(rt: ProgramState): void {
  if (rt.budget <= 0)
    throw new EvaluationError("PFA_TIMEOUT", `loop exceeded the iteration limit (${rt.loopLimit})`, { pfaCode: undefined, value: rt.loopLimit });
  readWallClock(rt.clock);
}

/** A long argument of a float/double parameter, as a number. */
function toDouble(v: unknown): unknown {
  return typeof v === "bigint" ? Number(v) : v;
}

/** A copy of a record or map (PFA values are immutable: an update copies every container on its path). */
function copyMap(v: Record<string, unknown>): Record<string, unknown> {
  return Object.assign(newMap(), v);
}

/** A pool item that is not there (PFA error 2002): read, or updated without `init`. */
function poolMissing(k: string, update: boolean): EvaluationError {
  return pfaError(2002, `pool item ${JSON.stringify(k)} not found${update ? " and no init" : ""}`, k);
}

/** `try` catches PFA errors, never the engine's limits nor a JS failure. */
function catchable(e: unknown): e is EvaluationError {
  return e instanceof EvaluationError && !LIMIT_CODES.has(e.code);
}

function userError(message: string, code: number | undefined): EvaluationError {
  return new EvaluationError("PFA_USER_ERROR", message, { pfaCode: code });
}

/** The helpers by the names the generated code reads them under (fixed here, never from a document). */
export const PROGRAM_HELPERS = {
  checkTimeout,
  readWallClock,
  index: checkedIndex,
  mapKey: presentKey,
  toDouble,
  copyMap,
  newMap,
  poolMissing,
  catchable,
  userError,
  unionBranchIndex,
  hasOwn: Object.hasOwn,
} as const;

export type ProgramHelpers = typeof PROGRAM_HELPERS;
