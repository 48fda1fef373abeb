/**
 * The PFA checker and closure compiler (spec §4, §5): each node of the syntax tree (`ast/`) is
 * checked once — its type inferred and checked against the forms' and library signatures'
 * rules, its names resolved — and turned into a closure `(frame) => value`. Running an engine
 * never walks the tree again. Each expression's type is recorded in `types`, each call's
 * resolution in `calls` (the tree-walking interpreter evaluates with both).
 *
 * The forms are compiled by concern: control flow in `control.ts`, cells, pools and paths in
 * `state.ts`, calls and function values in `calls.ts`; literals, variables and `new` here.
 */
import type { Block, CallNode, ExprNode, FcnDefNode, LetNode, NewNode, TypeRef, ValueNode } from "../ast/nodes.ts";
import { checkArrayLength, readWallClock } from "../limits.ts";
import { signatureTable } from "../signatures.ts";
import { accepts, T, typeName, type AvroType, type ExprType, type FcnType } from "../types.ts";
import { decodeAvroJson, newMap } from "../values.ts";
import { compileCall, compileEmit } from "./calls.ts";
import { asAvro, schemaError, type Compiled, type CompilerInput, type ResolvedCall, type UserFcn } from "./compiled.ts";
import {
  compileCast,
  compileCond,
  compileDoUntil,
  compileFor,
  compileForeach,
  compileForkeyval,
  compileIf,
  compileIfNotNull,
  compileTry,
  compileWhile,
  compileError,
  compileLog,
} from "./control.ts";
import { FnCtx, Scope, varCode, varSetter, type Code, type Frame } from "./frames.ts";
import { compileAttr, compileCell, compilePool } from "./state.ts";

export type { CellInfo, Compiled, CompilerInput, ResolvedCall, RuntimeState } from "./compiled.ts";

export class Compiler {
  readonly userFcns = new Map<string, UserFcn>();
  readonly lib = signatureTable();
  /** Library functions the document calls or passes by reference (for `describePfa`). */
  readonly usedFunctions = new Set<string>();
  /** The type of every expression checked. */
  readonly types = new Map<ExprNode, ExprType>();
  /** What every call node calls. */
  readonly calls = new Map<CallNode, ResolvedCall>();

  constructor(readonly inp: CompilerInput) {
    for (const [name, def] of inp.fcns) {
      this.userFcns.set(`u.${name}`, { type: this.fcnType(def), paramNames: def.params.map((p) => p.name), fn: null });
    }
    for (const [name, def] of inp.fcns) {
      const uf = this.userFcns.get(`u.${name}`)!;
      uf.fn = this.compileFunction(def, null, `u.${name}`)(null as unknown as Frame);
    }
  }

  resolve(ref: TypeRef): AvroType {
    return this.inp.registry.parse(ref.json, ref.path);
  }

  fcnType(def: FcnDefNode): FcnType {
    return { kind: "fcn", params: def.params.map((p) => this.resolve(p.type)), ret: this.resolve(def.ret) };
  }

  /** Compile a top-level body (begin, action, end) with the given predeclared symbols. */
  compileBody(body: Block, symbols: Record<string, AvroType>): { type: ExprType; run: (values: unknown[]) => unknown } {
    const ctx = new FnCtx(null);
    const scope = new Scope(null, ctx);
    const slots = Object.entries(symbols).map(([n, t]) => scope.declare(n, t).slot);
    const compiled = this.block(body, scope);
    return {
      type: compiled.type,
      run: (values) => {
        const f: Frame = new Array(ctx.nslots);
        f[0] = null;
        for (let i = 0; i < slots.length; i++) f[slots[i]!] = values[i];
        return compiled.code(f);
      },
    };
  }

