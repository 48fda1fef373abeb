/**
 * PFA expressions → type-checked JS closures (spec §4, §5). Each expression is analysed once:
 * its type is inferred and checked against the forms' and library signatures' rules, and a
 * closure `(frame) => value` is built. Running an engine never walks the JSON again.
 *
 * Frames: every function body (action, begin, end, user functions, inline functions) gets an
 * array frame per call; slot 0 points to the enclosing frame so inline functions can read the
 * variables around them.
 */
import { EvaluationError, SchemaError } from "@porta/ir";
import { fcnDef, type PfaFcnDef } from "./document.ts";
import { matchSignature, noMatchError, signatureTable, type ArgType, type LibFcnArg } from "./signatures.ts";
import { accepts, broadestType, T, type TypeRegistry, typeName, type AvroType, type ExprType, type FcnType, type RecordType, type UnionType } from "./types.ts";
import { base64ToBytes, decodeAvroJson, newMap, pfaError, unionBranchIndex, type DecodeLimits } from "./values.ts";
import { checkArrayLength, LIMIT_CODES, readWallClock, type StateBudget, type WallClock } from "./limits.ts";
import { LIBRARY } from "./lib/index.ts";
import type { CallSite, EngineRuntime } from "./lib/site.ts";

export type Frame = any[];
export type Code = (f: Frame) => any;

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

interface VarInfo {
  readonly type: AvroType;
  readonly ctx: FnCtx;
  readonly slot: number;
}

class FnCtx {
  nslots = 1;
  constructor(readonly parent: FnCtx | null) {}
  alloc(): number {
    return this.nslots++;
  }
}

class Scope {
  readonly vars = new Map<string, VarInfo>();
  constructor(
    readonly parent: Scope | null,
    readonly ctx: FnCtx,
  ) {}
  lookup(name: string): VarInfo | undefined {
    for (let s: Scope | null = this; s; s = s.parent) {
      const v = s.vars.get(name);
      if (v) return v;
    }
    return undefined;
  }
  declare(name: string, type: AvroType): VarInfo {
    const v = { type, ctx: this.ctx, slot: this.ctx.alloc() };
    this.vars.set(name, v);
    return v;
  }
  child(): Scope {
    return new Scope(this, this.ctx);
  }
}

interface UserFcn {
  readonly type: FcnType;
  readonly paramNames: readonly string[];
  fn: ((...args: any[]) => any) | null;
}

interface CellInfo {
  readonly type: AvroType;
  readonly pool: boolean;
}

const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const SPECIAL = new Set([
  "int",
  "long",
  "float",
  "double",
  "string",
  "base64",
  "type",
  "value",
  "new",
  "do",
  "let",
  "set",
  "if",
  "cond",
  "while",
  "until",
  "for",
  "foreach",
  "forkey",
  "forval",
  "cast",
  "upcast",
  "ifnotnull",
  "attr",
  "cell",
  "pool",
  "fcn",
  "params",
  "doc",
  "error",
  "try",
  "log",
]);

function schemaError(code: string, message: string, path: string, value?: unknown): SchemaError {
  return new SchemaError(code, message, { path, value });
}

function asAvro(t: ExprType, path: string, what: string): AvroType {
  if (t.kind === "fcn") throw schemaError("PFA_TYPE_MISMATCH", `${what} cannot be a function`, path);
  if (t.kind === "exception") return T.null;
  return t;
}

/** A loop iteration ran out of iterations or of ticks: the iteration limit, then the wall clock. */
function checkTimeout(rt: RuntimeState): void {
  if (rt.budget <= 0)
    throw new EvaluationError("PFA_TIMEOUT", `loop exceeded the iteration limit (${rt.loopLimit})`, { pfaCode: undefined, value: rt.loopLimit });
  readWallClock(rt.clock);
}

export interface CompilerInput {
  readonly registry: TypeRegistry;
  readonly fcns: Readonly<Record<string, PfaFcnDef>>;
  readonly cells: ReadonlyMap<string, CellInfo>;
  readonly rt: RuntimeState;
  readonly outputType: AvroType;
  readonly method: "map" | "emit" | "fold";
  readonly limits: DecodeLimits;
}

export class Compiler {
  private readonly userFcns = new Map<string, UserFcn>();
  private readonly lib = signatureTable();
  /** Library functions the document calls or passes by reference (for `describePfa`). */
  readonly usedFunctions = new Set<string>();

  constructor(private readonly inp: CompilerInput) {
    for (const [name, def] of Object.entries(inp.fcns)) {
      const params = def.params.map((p, i) => inp.registry.parse(p.type, `${def.path}/params/${i}/${p.name}`));
      const ret = inp.registry.parse(def.ret, `${def.path}/ret`);
      this.userFcns.set(`u.${name}`, { type: { kind: "fcn", params, ret }, paramNames: def.params.map((p) => p.name), fn: null });
    }
    for (const [name, def] of Object.entries(inp.fcns)) {
      const uf = this.userFcns.get(`u.${name}`)!;
      uf.fn = this.compileFunction(def, null, `u.${name}`)(null as unknown as Frame);
    }
  }

  /** Compile a top-level body (begin, action, end) with the given predeclared symbols. */
  compileBody(exprs: readonly unknown[], symbols: Record<string, AvroType>, path: string): { type: ExprType; run: (values: unknown[]) => unknown } {
    const ctx = new FnCtx(null);
    const scope = new Scope(null, ctx);
    const slots = Object.entries(symbols).map(([n, t]) => scope.declare(n, t).slot);
    const body = this.compileBlock(exprs, scope, path);
    return {
      type: body.type,
      run: (values) => {
        const f: Frame = new Array(ctx.nslots);
        f[0] = null;
        for (let i = 0; i < slots.length; i++) f[slots[i]!] = values[i];
        return body.code(f);
      },
    };
  }

