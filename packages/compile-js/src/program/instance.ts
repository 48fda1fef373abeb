/**
 * A generated program loaded and running: the run-time state (cells and pools decoded and charged
 * to the state budget, the random generator, the budgets), the constants the module reads (library
 * implementations instantiated once per call site, decoded constant values), and begin, action
 * and end wrapped as the closure engine's calls (budgets armed per call, failures typed).
 */
import { DEFAULT_LIMITS } from "@porta/ir";
import type { LibrarySite, ProgramModel } from "@porta/ir";
import type { AvroType } from "@porta/ir/avro";
import {
  armWallClock,
  decodeAvroJson,
  DEFAULT_LOOP_LIMIT,
  DEFAULT_MAX_ARRAY_LENGTH,
  DEFAULT_MAX_DEPTH,
  DEFAULT_MAX_STRING_LENGTH,
  DEFAULT_STATE_BYTES,
  DEFAULT_WALL_MS,
  LIBRARY,
  newWallClock,
  Rng,
  StateBudget,
  typedRuntimeError,
  type ActionRunner,
  type DecodeLimits,
} from "@porta/pfa/runtime";
import { instantiateCached } from "../codegen.ts";
import { NotCompilable } from "../unsupported.ts";
import type { ProgramConstant } from "./emitter.ts";
import type { GeneratedProgram } from "./generate.ts";
import { PROGRAM_HELPERS, type ProgramState } from "./runtime.ts";

/** The budgets a program runs under (the PFA engine's options of the same names). */
export interface ProgramOptions {
  readonly loopLimit?: number;
  /** Wall-clock ms of one call; the document's `options.timeout` may shorten it, never lengthen it. */
  readonly timeoutMs?: number;
  readonly maxStateBytes?: number;
  readonly maxArrayLength?: number;
  readonly maxStringLength?: number;
  readonly maxDepth?: number;
  readonly regexSteps?: number;
  /** Overrides the document's randseed. */
  readonly randseed?: number;
}

type Entry = (...values: unknown[]) => unknown;
interface Entries {
  readonly begin: Entry;
  readonly action: Entry;
  readonly end: Entry;
}

/** Every library site the program names has an implementation (checked while compiling, so a gap refuses). */
export function checkLibrary(constants: readonly ProgramConstant[]): void {
  for (const c of constants) {
    if (c.kind === "lib" && !Object.hasOwn(LIBRARY, c.site.name)) throw new NotCompilable(`the library function ${JSON.stringify(c.site.name)}`);
  }
}

/** A long written as a decimal string (how the IR keeps longs beyond 2^53 as JSON) as a bigint, along the type. */
function longsAsBigInt(t: AvroType, json: unknown): unknown {
  switch (t.kind) {
    case "long":
      return typeof json === "string" && /^-?\d+$/.test(json) ? BigInt(json) : json;
    case "array":
      return Array.isArray(json) ? json.map((x) => longsAsBigInt(t.items, x)) : json;
    case "map":
      return isObject(json) ? Object.fromEntries(Object.entries(json).map(([k, v]) => [k, longsAsBigInt(t.values, v)])) : json;
    case "record":
      return isObject(json)
        ? Object.fromEntries(Object.entries(json).map(([k, v]) => [k, longsAsBigInt(t.fields.find((f) => f.name === k)?.type ?? t, v)]))
        : json;
    case "union": {
      if (!isObject(json)) return json;
      const keys = Object.keys(json);
      const branch = keys.length === 1 ? t.types.find((b) => ("fullName" in b ? b.fullName === keys[0] || b.name === keys[0] : b.kind === keys[0])) : undefined;
      return branch ? { [keys[0]!]: longsAsBigInt(branch, json[keys[0]!]) } : json;
    }
    default:
      return json;
  }
}

function isObject(j: unknown): j is Record<string, unknown> {
  return j !== null && typeof j === "object" && !Array.isArray(j);
}

/** A compiled program's run-time: also what a session's actionResult runs (an ActionRunner). */
export class ProgramInstance implements ActionRunner {
  readonly state: ProgramState;
  readonly limits: DecodeLimits;
  private readonly entries: Entries;
  private readonly wallMs: number;
  private tally: unknown;

  get method(): ProgramModel["method"] {
    return this.model.method;
  }

