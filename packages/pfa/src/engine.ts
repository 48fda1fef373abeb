/**
 * A PFA engine: a compiled document plus its runtime state (cells, pools, random generator,
 * fold tally). map engines return one output per input, emit engines call `emit` any number of
 * times, fold engines return the running tally (spec §2.3).
 */
import { DEFAULT_LIMITS, SchemaError } from "@porta/ir";
import { typedRuntimeError } from "./runtime-errors.ts";
import { parseDocumentAst } from "./ast/parse.ts";
import { Compiler, type CellInfo, type RuntimeState } from "./compiler/compiler.ts";
import type { Checker } from "./compiler/checker.ts";
import type { PfaDocumentAst } from "./ast/nodes.ts";
import type { PfaDocument, PfaMethod } from "./document.ts";
import { Rng } from "./lib/rng.ts";
import { accepts, TypeRegistry, typeName, type AvroType } from "@porta/ir/avro";
import { decodeAvroJson, type DecodeLimits } from "./values.ts";
import {
  armWallClock,
  DEFAULT_LOOP_LIMIT,
  DEFAULT_MAX_ARRAY_LENGTH,
  DEFAULT_MAX_DEPTH,
  DEFAULT_MAX_STRING_LENGTH,
  DEFAULT_STATE_BYTES,
  DEFAULT_WALL_MS,
  newWallClock,
  StateBudget,
} from "./limits.ts";

export interface PfaEngineOptions {
  /** Maximum loop iterations per call (begin, action or end) before a PFA_TIMEOUT error. Default 10,000,000. */
  loopLimit?: number;
  /**
   * Wall-clock milliseconds of one begin, action or end call before an EvaluationError
   * PFA_TIMEOUT (which `try` does not catch). The document's `options.timeout` may shorten it,
   * never lengthen it. Default: `DEFAULT_LIMITS.pfaWallMs` (10 s); Infinity for none.
   */
  timeoutMs?: number;
  /**
   * Approximate bytes all cells and pools may hold together, checked at load and on every cell
   * or pool write (before the write). Beyond: EvaluationError PFA_MEMORY, not caught by `try`.
   * Default: `DEFAULT_LIMITS.pfaStateBytes` (1 GiB).
   */
  maxStateBytes?: number;
  /**
   * Most elements in one array: decoded inputs, literals and `new` in the document, cell and
   * pool inits, and arrays built by library functions (`a.concat`, `a.append`, `cast.fanout*`,
   * `rand.choices`, ...). Beyond it: EvaluationError PFA_ARRAY_TOO_LONG. Default 10,000,000.
   */
  maxArrayLength?: number;
  /** Most characters/bytes in a string or bytes built from a count (`s.repeat`, `rand.string`, padding widths). Default 100,000,000. */
  maxStringLength?: number;
  /** Most nesting levels of a decoded input value (recursive types). Default 1000. */
  maxDepth?: number;
  /**
   * Budget of one `re.*` call that needs the backtracking engine (back references, lookaround):
   * past it, EvaluationError REGEX_BUDGET. Default: DEFAULT_LIMITS.regexSteps.
   */
  regexSteps?: number;
  /** Overrides the document's randseed. */
  randseed?: number;
  /** Receives `{"log": ...}` output; default: ignore. */
  log?: (values: unknown[], namespace: string | undefined) => void;
  /** Receives values emitted by an emit engine. */
  emit?: (value: unknown) => void;
}

/** A compiled, runnable PFA document. Values are runtime values (see `decodeAvroJson`). */
export interface PfaEngine {
  readonly method: PfaMethod;
  readonly inputType: AvroType;
  readonly outputType: AvroType;
  /** Run the action on one input. map: the output; fold: the new tally; emit: null. */
  action(input: unknown): unknown;
  begin(): void;
  end(): void;
  /** Current cell values (for inspection and tests). */
  readonly cells: Readonly<Record<string, unknown>>;
  /** Current pool contents. */
  readonly pools: Readonly<Record<string, Readonly<Record<string, unknown>>>>;
  /** Set the receiver of emitted values. */
  onEmit(callback: (value: unknown) => void): void;
}

/** What `describePfa` reports, gathered while compiling (kept off the engine's public surface). */
export interface EngineFacts {
  readonly doc: PfaDocument;
  readonly cellTypes: ReadonlyMap<string, AvroType>;
  readonly poolTypes: ReadonlyMap<string, AvroType>;
  readonly functions: ReadonlySet<string>;
  /** The limits `decodeInput` applies. */
  readonly limits: DecodeLimits;
  /** Wall-clock milliseconds of one call: the host's limit or the document's shorter one. */
  readonly wallMs: number;
  /** The checked syntax tree and the checker's facts (types, resolved calls): what lowering into the IR reads. */
  readonly ast: PfaDocumentAst;
  readonly checked: Checker;
}
export const ENGINE_FACTS = new WeakMap<PfaEngine, EngineFacts>();

export function compilePfa(doc: PfaDocument, options: PfaEngineOptions = {}): PfaEngine {
  try {
    return compileEngine(doc, options);
  } catch (e) {
    if (e instanceof RangeError && /call stack/i.test(e.message)) {
      throw new SchemaError("PFA_TOO_DEEP", "expressions nest too deeply to compile", { path: "", cause: e });
    }
    throw e;
  }
}