  private compileFunction(def: PfaFcnDef, outer: Scope | null, what: string): (f: Frame) => (...args: any[]) => any {
    const ctx = new FnCtx(outer ? outer.ctx : null);
    const scope = new Scope(outer, ctx);
    const params = def.params.map((p, i) => this.inp.registry.parse(p.type, `${def.path}/params/${i}/${p.name}`));
    const ret = this.inp.registry.parse(def.ret, `${def.path}/ret`);
    const slots = def.params.map((p, i) => scope.declare(p.name, params[i]!).slot);
    const body = this.compileBlock(def.do, scope, `${def.path}/do`);
    if (!accepts(ret, body.type)) {
      throw schemaError("PFA_TYPE_MISMATCH", `${what} declares ret ${typeName(ret)} but its body returns ${typeName(body.type)}`, `${def.path}/do`);
    }
    const code = body.code;
    // every call ticks the wall clock: recursion runs without any loop to count
    const clock = this.inp.rt.clock;
    switch (slots.length) {
      case 0:
        return (outerF) => () => {
          if (--clock.ticks <= 0) readWallClock(clock);
          const f: Frame = new Array(ctx.nslots);
          f[0] = outerF;
          return code(f);
        };
      case 1:
        return (outerF) => (a) => {
          if (--clock.ticks <= 0) readWallClock(clock);
          const f: Frame = new Array(ctx.nslots);
          f[0] = outerF;
          f[1] = a;
          return code(f);
        };
      case 2:
        return (outerF) => (a, b) => {
          if (--clock.ticks <= 0) readWallClock(clock);
          const f: Frame = new Array(ctx.nslots);
          f[0] = outerF;
          f[1] = a;
          f[2] = b;
          return code(f);
        };
      default:
        return (outerF) =>
          (...args: any[]) => {
            if (--clock.ticks <= 0) readWallClock(clock);
            const f: Frame = new Array(ctx.nslots);
            f[0] = outerF;
            for (let i = 0; i < slots.length; i++) f[slots[i]!] = args[i];
            return code(f);
          };
    }
  }

  private compileBlock(exprs: readonly unknown[], scope: Scope, path: string): Compiled {
    if (exprs.length === 0) throw schemaError("PFA_EMPTY_BLOCK", "expression list is empty", path);
    const parts = exprs.map((e, i) => this.compile(e, scope, `${path}/${i}`));
    const codes = parts.map((p) => p.code);
    const type = parts[parts.length - 1]!.type;
    if (codes.length === 1) return { type, code: codes[0]! };
    if (codes.length === 2) {
      const [a, b] = codes as [Code, Code];
      return {
        type,
        code: (f) => {
          a(f);
          return b(f);
        },
      };
    }
    const n = codes.length - 1;
    return {
      type,
      code: (f) => {
        for (let i = 0; i < n; i++) codes[i]!(f);
        return codes[n]!(f);
      },
    };
  }

  private bodyOf(v: unknown): unknown[] {
    return Array.isArray(v) ? v : [v];
  }

  compile(expr: unknown, scope: Scope, path: string): Compiled {
    if (expr === null) return { type: T.null, code: () => null };
    switch (typeof expr) {
      case "boolean":
        return { type: T.boolean, code: () => expr };
      case "number":
        if (Number.isInteger(expr)) {
          const t = expr >= -2147483648 && expr <= 2147483647 ? T.int : T.long;
          return { type: t, code: () => expr };
        }
        return { type: T.double, code: () => expr };
      case "bigint":
        return { type: T.long, code: () => expr };
      case "string":
        return this.compileSymbol(expr, scope, path);
      case "object":
        break;
      default:
        throw schemaError("PFA_BAD_EXPRESSION", "not a PFA expression", path, expr);
    }
    if (Array.isArray(expr)) {
      if (expr.length === 1 && typeof expr[0] === "string") {
        const s = expr[0];
        return { type: T.string, code: () => s };
      }
      throw schemaError("PFA_BAD_EXPRESSION", 'a JSON array is not an expression (only ["string"] literals)', path, expr);
    }
    const o = expr as Record<string, unknown>;
    const keys = Object.keys(o);
    const has = (k: string) => Object.hasOwn(o, k);
    if (keys.length === 1 && !SPECIAL.has(keys[0]!)) return this.compileCall(keys[0]!, o[keys[0]!], scope, path);

    if (has("int") || has("long") || has("float") || has("double") || has("string") || has("base64")) return this.compileLiteral(o, path);
    if (has("type") && has("value")) {
      const t = this.inp.registry.parse(o.type, `${path}/type`);
      const v = decodeAvroJson(t, o.value, `${path}/value`, this.inp.limits);
      return { type: t, code: () => v };
    }
    if (has("new")) return this.compileNew(o, scope, path);
    if (has("let")) return this.compileLet(o.let, scope, path, false);
    if (has("set")) return this.compileLet(o.set, scope, path, true);
    if (has("do") && has("until")) return this.compileDoUntil(o, scope, path);
    if (has("for")) return this.compileFor(o, scope, path);
    if (has("foreach")) return this.compileForeach(o, scope, path);
    if (has("forkey")) return this.compileForkey(o, scope, path);
    if (has("while")) return this.compileWhile(o, scope, path);
    if (has("do")) return this.compileBlock(this.bodyOf(o.do), scope.child(), `${path}/do`);
    if (has("if")) return this.compileIf(o, scope, path);
    if (has("cond")) return this.compileCond(o, scope, path);
    if (has("cast")) return this.compileCast(o, scope, path);
    if (has("upcast")) {
      const e = this.compile(o.upcast, scope, `${path}/upcast`);
      const t = this.inp.registry.parse(o.as, `${path}/as`);
      if (!accepts(t, e.type)) throw schemaError("PFA_TYPE_MISMATCH", `cannot upcast ${typeName(e.type)} to ${typeName(t)}`, path);
      return { type: t, code: e.code };
    }
    if (has("ifnotnull")) return this.compileIfNotNull(o, scope, path);
    if (has("attr")) return this.compileAttr(o, scope, path);
    if (has("cell")) return this.compileCell(o, scope, path, false);
    if (has("pool")) return this.compileCell(o, scope, path, true);
    if (has("doc")) return { type: T.null, code: () => null };
    if (has("error")) return this.compileError(o, path);
    if (has("try")) return this.compileTry(o, scope, path);
    if (has("log")) return this.compileLog(o, scope, path);
    if (has("fcn") || has("params")) throw schemaError("PFA_BAD_EXPRESSION", "a function reference can only be an argument of a function call", path, expr);
    throw schemaError("PFA_BAD_EXPRESSION", `unrecognised expression with keys ${keys.join(", ")}`, path, expr);
  }

  // ------------------------------------------------------------ symbols and literals

  private varCode(v: VarInfo, scope: Scope): Code {
    let hops = 0;
    for (let c: FnCtx | null = scope.ctx; c && c !== v.ctx; c = c.parent) hops++;
    const slot = v.slot;
    switch (hops) {
      case 0:
        return (f) => f[slot];
      case 1:
        return (f) => f[0][slot];
      case 2:
        return (f) => f[0][0][slot];
      default:
        return (f) => {
          let g = f;
          for (let i = 0; i < hops; i++) g = g[0];
          return g[slot];
        };
    }
  }

