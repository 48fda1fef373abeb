/**
 * What compiled PFA code runs against: the engine's run-time state (cells, pools, budgets,
 * hooks), and what the code generator is given.
 */
import type { StateBudget, WallClock } from "../limits.ts";
import type { EngineRuntime } from "../lib/site.ts";
import type { CheckerInput } from "./checker.ts";

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

export interface CompilerInput extends CheckerInput {
  readonly rt: RuntimeState;
}