function compileEngine(doc: PfaDocument, options: PfaEngineOptions): PfaEngine {
  const ast = parseDocumentAst(doc);
  const registry = new TypeRegistry();
  registry.preregister([doc.input, doc.output, doc.cells, doc.pools, doc.fcns, doc.begin, doc.action, doc.end]);
  const inputType = registry.parse(ast.input.json, ast.input.path);
  const outputType = registry.parse(ast.output.json, ast.output.path);
  const loopLimit = options.loopLimit ?? DEFAULT_LOOP_LIMIT;
  // a document may ask for less time than the host allows, never for more (it could be hostile)
  const docTimeout = typeof ast.options.timeout === "number" && ast.options.timeout > 0 ? ast.options.timeout : Infinity;
  const wallMs = Math.min(options.timeoutMs ?? DEFAULT_WALL_MS, docTimeout);
  const seed = options.randseed ?? ast.randseed;
  const limits: DecodeLimits = {
    maxArrayLength: options.maxArrayLength ?? DEFAULT_MAX_ARRAY_LENGTH,
    maxStringLength: options.maxStringLength ?? DEFAULT_MAX_STRING_LENGTH,
    maxDepth: options.maxDepth ?? DEFAULT_MAX_DEPTH,
  };

  let emitTo = options.emit ?? (() => undefined);
  const rt: RuntimeState = {
    rng: new Rng(seed),
    cells: Object.create(null),
    pools: Object.create(null),
    budget: loopLimit,
    loopLimit,
    clock: newWallClock(),
    state: new StateBudget(options.maxStateBytes ?? DEFAULT_STATE_BYTES),
    log: options.log ?? (() => undefined),
    emit: (v) => emitTo(v),
    maxArrayLength: limits.maxArrayLength,
    maxStringLength: limits.maxStringLength,
    regexSteps: options.regexSteps ?? DEFAULT_LIMITS.regexSteps,
  };

  const cellInfo = new Map<string, CellInfo>();
  const cellTypes = new Map<string, AvroType>();
  const poolTypes = new Map<string, AvroType>();
  for (const [name, c] of ast.cells) {
    const t = registry.parse(c.type.json, c.type.path);
    cellInfo.set(`cell:${name}`, { type: t, pool: false });
    cellTypes.set(name, t);
    const value = decodeAvroJson(t, c.init, `${c.path}/init`, limits);
    rt.state.cell(name, value);
    rt.cells[name] = value;
  }
  for (const [name, p] of ast.pools) {
    const t = registry.parse(p.type.json, p.type.path);
    cellInfo.set(`pool:${name}`, { type: t, pool: true });
    poolTypes.set(name, t);
    const init = decodeAvroJson({ kind: "map", values: t }, p.init ?? {}, `${p.path}/init`, limits) as Record<string, unknown>;
    for (const key of Object.keys(init)) rt.state.poolItem(name, key, init[key]);
    rt.pools[name] = init;
  }

  const compiler = new Compiler({ registry, fcns: ast.fcns, cells: cellInfo, rt, outputType, method: ast.method, limits });
  const symbols: Record<string, AvroType> = { input: inputType };
  let tally: unknown;
  if (ast.method === "fold") {
    symbols.tally = outputType;
    tally = decodeAvroJson(outputType, ast.zero, "/zero", limits);
  }
  const action = compiler.compileBody(ast.action, symbols);
  if (ast.method !== "emit" && !accepts(outputType, action.type)) {
    throw new SchemaError("PFA_TYPE_MISMATCH", `action returns ${typeName(action.type)} but output is ${typeName(outputType)}`, { path: "/action" });
  }
  const endSymbols: Record<string, AvroType> = ast.method === "fold" ? { tally: outputType } : {};
  const begin = ast.begin ? compiler.compileBody(ast.begin, {}) : null;
  const end = ast.end ? compiler.compileBody(ast.end, endSymbols) : null;

  const arm = () => {
    rt.budget = loopLimit;
    armWallClock(rt.clock, wallMs);
  };

  const engine: PfaEngine = {
    method: ast.method,
    inputType,
    outputType,
    cells: rt.cells,
    pools: rt.pools,
    onEmit(cb) {
      emitTo = cb;
    },
    action(input: unknown): unknown {
      arm();
      try {
        if (ast.method === "fold") {
          tally = action.run([input, tally]);
          return tally;
        }
        const out = action.run([input]);
        return ast.method === "emit" ? null : out;
      } catch (e) {
        throw typedRuntimeError(e);
      }
    },
    begin() {
      arm();
      try {
        begin?.run([]);
      } catch (e) {
        throw typedRuntimeError(e);
      }
    },
    end() {
      arm();
      try {
        end?.run(ast.method === "fold" ? [tally] : []);
      } catch (e) {
        throw typedRuntimeError(e);
      }
    },
  };
  ENGINE_FACTS.set(engine, { doc, cellTypes, poolTypes, functions: compiler.usedFunctions, limits, wallMs, ast, checked: compiler.checked });
  return engine;
}