  private varSetter(v: VarInfo, scope: Scope): (f: Frame, x: unknown) => void {
    let hops = 0;
    for (let c: FnCtx | null = scope.ctx; c && c !== v.ctx; c = c.parent) hops++;
    const slot = v.slot;
    if (hops === 0)
      return (f, x) => {
        f[slot] = x;
      };
    return (f, x) => {
      let g = f;
      for (let i = 0; i < hops; i++) g = g[0];
      g[slot] = x;
    };
  }

  private compileSymbol(s: string, scope: Scope, path: string): Compiled {
    if (s.includes(".")) {
      const [head, ...rest] = s.split(".");
      return this.compileAttr({ attr: head, path: rest.map((r) => (/^-?\d+$/.test(r) ? Number(r) : { string: r })) }, scope, path);
    }
    const v = scope.lookup(s);
    if (!v) throw schemaError("PFA_UNKNOWN_SYMBOL", `unknown symbol ${JSON.stringify(s)}`, path, s);
    return { type: v.type, code: this.varCode(v, scope) };
  }

  private compileLiteral(o: Record<string, unknown>, path: string): Compiled {
    const [k] = Object.keys(o);
    const v = o[k!];
    switch (k) {
      case "int":
        if (typeof v !== "number" || !Number.isInteger(v) || v < -2147483648 || v > 2147483647)
          throw schemaError("PFA_BAD_LITERAL", "int literal out of range", path, v);
        return { type: T.int, code: () => v };
      case "long":
        if (typeof v !== "bigint" && (typeof v !== "number" || !Number.isInteger(v)))
          throw schemaError("PFA_BAD_LITERAL", "long literal must be an integer", path, v);
        {
          const x = decodeAvroJson(T.long, v, path);
          return { type: T.long, code: () => x };
        }
      case "float":
      case "double": {
        const x = decodeAvroJson(T.double, v, path);
        return { type: k === "float" ? T.float : T.double, code: () => x };
      }
      case "string":
        if (typeof v !== "string") throw schemaError("PFA_BAD_LITERAL", "string literal must be a string", path, v);
        return { type: T.string, code: () => v };
      case "base64": {
        if (typeof v !== "string") throw schemaError("PFA_BAD_LITERAL", "base64 literal must be a string", path, v);
        const b = base64ToBytes(v);
        return { type: T.bytes, code: () => b };
      }
    }
    throw schemaError("PFA_BAD_LITERAL", "bad literal", path, o);
  }

  // ------------------------------------------------------------ construction and variables

  private compileNew(o: Record<string, unknown>, scope: Scope, path: string): Compiled {
    const t = this.inp.registry.parse(o.type, `${path}/type`);
    const n = o.new;
    if (t.kind === "array") {
      if (!Array.isArray(n)) throw schemaError("PFA_BAD_NEW", "new array needs a JSON array", `${path}/new`, n);
      checkArrayLength(this.inp.limits, n.length, "new array", `${path}/new`);
      const items = n.map((e, i) => this.checked(e, t.items, scope, `${path}/new/${i}`));
      return { type: t, code: (f) => items.map((c) => c(f)) };
    }
    if (t.kind === "map" || t.kind === "record") {
      if (n === null || typeof n !== "object" || Array.isArray(n)) throw schemaError("PFA_BAD_NEW", "new map/record needs a JSON object", `${path}/new`, n);
      const entries = Object.entries(n as Record<string, unknown>);
      if (t.kind === "record") {
        const names = new Set(t.fields.map((f) => f.name));
        for (const [k] of entries) if (!names.has(k)) throw schemaError("PFA_BAD_NEW", `record ${t.fullName} has no field ${k}`, `${path}/new/${k}`);
        for (const f of t.fields)
          if (!Object.hasOwn(n as object, f.name)) throw schemaError("PFA_BAD_NEW", `new ${t.fullName} lacks field ${f.name}`, `${path}/new`);
      }
      const parts = entries.map(
        ([k, e]) => [k, this.checked(e, t.kind === "map" ? t.values : t.fields.find((f) => f.name === k)!.type, scope, `${path}/new/${k}`)] as const,
      );
      return {
        type: t,
        code: (f) => {
          const out = newMap();
          for (const [k, c] of parts) out[k] = c(f);
          return out;
        },
      };
    }
    throw schemaError("PFA_BAD_NEW", `new needs an array, map or record type, not ${typeName(t)}`, `${path}/type`);
  }

  /** Compile `e` and check that a slot of type `t` accepts it. */
  private checked(e: unknown, t: AvroType, scope: Scope, path: string): Code {
    const c = this.compile(e, scope, path);
    if (!accepts(t, c.type)) throw schemaError("PFA_TYPE_MISMATCH", `expected ${typeName(t)}, found ${typeName(c.type)}`, path, e);
    return c.code;
  }

  private compileLet(decl: unknown, scope: Scope, path: string, isSet: boolean): Compiled {
    const key = isSet ? "set" : "let";
    if (decl === null || typeof decl !== "object" || Array.isArray(decl) || Object.keys(decl).length === 0) {
      throw schemaError("PFA_BAD_LET", `${key} needs an object of name: expression`, `${path}/${key}`, decl);
    }
    const assigns: { set: (f: Frame, x: unknown) => void; code: Code }[] = [];
    const pending: [string, AvroType][] = [];
    for (const [name, e] of Object.entries(decl as Record<string, unknown>)) {
      const p = `${path}/${key}/${name}`;
      if (!NAME.test(name)) throw schemaError("PFA_BAD_NAME", `bad variable name ${JSON.stringify(name)}`, p, name);
      const c = this.compile(e, scope, p);
      if (isSet) {
        const v = scope.lookup(name);
        if (!v) throw schemaError("PFA_UNKNOWN_SYMBOL", `set of undeclared variable ${name}`, p, name);
        if (!accepts(v.type, c.type)) throw schemaError("PFA_TYPE_MISMATCH", `cannot set ${name} of type ${typeName(v.type)} to ${typeName(c.type)}`, p);
        assigns.push({ set: this.varSetter(v, scope), code: c.code });
      } else {
        if (scope.vars.has(name)) throw schemaError("PFA_REDECLARED", `variable ${name} is already declared in this scope`, p, name);
        pending.push([name, asAvro(c.type, p, "a variable")]);
        assigns.push({ set: () => undefined, code: c.code });
      }
    }
    if (!isSet) {
      // declared after all right-hand sides are compiled (let is parallel)
      pending.forEach(([name, t], i) => {
        const v = scope.declare(name, t);
        assigns[i] = { set: this.varSetter(v, scope), code: assigns[i]!.code };
      });
    }
    if (assigns.length === 1) {
      const { set, code } = assigns[0]!;
      return {
        type: T.null,
        code: (f) => {
          set(f, code(f));
          return null;
        },
      };
    }
    return {
      type: T.null,
      code: (f) => {
        const vals = assigns.map((a) => a.code(f));
        for (let i = 0; i < assigns.length; i++) assigns[i]!.set(f, vals[i]);
        return null;
      },
    };
  }