  /** A function value maker: given the frame it is created in, the JS function (a new frame per call). */
  compileFunction(def: FcnDefNode, outer: Scope | null, what: string): (f: Frame) => (...args: any[]) => any {
    const ctx = new FnCtx(outer ? outer.ctx : null);
    const scope = new Scope(outer, ctx);
    const type = this.fcnType(def);
    const slots = def.params.map((p, i) => scope.declare(p.name, type.params[i]!).slot);
    const body = this.block(def.body, scope);
    if (!accepts(type.ret, body.type)) {
      throw schemaError("PFA_TYPE_MISMATCH", `${what} declares ret ${typeName(type.ret)} but its body returns ${typeName(body.type)}`, def.body.path);
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

  /** A body in `scope` (the caller gives a child scope where the body's variables must not leak). */
  block(body: Block, scope: Scope): Compiled {
    const parts = body.exprs.map((e) => this.compile(e, scope));
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

  compile(node: ExprNode, scope: Scope): Compiled {
    const c = this.compileNode(node, scope);
    this.types.set(node, c.type);
    return c;
  }

  /** Compile `e` and check that a slot of type `t` accepts it. */
  checked(e: ExprNode, t: AvroType, scope: Scope): Code {
    const c = this.compile(e, scope);
    if (!accepts(t, c.type)) throw schemaError("PFA_TYPE_MISMATCH", `expected ${typeName(t)}, found ${typeName(c.type)}`, e.path);
    return c.code;
  }

  condition(e: ExprNode, scope: Scope): Code {
    const c = this.compile(e, scope);
    if (c.type.kind !== "boolean") throw schemaError("PFA_TYPE_MISMATCH", `condition must be boolean, found ${typeName(c.type)}`, e.path);
    return c.code;
  }

  private compileNode(node: ExprNode, scope: Scope): Compiled {
    switch (node.kind) {
      case "literal": {
        const v = node.value;
        return { type: T[node.type], code: () => v };
      }
      case "value":
        return this.compileValue(node);
      case "ref": {
        const v = scope.lookup(node.name);
        if (!v) throw schemaError("PFA_UNKNOWN_SYMBOL", `unknown symbol ${JSON.stringify(node.name)}`, node.path, node.name);
        return { type: v.type, code: varCode(v, scope) };
      }
      case "new":
        return this.compileNew(node, scope);
      case "let":
      case "set":
        return this.compileLet(node, scope);
      case "do":
        return this.block(node.body, scope.child());
      case "if":
        return compileIf(this, node, scope);
      case "cond":
        return compileCond(this, node, scope);
      case "while":
        return compileWhile(this, node, scope);
      case "doUntil":
        return compileDoUntil(this, node, scope);
      case "for":
        return compileFor(this, node, scope);
      case "foreach":
        return compileForeach(this, node, scope);
      case "forkeyval":
        return compileForkeyval(this, node, scope);
      case "cast":
        return compileCast(this, node, scope);
      case "upcast": {
        const e = this.compile(node.expr, scope);
        const t = this.resolve(node.type);
        if (!accepts(t, e.type)) throw schemaError("PFA_TYPE_MISMATCH", `cannot upcast ${typeName(e.type)} to ${typeName(t)}`, node.path);
        return { type: t, code: e.code };
      }
      case "ifnotnull":
        return compileIfNotNull(this, node, scope);
      case "attr":
        return compileAttr(this, node, scope);
      case "cell":
        return compileCell(this, node, scope);
      case "pool":
        return compilePool(this, node, scope);
      case "call":
        return compileCall(this, node, scope);
      case "emit":
        return compileEmit(this, node, scope);
      case "doc":
        return { type: T.null, code: () => null };
      case "error":
        return compileError(node);
      case "try":
        return compileTry(this, node, scope);
      case "log":
        return compileLog(this, node, scope);
      default:
        return unreachable(node);
    }
  }

  private compileValue(node: ValueNode): Compiled {
    const t = this.resolve(node.type);
    const v = decodeAvroJson(t, node.value, `${node.path}/value`, this.inp.limits);
    return { type: t, code: () => v };
  }

  private compileNew(node: NewNode, scope: Scope): Compiled {
    const t = this.resolve(node.type);
    const content = node.content;
    if (t.kind === "array") {
      if (content.shape !== "array") throw schemaError("PFA_BAD_NEW", "new array needs a JSON array", node.newPath, newValue(node));
      checkArrayLength(this.inp.limits, content.items.length, "new array", node.newPath);
      const items = content.items.map((e) => this.checked(e, t.items, scope));
      return { type: t, code: (f) => items.map((c) => c(f)) };
    }
    if (t.kind === "map" || t.kind === "record") {
      if (content.shape !== "object") throw schemaError("PFA_BAD_NEW", "new map/record needs a JSON object", node.newPath, newValue(node));
      const given = new Set(content.fields.map(([k]) => k));
      if (t.kind === "record") {
        const names = new Set(t.fields.map((f) => f.name));
        for (const [k] of content.fields) if (!names.has(k)) throw schemaError("PFA_BAD_NEW", `record ${t.fullName} has no field ${k}`, `${node.newPath}/${k}`);
        for (const f of t.fields) if (!given.has(f.name)) throw schemaError("PFA_BAD_NEW", `new ${t.fullName} lacks field ${f.name}`, node.newPath);
      }
      const parts = content.fields.map(
        ([k, e]) => [k, this.checked(e, t.kind === "map" ? t.values : t.fields.find((f) => f.name === k)!.type, scope)] as const,
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
    throw schemaError("PFA_BAD_NEW", `new needs an array, map or record type, not ${typeName(t)}`, node.type.path);
  }

  /** `let` declares in `scope`, `set` assigns variables declared around it; both evaluate every right-hand side first. */
  compileLet(node: LetNode, scope: Scope): Compiled {
    const assigns: { set: (f: Frame, x: unknown) => void; code: Code }[] = [];
    const pending: [string, AvroType][] = [];
    for (const b of node.bindings) {
      const c = this.compile(b.expr, scope);
      if (node.kind === "set") {
        const v = scope.lookup(b.name);
        if (!v) throw schemaError("PFA_UNKNOWN_SYMBOL", `set of undeclared variable ${b.name}`, b.path, b.name);
        if (!accepts(v.type, c.type)) throw schemaError("PFA_TYPE_MISMATCH", `cannot set ${b.name} of type ${typeName(v.type)} to ${typeName(c.type)}`, b.path);
        assigns.push({ set: varSetter(v, scope), code: c.code });
      } else {
        if (scope.vars.has(b.name)) throw schemaError("PFA_REDECLARED", `variable ${b.name} is already declared in this scope`, b.path, b.name);
        pending.push([b.name, asAvro(c.type, b.path, "a variable")]);
        assigns.push({ set: () => undefined, code: c.code });
      }
    }
    if (node.kind === "let") {
      // declared after all right-hand sides are compiled (let is parallel)
      pending.forEach(([name, t], i) => {
        const v = scope.declare(name, t);
        assigns[i] = { set: varSetter(v, scope), code: assigns[i]!.code };
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
}

function newValue(node: NewNode): unknown {
  return node.content.shape === "other" ? node.content.value : undefined;
}

function unreachable(node: never): never {
  throw new Error(`unhandled PFA node ${JSON.stringify(node)}`);
}