  get outputType(): ProgramModel["outputType"] {
    return this.model.outputType;
  }

  constructor(
    readonly model: ProgramModel,
    readonly generated: GeneratedProgram,
    readonly options: ProgramOptions = {},
  ) {
    this.limits = {
      maxArrayLength: options.maxArrayLength ?? DEFAULT_MAX_ARRAY_LENGTH,
      maxStringLength: options.maxStringLength ?? DEFAULT_MAX_STRING_LENGTH,
      maxDepth: options.maxDepth ?? DEFAULT_MAX_DEPTH,
    };
    const timeout = model.options.timeout;
    const docTimeout = typeof timeout === "number" && timeout > 0 ? timeout : Infinity;
    this.wallMs = Math.min(options.timeoutMs ?? DEFAULT_WALL_MS, docTimeout);
    const loopLimit = options.loopLimit ?? DEFAULT_LOOP_LIMIT;
    const state: ProgramState = {
      rng: new Rng(options.randseed ?? model.randseed),
      cells: Object.create(null) as Record<string, unknown>,
      pools: Object.create(null) as Record<string, Record<string, unknown>>,
      budget: loopLimit,
      loopLimit,
      clock: newWallClock(),
      state: new StateBudget(options.maxStateBytes ?? DEFAULT_STATE_BYTES),
      log: () => undefined,
      emit: () => undefined,
      maxArrayLength: this.limits.maxArrayLength,
      maxStringLength: this.limits.maxStringLength,
      regexSteps: options.regexSteps ?? DEFAULT_LIMITS.regexSteps,
    };
    this.state = state;
    for (const c of model.cells) {
      const value = this.decode(c.type, c.init, `/cells/${c.name}/init`);
      state.state.cell(c.name, value);
      state.cells[c.name] = value;
    }
    for (const p of model.pools) {
      const items = this.decode({ kind: "map", values: p.type }, p.init, `/pools/${p.name}/init`) as Record<string, unknown>;
      for (const key of Object.keys(items)) state.state.poolItem(p.name, key, items[key]);
      state.pools[p.name] = items;
    }
    if (model.method === "fold") this.tally = this.decode(model.outputType, model.zero, "/zero");
    const constants = generated.constants.map((c) => this.constantValue(c));
    // the source was generated by ./generate.ts through the codegen module (names minted, values literals)
    this.entries = instantiateCached<Entries>(generated.source, constants);
  }

  private decode(t: AvroType, json: unknown, path: string): unknown {
    return decodeAvroJson(t, longsAsBigInt(t, json), path, this.limits);
  }

  private constantValue(c: ProgramConstant): unknown {
    switch (c.kind) {
      case "state":
        return this.state;
      case "helpers":
        return PROGRAM_HELPERS;
      case "lib":
        return instantiateSite(c.site, this.state);
      case "value":
        return this.decode(c.type, c.json, c.path);
      case "data":
        return c.value;
    }
  }

  private arm(): void {
    this.state.budget = this.state.loopLimit;
    armWallClock(this.state.clock, this.wallMs);
  }

  /** Runs the action on one decoded input: a map engine's output, a fold engine's new tally, null for emit. */
  action(input: unknown): unknown {
    this.arm();
    try {
      if (this.model.method === "fold") {
        this.tally = this.entries.action(input, this.tally);
        return this.tally;
      }
      const out = this.entries.action(input);
      return this.model.method === "emit" ? null : out;
    } catch (e) {
      throw typedRuntimeError(e);
    }
  }

  begin(): void {
    this.arm();
    try {
      this.entries.begin();
    } catch (e) {
      throw typedRuntimeError(e);
    }
  }

  end(): void {
    this.arm();
    try {
      this.entries.end(this.tally);
    } catch (e) {
      throw typedRuntimeError(e);
    }
  }

  /** Receives the values an emit engine emits (none by default, as the PFA engine's session). */
  onEmit(callback: (value: unknown) => void): void {
    this.state.emit = callback;
  }
}

/** The implementation of one call site, bound to the program's run-time state. */
function instantiateSite(site: LibrarySite, rt: ProgramState): unknown {
  const impl = LIBRARY[site.name];
  if (!impl) throw new NotCompilable(`the library function ${JSON.stringify(site.name)}`);
  return impl({ ...site, bindings: new Map(Object.entries(site.bindings)), rt });
}