  // ------------------------------------------------------------ control flow

  private condition(e: unknown, scope: Scope, path: string): Code {
    const c = this.compile(e, scope, path);
    if (c.type.kind !== "boolean") throw schemaError("PFA_TYPE_MISMATCH", `condition must be boolean, found ${typeName(c.type)}`, path);
    return c.code;
  }

  private compileIf(o: Record<string, unknown>, scope: Scope, path: string): Compiled {
    const test = this.condition(o.if, scope, `${path}/if`);
    if (!("then" in o)) throw schemaError("PFA_BAD_IF", "if needs then", path);
    const then = this.compileBlock(this.bodyOf(o.then), scope.child(), `${path}/then`);
    if (!("else" in o)) {
      const t = then.code;
      return {
        type: T.null,
        code: (f) => {
          if (test(f)) t(f);
          return null;
        },
      };
    }
    const els = this.compileBlock(this.bodyOf(o.else), scope.child(), `${path}/else`);
    const type = broadestType([then.type, els.type]);
    const t = then.code;
    const e = els.code;
    return { type, code: (f) => (test(f) ? t(f) : e(f)) };
  }

  private compileCond(o: Record<string, unknown>, scope: Scope, path: string): Compiled {
    if (!Array.isArray(o.cond) || o.cond.length === 0) throw schemaError("PFA_BAD_COND", "cond needs a non-empty array", `${path}/cond`, o.cond);
    const clauses = o.cond.map((c, i) => {
      const cp = `${path}/cond/${i}`;
      if (c === null || typeof c !== "object" || !("if" in c) || !("then" in c)) throw schemaError("PFA_BAD_COND", "cond clause needs if and then", cp, c);
      const cc = c as Record<string, unknown>;
      return { test: this.condition(cc.if, scope, `${cp}/if`), then: this.compileBlock(this.bodyOf(cc.then), scope.child(), `${cp}/then`) };
    });
    const els = "else" in o ? this.compileBlock(this.bodyOf(o.else), scope.child(), `${path}/else`) : null;
    const type = els ? broadestType([...clauses.map((c) => c.then.type), els.type]) : T.null;
    const tests = clauses.map((c) => c.test);
    const thens = clauses.map((c) => c.then.code);
    const elseCode = els?.code;
    return {
      type,
      code: (f) => {
        for (let i = 0; i < tests.length; i++) {
          if (tests[i]!(f)) {
            const r = thens[i]!(f);
            return elseCode ? r : null;
          }
        }
        return elseCode ? elseCode(f) : null;
      },
    };
  }

  private compileWhile(o: Record<string, unknown>, scope: Scope, path: string): Compiled {
    const test = this.condition(o.while, scope, `${path}/while`);
    const body = this.compileBlock(this.bodyOf(o.do), scope.child(), `${path}/do`).code;
    const rt = this.inp.rt;
    return {
      type: T.null,
      code: (f) => {
        while (test(f)) {
          if (--rt.budget <= 0 || --rt.clock.ticks <= 0) checkTimeout(rt);
          body(f);
        }
        return null;
      },
    };
  }

  private compileDoUntil(o: Record<string, unknown>, scope: Scope, path: string): Compiled {
    const inner = scope.child();
    const body = this.compileBlock(this.bodyOf(o.do), inner, `${path}/do`).code;
    const test = this.condition(o.until, inner, `${path}/until`);
    const rt = this.inp.rt;
    return {
      type: T.null,
      code: (f) => {
        do {
          if (--rt.budget <= 0 || --rt.clock.ticks <= 0) checkTimeout(rt);
          body(f);
        } while (!test(f));
        return null;
      },
    };
  }

  private compileFor(o: Record<string, unknown>, scope: Scope, path: string): Compiled {
    const loop = scope.child();
    const init = this.compileLet(o.for, loop, `${path}/for`.replace(/\/for$/, ""), false);
    const test = this.condition(o.while, loop, `${path}/while`);
    const step = this.compileLet(o.step, loop, `${path}/step`.replace(/\/step$/, ""), true);
    const body = this.compileBlock(this.bodyOf(o.do), loop.child(), `${path}/do`).code;
    const rt = this.inp.rt;
    const ic = init.code;
    const sc = step.code;
    return {
      type: T.null,
      code: (f) => {
        for (ic(f); test(f); sc(f)) {
          if (--rt.budget <= 0 || --rt.clock.ticks <= 0) checkTimeout(rt);
          body(f);
        }
        return null;
      },
    };
  }

  private compileForeach(o: Record<string, unknown>, scope: Scope, path: string): Compiled {
    const name = o.foreach;
    if (typeof name !== "string" || !NAME.test(name)) throw schemaError("PFA_BAD_NAME", "foreach needs a variable name", `${path}/foreach`, name);
    const arr = this.compile(o.in, scope, `${path}/in`);
    if (arr.type.kind !== "array") throw schemaError("PFA_TYPE_MISMATCH", `foreach needs an array, found ${typeName(arr.type)}`, `${path}/in`);
    const loop = scope.child();
    const v = loop.declare(name, arr.type.items);
    const set = this.varSetter(v, loop);
    const body = this.compileBlock(this.bodyOf(o.do), loop.child(), `${path}/do`).code;
    const rt = this.inp.rt;
    const ac = arr.code;
    return {
      type: T.null,
      code: (f) => {
        const a = ac(f) as unknown[];
        for (let i = 0; i < a.length; i++) {
          if (--rt.budget <= 0 || --rt.clock.ticks <= 0) checkTimeout(rt);
          set(f, a[i]);
          body(f);
        }
        return null;
      },
    };
  }

  private compileForkey(o: Record<string, unknown>, scope: Scope, path: string): Compiled {
    const kname = o.forkey;
    const vname = o.forval;
    if (typeof kname !== "string" || !NAME.test(kname) || typeof vname !== "string" || !NAME.test(vname)) {
      throw schemaError("PFA_BAD_NAME", "forkey/forval need variable names", path);
    }
    const m = this.compile(o.in, scope, `${path}/in`);
    if (m.type.kind !== "map") throw schemaError("PFA_TYPE_MISMATCH", `forkey needs a map, found ${typeName(m.type)}`, `${path}/in`);
    const loop = scope.child();
    const setK = this.varSetter(loop.declare(kname, T.string), loop);
    const setV = this.varSetter(loop.declare(vname, m.type.values), loop);
    const body = this.compileBlock(this.bodyOf(o.do), loop.child(), `${path}/do`).code;
    const rt = this.inp.rt;
    const mc = m.code;
    return {
      type: T.null,
      code: (f) => {
        const mm = mc(f) as Record<string, unknown>;
        for (const k of Object.keys(mm)) {
          if (--rt.budget <= 0 || --rt.clock.ticks <= 0) checkTimeout(rt);
          setK(f, k);
          setV(f, mm[k]);
          body(f);
        }
        return null;
      },
    };
  }

  private compileCast(o: Record<string, unknown>, scope: Scope, path: string): Compiled {
    const e = this.compile(o.cast, scope, `${path}/cast`);
    if (!Array.isArray(o.cases)) throw schemaError("PFA_BAD_CAST", "cast needs cases", `${path}/cases`);
    const branches: readonly AvroType[] = e.type.kind === "union" ? e.type.types : [asAvro(e.type, path, "cast")];
    const partial = o.partial === true;
    const cases = o.cases.map((c, i) => {
      const cp = `${path}/cases/${i}`;
      if (c === null || typeof c !== "object") throw schemaError("PFA_BAD_CAST", "cast case needs as, named and do", cp, c);
      const cc = c as Record<string, unknown>;
      const t = this.inp.registry.parse(cc.as, `${cp}/as`);
      if (typeof cc.named !== "string" || !NAME.test(cc.named)) throw schemaError("PFA_BAD_NAME", "cast case needs a variable name", `${cp}/named`, cc.named);
      if (!branches.some((b) => accepts(t, b)))
        throw schemaError("PFA_TYPE_MISMATCH", `cast case ${typeName(t)} matches no branch of ${typeName(e.type)}`, `${cp}/as`);
      const inner = scope.child();
      const v = inner.declare(cc.named, t);
      const body = this.compileBlock(this.bodyOf(cc.do), inner, `${cp}/do`);
      return { t, set: this.varSetter(v, inner), body };
    });
    // each union branch goes to the first case that accepts it
    const branchCase = branches.map((b) => cases.findIndex((c) => accepts(c.t, b)));
    if (!partial && branchCase.some((i) => i < 0)) {
      throw schemaError("PFA_CAST_INCOMPLETE", `cast cases do not cover every branch of ${typeName(e.type)} (use "partial": true)`, `${path}/cases`);
    }
    const type = partial ? T.null : broadestType(cases.map((c) => c.body.type));
    const ec = e.code;
    return {
      type,
      code: (f) => {
        const v = ec(f);
        const bi = branches.length === 1 ? 0 : unionBranchIndex(branches, v);
        const ci = branchCase[bi];
        if (ci === undefined || ci < 0) return null;
        const c = cases[ci]!;
        c.set(f, v);
        const r = c.body.code(f);
        return partial ? null : r;
      },
    };
  }

  private compileIfNotNull(o: Record<string, unknown>, scope: Scope, path: string): Compiled {
    const decl = o.ifnotnull;
    if (decl === null || typeof decl !== "object" || Array.isArray(decl) || Object.keys(decl).length === 0) {
      throw schemaError("PFA_BAD_IFNOTNULL", "ifnotnull needs an object of name: expression", `${path}/ifnotnull`, decl);
    }
    const inner = scope.child();
    const binds = Object.entries(decl as Record<string, unknown>).map(([name, e]) => {
      const p = `${path}/ifnotnull/${name}`;
      const c = this.compile(e, scope, p);
      if (c.type.kind !== "union" || !c.type.types.some((t) => t.kind === "null")) {
        throw schemaError("PFA_TYPE_MISMATCH", `ifnotnull needs a union with null, found ${typeName(c.type)}`, p);
      }
      const rest = c.type.types.filter((t) => t.kind !== "null");
      const t = rest.length === 1 ? rest[0]! : T.union(rest);
      return { code: c.code, set: this.varSetter(inner.declare(name, t), inner) };
    });
    const then = this.compileBlock(this.bodyOf(o.then), inner, `${path}/then`);
    const els = "else" in o ? this.compileBlock(this.bodyOf(o.else), scope.child(), `${path}/else`) : null;
    const type = els ? broadestType([then.type, els.type]) : T.null;
    const tc = then.code;
    const ecode = els?.code;
    return {
      type,
      code: (f) => {
        const vals = binds.map((b) => b.code(f));
        if (vals.some((v) => v === null)) return ecode ? ecode(f) : null;
        for (let i = 0; i < binds.length; i++) binds[i]!.set(f, vals[i]);
        const r = tc(f);
        return ecode ? r : null;
      },
    };
  }

  private compileError(o: Record<string, unknown>, path: string): Compiled {
    const msg = o.error;
    if (typeof msg !== "string") throw schemaError("PFA_BAD_ERROR", "error needs a message string", `${path}/error`, msg);
    const code = o.code;
    if (code !== undefined && (typeof code !== "number" || !Number.isInteger(code)))
      throw schemaError("PFA_BAD_ERROR", "error code must be an integer", `${path}/code`, code);
    return {
      type: T.exception,
      code: () => {
        throw new EvaluationError("PFA_USER_ERROR", msg, { pfaCode: code as number | undefined });
      },
    };
  }

  private compileTry(o: Record<string, unknown>, scope: Scope, path: string): Compiled {
    const body = this.compileBlock(this.bodyOf(o.try), scope.child(), `${path}/try`);
    const filter = Array.isArray(o.filter) ? o.filter : null;
    const t = asAvro(body.type, path, "try");
    const type = t.kind === "null" ? T.null : broadestType([t, T.null]);
    const bc = body.code;
    return {
      type,
      code: (f) => {
        try {
          return bc(f);
        } catch (e) {
          if (!(e instanceof EvaluationError) || LIMIT_CODES.has(e.code)) throw e;
          if (filter && !filter.some((x) => x === e.message || x === e.pfaCode)) throw e;
          return null;
        }
      },
    };
  }

  private compileLog(o: Record<string, unknown>, scope: Scope, path: string): Compiled {
    const items = this.bodyOf(o.log).map((e, i) => this.compile(e, scope, `${path}/log/${i}`).code);
    const ns = typeof o.namespace === "string" ? o.namespace : undefined;
    const rt = this.inp.rt;
    return {
      type: T.null,
      code: (f) => {
        rt.log(
          items.map((c) => c(f)),
          ns,
        );
        return null;
      },
    };
  }

  // ------------------------------------------------------------ attr, cell, pool

  private compilePathSteps(base: AvroType, pathExprs: unknown, scope: Scope, path: string): { steps: Step[]; type: AvroType } {
    if (!Array.isArray(pathExprs) || pathExprs.length === 0) throw schemaError("PFA_BAD_PATH", "path needs a non-empty array", path, pathExprs);
    const steps: Step[] = [];
    let t: AvroType = base;
    pathExprs.forEach((pe, i) => {
      const p = `${path}/${i}`;
      if (t.kind === "record") {
        const name = literalString(pe);
        if (name === undefined) throw schemaError("PFA_BAD_PATH", "a record field in a path must be a string literal", p, pe);
        const field = t.fields.find((fl) => fl.name === name);
        if (!field) throw schemaError("PFA_BAD_PATH", `record ${t.fullName} has no field ${name}`, p, name);
        steps.push({ kind: "field", name });
        t = field.type;
      } else if (t.kind === "array") {
        const c = this.compile(pe, scope, p);
        if (c.type.kind !== "int" && c.type.kind !== "long") throw schemaError("PFA_TYPE_MISMATCH", `array index must be int, found ${typeName(c.type)}`, p);
        steps.push({ kind: "index", code: c.code });
        t = t.items;
      } else if (t.kind === "map") {
        const c = this.compile(pe, scope, p);
        if (c.type.kind !== "string") throw schemaError("PFA_TYPE_MISMATCH", `map key must be string, found ${typeName(c.type)}`, p);
        steps.push({ kind: "key", code: c.code });
        t = t.values;
      } else {
        throw schemaError("PFA_BAD_PATH", `cannot index into ${typeName(t)}`, p);
      }
    });
    return { steps, type: t };
  }

  /** `{"attr": ..., "path": [...]}` and with `"to"` (returns an updated copy). */
  private compileAttr(o: Record<string, unknown>, scope: Scope, path: string): Compiled {
    const base = this.compile(o.attr, scope, `${path}/attr`);
    const bt = asAvro(base.type, `${path}/attr`, "attr");
    const { steps, type } = this.compilePathSteps(bt, o.path, scope, `${path}/path`);
    const bc = base.code;
    if (!("to" in o)) {
      if (steps.length === 1) {
        const s = steps[0]!;
        if (s.kind === "field") {
          const n = s.name;
          return { type, code: (f) => bc(f)[n] };
        }
      }
      return { type, code: (f) => getPath(bc(f), steps, f) };
    }
    const upd = this.updater(o.to, type, scope, `${path}/to`);
    return { type: bt, code: (f) => setPath(bc(f), steps, 0, f, upd) };
  }

  /** `to` is a value or a function from old value to new value. */
  private updater(to: unknown, t: AvroType, scope: Scope, path: string): (f: Frame, old: unknown) => unknown {
    if (isFunctionArg(to)) {
      const fa = this.compileFcnArg(to, scope, path);
      const ft = fa.type.kind === "libfcn" ? fa.type.resolve([t]) : fa.type;
      if (ft?.kind !== "fcn" || ft.params.length !== 1 || !accepts(ft.params[0]!, t) || !accepts(t, ft.ret)) {
        throw schemaError("PFA_TYPE_MISMATCH", `update function must take and return ${typeName(t)}`, path);
      }
      const mk = fa.make(ft);
      return (f, old) => mk(f)(old);
    }
    const c = this.checked(to, t, scope, path);
    return (f) => c(f);
  }

  private compileCell(o: Record<string, unknown>, scope: Scope, path: string, pool: boolean): Compiled {
    const key = pool ? "pool" : "cell";
    const name = o[key];
    if (typeof name !== "string") throw schemaError("PFA_BAD_CELL", `${key} needs a name`, `${path}/${key}`, name);
    const info = this.inp.cells.get(`${key}:${name}`);
    if (!info) throw schemaError("PFA_UNKNOWN_CELL", `unknown ${key} ${JSON.stringify(name)}`, `${path}/${key}`, name);
    const rt = this.inp.rt;
    if (!pool) {
      const cells = rt.cells;
      if (!("path" in o) && !("to" in o)) return { type: info.type, code: () => cells[name] };
      let steps: Step[] = [];
      let t = info.type;
      if ("path" in o) ({ steps, type: t } = this.compilePathSteps(info.type, o.path, scope, `${path}/path`));
      if (!("to" in o)) return { type: t, code: (f) => getPath(cells[name], steps, f) };
      const upd = this.updater(o.to, t, scope, `${path}/to`);
      const state = rt.state;
      // the new value is charged to the state budget before it replaces the old one
      if (steps.length === 0)
        return {
          type: info.type,
          code: (f) => {
            const old = cells[name];
            const v = upd(f, old);
            state.cell(name, v, old);
            return (cells[name] = v);
          },
        };
      return {
        type: info.type,
        code: (f) => {
          const old = cells[name];
          const v = setPath(old, steps, 0, f, upd);
          state.cell(name, v, old);
          return (cells[name] = v);
        },
      };
    }
    // pools: the first path element is the item's string key
    if (!Array.isArray(o.path) || o.path.length === 0) throw schemaError("PFA_BAD_PATH", "pool needs a path starting with a string key", `${path}/path`);
    const keyC = this.compile(o.path[0], scope, `${path}/path/0`);
    if (keyC.type.kind !== "string") throw schemaError("PFA_TYPE_MISMATCH", "pool key must be a string", `${path}/path/0`);
    let steps: Step[] = [];
    let t = info.type;
    if (o.path.length > 1) ({ steps, type: t } = this.compilePathSteps(info.type, o.path.slice(1), scope, `${path}/path`));
    const pools = rt.pools;
    const kc = keyC.code;
    if (!("to" in o)) {
      return {
        type: t,
        code: (f) => {
          const k = kc(f) as string;
          const p = pools[name]!;
          if (!Object.hasOwn(p, k)) throw pfaError(2002, `pool item ${JSON.stringify(k)} not found`, k);
          return steps.length ? getPath(p[k], steps, f) : p[k];
        },
      };
    }
    const upd = this.updater(o.to, t, scope, `${path}/to`);
    const state = rt.state;
    const init = "init" in o ? this.checked(o.init, info.type, scope, `${path}/init`) : null;
    return {
      type: info.type,
      code: (f) => {
        const k = kc(f) as string;
        const p = pools[name]!;
        let cur: unknown;
        if (Object.hasOwn(p, k)) cur = p[k];
        else if (init) cur = init(f);
        else throw pfaError(2002, `pool item ${JSON.stringify(k)} not found and no init`, k);
        const next = steps.length ? setPath(cur, steps, 0, f, upd) : upd(f, cur);
        state.poolItem(name, k, next, cur);
        p[k] = next;
        return next;
      },
    };
  }

  // ------------------------------------------------------------ function calls

  private compileFcnArg(
    arg: Record<string, unknown>,
    scope: Scope,
    path: string,
  ): { type: FcnType | LibFcnArg; make: (resolved: FcnType) => (f: Frame) => (...a: any[]) => any } {
    if ("params" in arg) {
      const def = fcnDef(arg, path);
      const params = def.params.map((p, i) => this.inp.registry.parse(p.type, `${path}/params/${i}/${p.name}`));
      const ret = this.inp.registry.parse(def.ret, `${path}/ret`);
      const mk = this.compileFunction(def, scope, "inline function");
      return { type: { kind: "fcn", params, ret }, make: () => mk };
    }
    const name = arg.fcn;
    if (typeof name !== "string") throw schemaError("PFA_BAD_FCNREF", "fcn needs a function name", `${path}/fcn`, name);
    const fill = arg.fill;
    const fills: [string, Compiled][] = [];
    if (fill !== undefined) {
      if (fill === null || typeof fill !== "object" || Array.isArray(fill)) throw schemaError("PFA_BAD_FCNREF", "fill needs an object", `${path}/fill`, fill);
      for (const [k, e] of Object.entries(fill)) fills.push([k, this.compile(e, scope, `${path}/fill/${k}`)]);
    }
    const user = this.userFcns.get(name);
    if (user) {
      if (fills.length === 0) return { type: user.type, make: () => () => user.fn! };
      const idx = fills.map(([k, c]) => {
        const i = user.paramNames.indexOf(k);
        if (i < 0) throw schemaError("PFA_BAD_FCNREF", `${name} has no parameter ${k}`, `${path}/fill/${k}`, k);
        if (!accepts(user.type.params[i]!, c.type)) throw schemaError("PFA_TYPE_MISMATCH", `fill ${k} has the wrong type`, `${path}/fill/${k}`);
        return i;
      });
      const restParams = user.type.params.filter((_, i) => !idx.includes(i));
      const type: FcnType = { kind: "fcn", params: restParams, ret: user.type.ret };
      return {
        type,
        make: () =>
          curry(
            () => user.fn!,
            user.type.params.length,
            idx,
            fills.map(([, c]) => c.code),
          ),
      };
    }
    const entry = this.lib.get(name);
    if (!entry || !LIBRARY[name]) throw schemaError("PFA_UNKNOWN_FUNCTION", `unknown function ${JSON.stringify(name)}`, `${path}/fcn`, name);
    this.usedFunctions.add(name);
    let chosen: { make: (f: Frame) => (...a: any[]) => any } | null = null;
    const rt = this.inp.rt;
    const libArg: LibFcnArg = {
      kind: "libfcn",
      name,
      resolve: (params) => {
        for (const sig of entry.sigs) {
          if (sig.params.length !== params.length + fills.length) continue;
          const fillIdx = fills.map(([k]) => sig.params.findIndex((p) => p.name === k));
          if (fillIdx.some((i) => i < 0)) continue;
          const args: ArgType[] = [];
          let r = 0;
          for (let i = 0; i < sig.params.length; i++) {
            const fi = fillIdx.indexOf(i);
            args.push(fi >= 0 ? fills[fi]![1].type : params[r++]!);
          }
          const m = matchSignature({ name, sigs: [sig] }, args);
          if (!m) continue;
          const impl = LIBRARY[name]!({
            name,
            sigIndex: entry.sigs.indexOf(sig),
            argTypes: m.argTypes,
            paramTypes: m.paramTypes,
            retType: m.ret,
            bindings: m.bindings,
            rt,
          });
          chosen =
            fills.length === 0
              ? { make: () => impl }
              : {
                  make: curry(
                    () => impl,
                    sig.params.length,
                    fillIdx,
                    fills.map(([, c]) => c.code),
                  ),
                };
          return { kind: "fcn", params, ret: m.ret };
        }
        return null;
      },
    };
    return {
      type: libArg,
      make: () => {
        if (!chosen) throw schemaError("PFA_TYPE_MISMATCH", `cannot use ${name} here`, path);
        return chosen.make;
      },
    };
  }

  private compileCall(name: string, rawArgs: unknown, scope: Scope, path: string): Compiled {
    const args = Array.isArray(rawArgs) ? rawArgs : [rawArgs];
    const argPath = (i: number) => (Array.isArray(rawArgs) ? `${path}/${name}/${i}` : `${path}/${name}`);
    if (name === "emit") return this.compileEmit(args, scope, path);
    const user = this.userFcns.get(name);
    if (user) {
      if (args.length !== user.type.params.length) {
        throw schemaError("PFA_WRONG_ARITY", `${name} takes ${user.type.params.length} arguments, not ${args.length}`, path, name);
      }
      const codes = args.map((a, i) => {
        if (isFunctionArg(a)) throw schemaError("PFA_TYPE_MISMATCH", "user functions take no function arguments", argPath(i));
        return this.checked(a, user.type.params[i]!, scope, argPath(i));
      });
      return { type: user.type.ret, code: callCode(() => user.fn!, codes) };
    }
    const entry = this.lib.get(name);
    const impl = LIBRARY[name];
    if (!entry || !impl) throw schemaError("PFA_UNKNOWN_FUNCTION", `unknown function ${JSON.stringify(name)}`, path, name);
    this.usedFunctions.add(name);

    type Arg = { fn?: ReturnType<Compiler["compileFcnArg"]>; value?: Compiled };
    const compiledArgs: Arg[] = args.map((a, i) =>
      isFunctionArg(a) ? { fn: this.compileFcnArg(a, scope, argPath(i)) } : { value: this.compile(a, scope, argPath(i)) },
    );
    const argTypes: ArgType[] = compiledArgs.map((c) => (c.fn ? c.fn.type : c.value!.type));
    const m = matchSignature(entry, argTypes);
    if (!m) throw noMatchError(name, entry, argTypes, path);
    const site: CallSite = { name, sigIndex: m.index, argTypes: m.argTypes, paramTypes: m.paramTypes, retType: m.ret, bindings: m.bindings, rt: this.inp.rt };
    const fn = impl(site);
    const codes: Code[] = compiledArgs.map((c, i) => {
      if (c.fn) return c.fn.make(m.argTypes[i] as FcnType);
      const code = c.value!.code;
      // long values beyond 2^53 are bigint; a float/double parameter needs a number
      if (m.argTypes[i]!.kind === "long" && (m.paramTypes[i]!.kind === "double" || m.paramTypes[i]!.kind === "float")) {
        return (f: Frame) => {
          const v = code(f);
          return typeof v === "bigint" ? Number(v) : v;
        };
      }
      return code;
    });
    if (name === "&&" || name === "||" || name === "&&&" || name === "|||") return { type: m.ret, code: lazyLogic(name, codes[0]!, codes[1]!) };
    return { type: m.ret, code: callCode(() => fn, codes, fn) };
  }

  private compileEmit(args: unknown[], scope: Scope, path: string): Compiled {
    if (this.inp.method !== "emit") throw schemaError("PFA_UNKNOWN_FUNCTION", "emit is only available in emit engines", path, "emit");
    if (args.length !== 1) throw schemaError("PFA_WRONG_ARITY", "emit takes one argument", path);
    const c = this.checked(args[0], this.inp.outputType, scope, `${path}/emit`);
    const rt = this.inp.rt;
    return {
      type: T.null,
      code: (f) => {
        rt.emit(c(f));
        return null;
      },
    };
  }
}

type Step = { kind: "field"; name: string } | { kind: "index"; code: Code } | { kind: "key"; code: Code };

function literalString(pe: unknown): string | undefined {
  if (pe !== null && typeof pe === "object") {
    if (Array.isArray(pe)) return pe.length === 1 && typeof pe[0] === "string" ? pe[0] : undefined;
    const o = pe as Record<string, unknown>;
    if (Object.keys(o).length === 1 && typeof o.string === "string") return o.string;
  }
  return undefined;
}

function index(a: unknown[], i: unknown): number {
  const n = Number(i);
  if (n < 0 || n >= a.length) throw pfaError(2000, `array index ${n} out of range`, n);
  return n;
}
function mapKey(m: Record<string, unknown>, k: string): string {
  if (!Object.hasOwn(m, k)) throw pfaError(2001, `map key ${JSON.stringify(k)} not found`, k);
  return k;
}

function getPath(v: any, steps: readonly Step[], f: Frame): unknown {
  for (const s of steps) {
    if (s.kind === "field") v = v[s.name];
    else if (s.kind === "index") v = v[index(v, s.code(f))];
    else v = v[mapKey(v, s.code(f))];
  }
  return v;
}

function setPath(v: any, steps: readonly Step[], i: number, f: Frame, upd: (f: Frame, old: unknown) => unknown): unknown {
  if (i === steps.length) return upd(f, v);
  const s = steps[i]!;
  if (s.kind === "index") {
    const copy = (v as unknown[]).slice();
    const j = index(copy, s.code(f));
    copy[j] = setPath(copy[j], steps, i + 1, f, upd);
    return copy;
  }
  const k = s.kind === "field" ? s.name : mapKey(v, s.code(f));
  const copy = Object.assign(newMap(), v);
  copy[k] = setPath(copy[k], steps, i + 1, f, upd);
  return copy;
}

function isFunctionArg(a: unknown): a is Record<string, unknown> {
  return a !== null && typeof a === "object" && !Array.isArray(a) && ("fcn" in a || ("params" in a && "ret" in a && "do" in a));
}

function curry(target: () => (...a: any[]) => any, arity: number, fillIdx: readonly number[], fillCodes: readonly Code[]) {
  return (f: Frame) => {
    const filled = fillCodes.map((c) => c(f));
    return (...rest: any[]) => {
      const args = new Array(arity);
      let r = 0;
      for (let i = 0; i < arity; i++) {
        const fi = fillIdx.indexOf(i);
        args[i] = fi >= 0 ? filled[fi] : rest[r++];
      }
      return target()(...args);
    };
  };
}

function callCode(get: () => (...a: any[]) => any, codes: readonly Code[], direct?: (...a: any[]) => any): Code {
  const fn = direct;
  if (fn) {
    switch (codes.length) {
      case 0:
        return () => fn();
      case 1: {
        const [a] = codes as [Code];
        return (f) => fn(a(f));
      }
      case 2: {
        const [a, b] = codes as [Code, Code];
        return (f) => fn(a(f), b(f));
      }
      case 3: {
        const [a, b, c] = codes as [Code, Code, Code];
        return (f) => fn(a(f), b(f), c(f));
      }
      case 4: {
        const [a, b, c, d] = codes as [Code, Code, Code, Code];
        return (f) => fn(a(f), b(f), c(f), d(f));
      }
      default:
        return (f) => fn(...codes.map((c) => c(f)));
    }
  }
  return (f) => get()(...codes.map((c) => c(f)));
}

/** `&&`, `||` and Kleene's `&&&`, `|||` evaluate their second argument only when needed. */
function lazyLogic(name: string, a: Code, b: Code): Code {
  switch (name) {
    case "&&":
      return (f) => a(f) && b(f);
    case "||":
      return (f) => a(f) || b(f);
    case "&&&":
      return (f) => {
        const x = a(f);
        if (x === false) return false;
        const y = b(f);
        if (y === false) return false;
        return x === true && y === true ? true : null;
      };
    default:
      return (f) => {
        const x = a(f);
        if (x === true) return true;
        const y = b(f);
        if (y === true) return true;
        return x === false && y === false ? false : null;
      };
  }
}

export type { CellInfo, UnionType, RecordType };
