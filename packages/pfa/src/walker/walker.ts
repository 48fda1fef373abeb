/**
 * The reference tree-walking PFA interpreter: the yardstick the compiled engine (compiler.ts) is
 * measured against in `npm run bench -- pfa`.
 *
 * Every call walks the expression JSON again: each node is dispatched on its keys, symbols are
 * looked up by name through a chain of scopes, dotted symbols are split per call, blocks get a
 * fresh scope object. Nothing is turned into closures ahead of time. What is done once, before
 * the first call, is what any interpreter does once: type-check the document (so library
 * functions can be resolved to the signature the spec picks) and bind each library call node to
 * its implementation from `lib/` (shared with the compiled engine, so both compute the same
 * numbers: the comparison measures evaluation strategy, not library code).
 *
 * Scope: the language forms and library functions of real model documents such as
 * fixtures/pfa (literals, symbols and dotted paths, attr, cell reads, new, let, set, do, if,
 * cond, while, library and user-function calls, inline functions as arguments). Anything else
 * is refused while preparing with PFA_WALKER_UNSUPPORTED.
 */
import type { EngineRuntime } from "../lib/site.ts";
import { DEFAULT_MAX_ARRAY_LENGTH, DEFAULT_MAX_STRING_LENGTH } from "../limits.ts";
import { DEFAULT_LIMITS, EvaluationError, SchemaError } from "@porta/ir";
import type { PfaDocument, PfaFcnDef } from "../document.ts";
import { fcnDef } from "../document.ts";
import { LIBRARY } from "../lib/index.ts";
import { Rng } from "../lib/rng.ts";
import { matchSignature, noMatchError, signatureTable, type ArgType } from "../signatures.ts";
import { broadestType, T, TypeRegistry, typeName, type AvroType, type ExprType, type FcnType } from "../types.ts";
import { base64ToBytes, decodeAvroJson, newMap, pfaError } from "../values.ts";

/** A walked (not compiled) PFA document: map engines only. */
export interface PfaWalker {
  readonly inputType: AvroType;
  readonly outputType: AvroType;
  /** Evaluates the action on one decoded input (see `decodeAvroJson`), walking the JSON. */
  action(input: unknown): unknown;
  readonly cells: Readonly<Record<string, unknown>>;
}

/** Forms that are not function calls, as in the compiler (a one-key object otherwise is a call). */
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

/** Forms outside the walker's scope (see the header); refused while preparing. */
const NOT_WALKED = new Set([
  "for",
  "foreach",
  "forkey",
  "forval",
  "until",
  "cast",
  "upcast",
  "ifnotnull",
  "pool",
  "fcn",
  "params",
  "error",
  "try",
  "log",
  "to",
]);

/** Per-call-node facts fixed while preparing: the library implementation and argument coercions. */
interface LibCall {
  readonly kind: "lib";
  readonly name: string;
  readonly fn: (...args: any[]) => any;
  /** Argument positions where a long (possibly a bigint) feeds a double parameter. */
  readonly toDouble: readonly boolean[];
}
interface UserCall {
  readonly kind: "user";
  readonly def: PfaFcnDef;
}

/** Runtime scope: variables by name, chained to the enclosing scope. */
class Scope {
  readonly vars: Record<string, unknown> = Object.create(null);
  constructor(readonly parent: Scope | null) {}
  lookup(name: string): unknown {
    for (let s: Scope | null = this; s; s = s.parent) if (name in s.vars) return s.vars[name];
    throw new EvaluationError("PFA_UNKNOWN_SYMBOL", `unknown symbol ${name}`);
  }
  assign(name: string, value: unknown): void {
    for (let s: Scope | null = this; s; s = s.parent) {
      if (name in s.vars) {
        s.vars[name] = value;
        return;
      }
    }
    throw new EvaluationError("PFA_UNKNOWN_SYMBOL", `set of undeclared variable ${name}`);
  }
}

/** Static scope used while preparing: variable types by name. */
class TypeScope {
  readonly vars = new Map<string, AvroType>();
  constructor(readonly parent: TypeScope | null) {}
  lookup(name: string): AvroType | undefined {
    for (let s: TypeScope | null = this; s; s = s.parent) {
      const t = s.vars.get(name);
      if (t) return t;
    }
    return undefined;
  }
}

function unsupported(what: string, path: string): SchemaError {
  return new SchemaError("PFA_WALKER_UNSUPPORTED", `the tree-walking interpreter does not evaluate ${what}`, { path });
}

function bad(message: string, path: string, value?: unknown): SchemaError {
  return new SchemaError("PFA_BAD_EXPRESSION", message, { path, value });
}

function isFunctionArg(a: unknown): a is Record<string, unknown> {
  return a !== null && typeof a === "object" && !Array.isArray(a) && ("fcn" in a || ("params" in a && "ret" in a && "do" in a));
}

function bodyOf(v: unknown): unknown[] {
  return Array.isArray(v) ? v : [v];
}

/** The field name of a path element that must be a string literal (`["x"]` or `{"string": "x"}`). */
function literalString(pe: unknown): string | undefined {
  if (typeof pe === "object" && pe !== null) {
    if (Array.isArray(pe)) return pe.length === 1 && typeof pe[0] === "string" ? pe[0] : undefined;
    const o = pe as Record<string, unknown>;
    if (Object.keys(o).length === 1 && typeof o.string === "string") return o.string;
  }
  return undefined;
}

export function walkPfa(doc: PfaDocument, options: { randseed?: number; regexSteps?: number } = {}): PfaWalker {
  if (doc.method !== "map") throw unsupported(`${doc.method} engines`, "/method");
  if (doc.begin.length || doc.end.length) throw unsupported("begin/end", "/begin");
  if (Object.keys(doc.pools).length) throw unsupported("pools", "/pools");
  const registry = new TypeRegistry();
  registry.preregister([doc.input, doc.output, doc.cells, doc.fcns, doc.action]);
  const inputType = registry.parse(doc.input, "/input");
  const outputType = registry.parse(doc.output, "/output");
  const rt: EngineRuntime = {
    rng: new Rng(options.randseed ?? doc.randseed),
    maxArrayLength: DEFAULT_MAX_ARRAY_LENGTH,
    maxStringLength: DEFAULT_MAX_STRING_LENGTH,
    regexSteps: options.regexSteps ?? DEFAULT_LIMITS.regexSteps,
  };
  const cells: Record<string, unknown> = Object.create(null);
  const cellTypes = new Map<string, AvroType>();
  for (const [name, c] of Object.entries(doc.cells)) {
    const t = registry.parse(c.type, `${c.path}/type`);
    cellTypes.set(name, t);
    cells[name] = decodeAvroJson(t, c.init, `${c.path}/init`);
  }
  const prepared = new Preparer(registry, cellTypes, doc.fcns, rt);
  const top = new TypeScope(null);
  top.vars.set("input", inputType);
  prepared.block(doc.action, top, "/action");
  const walker = new Walker(prepared.calls, prepared.constants, cells);
  return {
    inputType,
    outputType,
    cells,
    action(input) {
      const scope = new Scope(null);
      scope.vars.input = input;
      return walker.block(doc.action, scope);
    },
  };
}

/**
 * The one-time pass: infers each expression's type (the spec's rules, for the supported forms)
 * and records, per call node, the library implementation its signature selects.
 */
class Preparer {
  readonly calls = new WeakMap<object, LibCall | UserCall>();
  /** Decoded `{"type": T, "value": v}` and `{"base64": ...}`/`{"long": ...}` literals. */
  readonly constants = new WeakMap<object, unknown>();
  private readonly lib = signatureTable();
  private readonly userTypes = new Map<string, FcnType>();

  constructor(
    private readonly registry: TypeRegistry,
    private readonly cellTypes: ReadonlyMap<string, AvroType>,
    private readonly fcns: Readonly<Record<string, PfaFcnDef>>,
    private readonly rt: EngineRuntime,
  ) {
    for (const [name, def] of Object.entries(fcns)) {
      const params = def.params.map((p, i) => registry.parse(p.type, `${def.path}/params/${i}`));
      this.userTypes.set(`u.${name}`, { kind: "fcn", params, ret: registry.parse(def.ret, `${def.path}/ret`) });
    }
    for (const [name, def] of Object.entries(fcns)) {
      const type = this.userTypes.get(`u.${name}`)!;
      const scope = new TypeScope(null);
      def.params.forEach((p, i) => scope.vars.set(p.name, type.params[i]!));
      this.block(def.do, scope, `${def.path}/do`);
    }
  }

  block(exprs: readonly unknown[], scope: TypeScope, path: string): ExprType {
    if (exprs.length === 0) throw bad("expression list is empty", path);
    let t: ExprType = T.null;
    exprs.forEach((e, i) => {
      t = this.expr(e, scope, `${path}/${i}`);
    });
    return t;
  }

  private avro(t: ExprType, path: string): AvroType {
    if (t.kind === "fcn") throw bad("a function is not a value", path);
    return t.kind === "exception" ? T.null : t;
  }

  expr(e: unknown, scope: TypeScope, path: string): ExprType {
    if (e === null) return T.null;
    switch (typeof e) {
      case "boolean":
        return T.boolean;
      case "number":
        return Number.isInteger(e) ? (e >= -2147483648 && e <= 2147483647 ? T.int : T.long) : T.double;
      case "bigint":
        return T.long;
      case "string":
        return this.symbol(e, scope, path);
      case "object":
        break;
      default:
        throw bad("not a PFA expression", path, e);
    }
    if (Array.isArray(e)) {
      if (e.length === 1 && typeof e[0] === "string") return T.string;
      throw bad("a JSON array is not an expression", path, e);
    }
    const o = e as Record<string, unknown>;
    const keys = Object.keys(o);
    if (keys.length === 1 && !SPECIAL.has(keys[0]!)) return this.call(o, keys[0]!, scope, path);
    const refused = keys.find((k) => NOT_WALKED.has(k));
    if (refused) throw unsupported(`the ${refused} form`, path);
    if ("int" in o || "double" in o || "float" in o || "string" in o) {
      return "int" in o ? T.int : "string" in o ? T.string : "float" in o ? T.float : T.double;
    }
    if ("long" in o) {
      this.constants.set(o, decodeAvroJson(T.long, o.long, path));
      return T.long;
    }
    if ("base64" in o) {
      this.constants.set(o, base64ToBytes(String(o.base64)));
      return T.bytes;
    }
    if ("type" in o && "value" in o) {
      const t = this.registry.parse(o.type, `${path}/type`);
      this.constants.set(o, decodeAvroJson(t, o.value, `${path}/value`));
      return t;
    }
    if ("new" in o) {
      const t = this.registry.parse(o.type, `${path}/type`);
      if (t.kind === "array" && Array.isArray(o.new)) o.new.forEach((x, i) => this.expr(x, scope, `${path}/new/${i}`));
      else if ((t.kind === "record" || t.kind === "map") && o.new && typeof o.new === "object") {
        for (const [k, x] of Object.entries(o.new)) this.expr(x, scope, `${path}/new/${k}`);
      } else throw bad("new needs an array, map or record", path);
      return t;
    }
    if ("let" in o || "set" in o) {
      const isSet = "set" in o;
      const decl = (isSet ? o.set : o.let) as Record<string, unknown>;
      const types = Object.entries(decl).map(([k, x]) => [k, this.avro(this.expr(x, scope, `${path}/${k}`), path)] as const);
      if (!isSet) for (const [k, t] of types) scope.vars.set(k, t);
      return T.null;
    }
    if ("while" in o) {
      this.expr(o.while, scope, `${path}/while`);
      this.block(bodyOf(o.do), new TypeScope(scope), `${path}/do`);
      return T.null;
    }
    if ("do" in o) return this.block(bodyOf(o.do), new TypeScope(scope), `${path}/do`);
    if ("if" in o) {
      this.expr(o.if, scope, `${path}/if`);
      const then = this.block(bodyOf(o.then), new TypeScope(scope), `${path}/then`);
      if (!("else" in o)) return T.null;
      return broadestType([then, this.block(bodyOf(o.else), new TypeScope(scope), `${path}/else`)]);
    }
    if ("cond" in o) {
      const clauses = o.cond as Record<string, unknown>[];
      const types = clauses.map((c, i) => {
        this.expr(c.if, scope, `${path}/cond/${i}/if`);
        return this.block(bodyOf(c.then), new TypeScope(scope), `${path}/cond/${i}/then`);
      });
      if (!("else" in o)) return T.null;
      return broadestType([...types, this.block(bodyOf(o.else), new TypeScope(scope), `${path}/else`)]);
    }
    if ("attr" in o) {
      if ("to" in o) throw unsupported("attr with to", path);
      return this.pathType(this.avro(this.expr(o.attr, scope, `${path}/attr`), path), o.path as unknown[], scope, `${path}/path`);
    }
    if ("cell" in o) {
      if ("to" in o) throw unsupported("cell with to", path);
      const t = this.cellTypes.get(String(o.cell));
      if (!t) throw new SchemaError("PFA_UNKNOWN_CELL", `unknown cell ${JSON.stringify(o.cell)}`, { path });
      return "path" in o ? this.pathType(t, o.path as unknown[], scope, `${path}/path`) : t;
    }
    if ("doc" in o) return T.null;
    throw unsupported(`the form with keys ${keys.join(", ")}`, path);
  }

  private symbol(s: string, scope: TypeScope, path: string): ExprType {
    const parts = s.split(".");
    const t = scope.lookup(parts[0]!);
    if (!t) throw new SchemaError("PFA_UNKNOWN_SYMBOL", `unknown symbol ${JSON.stringify(parts[0])}`, { path, value: s });
    return parts.length === 1
      ? t
      : this.pathType(
          t,
          parts.slice(1).map((p) => (/^-?\d+$/.test(p) ? Number(p) : [p])),
          scope,
          path,
        );
  }

  private pathType(base: AvroType, steps: readonly unknown[], scope: TypeScope, path: string): AvroType {
    if (!Array.isArray(steps) || steps.length === 0) throw bad("path needs a non-empty array", path);
    let t = base;
    steps.forEach((pe, i) => {
      if (t.kind === "record") {
        const name = literalString(pe);
        const field = t.fields.find((f) => f.name === name);
        if (!field) throw bad(`record ${t.fullName} has no field ${String(name)}`, `${path}/${i}`);
        t = field.type;
      } else if (t.kind === "array" || t.kind === "map") {
        this.expr(pe, scope, `${path}/${i}`);
        t = t.kind === "array" ? t.items : t.values;
      } else throw bad(`cannot index into ${typeName(t)}`, `${path}/${i}`);
    });
    return t;
  }

  private call(o: Record<string, unknown>, name: string, scope: TypeScope, path: string): ExprType {
    const raw = o[name];
    const args = Array.isArray(raw) ? raw : [raw];
    const user = this.userTypes.get(name);
    if (user) {
      args.forEach((a, i) => this.expr(a, scope, `${path}/${name}/${i}`));
      this.calls.set(o, { kind: "user", def: this.fcns[name.slice(2)]! });
      return user.ret;
    }
    const entry = this.lib.get(name);
    const impl = LIBRARY[name];
    if (!entry || !impl) throw new SchemaError("PFA_UNKNOWN_FUNCTION", `unknown function ${JSON.stringify(name)}`, { path, value: name });
    if (name === "&&&" || name === "|||") throw unsupported(name, path);
    const argTypes: ArgType[] = args.map((a, i) => {
      const p = `${path}/${name}/${i}`;
      if (!isFunctionArg(a)) return this.expr(a, scope, p);
      if (!("params" in a)) throw unsupported("function references ({fcn: ...})", p);
      const def = fcnDef(a, p);
      const params = def.params.map((q, k) => this.registry.parse(q.type, `${p}/params/${k}`));
      const inner = new TypeScope(scope);
      def.params.forEach((q, k) => inner.vars.set(q.name, params[k]!));
      this.block(def.do, inner, `${p}/do`);
      return { kind: "fcn", params, ret: this.registry.parse(def.ret, `${p}/ret`) } satisfies FcnType;
    });
    const m = matchSignature(entry, argTypes);
    if (!m) throw noMatchError(name, entry, argTypes, path);
    const fn = impl({ name, sigIndex: m.index, argTypes: m.argTypes, paramTypes: m.paramTypes, retType: m.ret, bindings: m.bindings, rt: this.rt });
    const toDouble = m.argTypes.map((t, i) => t.kind === "long" && (m.paramTypes[i]!.kind === "double" || m.paramTypes[i]!.kind === "float"));
    this.calls.set(o, { kind: "lib", name, fn, toDouble });
    return m.ret;
  }
}

/** Evaluation: walks the JSON on every call. */
class Walker {
  constructor(
    private readonly calls: WeakMap<object, LibCall | UserCall>,
    private readonly constants: WeakMap<object, unknown>,
    private readonly cells: Record<string, unknown>,
  ) {}

  block(exprs: readonly unknown[], scope: Scope): unknown {
    let out: unknown = null;
    for (const e of exprs) out = this.eval(e, scope);
    return out;
  }

  eval(e: unknown, scope: Scope): unknown {
    if (e === null) return null;
    switch (typeof e) {
      case "boolean":
      case "number":
      case "bigint":
        return e;
      case "string": {
        const parts = e.split(".");
        const v = scope.lookup(parts[0]!);
        return parts.length === 1
          ? v
          : this.follow(
              v,
              parts.slice(1).map((p) => (/^-?\d+$/.test(p) ? Number(p) : [p])),
              scope,
            );
      }
    }
    if (Array.isArray(e)) return e[0];
    const o = e as Record<string, unknown>;
    const keys = Object.keys(o);
    if (keys.length === 1 && !SPECIAL.has(keys[0]!)) return this.call(o, keys[0]!, scope);
    if ("int" in o) return o.int;
    if ("double" in o) return o.double;
    if ("float" in o) return o.float;
    if ("string" in o) return o.string;
    if ("long" in o || "base64" in o || ("type" in o && "value" in o)) return this.constants.get(o);
    if ("new" in o) {
      if (Array.isArray(o.new)) return o.new.map((x) => this.eval(x, scope));
      const out = newMap();
      for (const [k, x] of Object.entries(o.new as Record<string, unknown>)) out[k] = this.eval(x, scope);
      return out;
    }
    if ("let" in o) {
      const decl = o.let as Record<string, unknown>;
      // let is parallel: every right-hand side sees the scope before the declarations
      const values = Object.entries(decl).map(([k, x]) => [k, this.eval(x, scope)] as const);
      for (const [k, v] of values) scope.vars[k] = v;
      return null;
    }
    if ("set" in o) {
      const values = Object.entries(o.set as Record<string, unknown>).map(([k, x]) => [k, this.eval(x, scope)] as const);
      for (const [k, v] of values) scope.assign(k, v);
      return null;
    }
    if ("while" in o) {
      while (this.eval(o.while, scope) === true) this.block(bodyOf(o.do), new Scope(scope));
      return null;
    }
    if ("do" in o) return this.block(bodyOf(o.do), new Scope(scope));
    if ("if" in o) {
      if (this.eval(o.if, scope) === true) {
        const r = this.block(bodyOf(o.then), new Scope(scope));
        return "else" in o ? r : null;
      }
      return "else" in o ? this.block(bodyOf(o.else), new Scope(scope)) : null;
    }
    if ("cond" in o) {
      for (const c of o.cond as Record<string, unknown>[]) {
        if (this.eval(c.if, scope) === true) {
          const r = this.block(bodyOf(c.then), new Scope(scope));
          return "else" in o ? r : null;
        }
      }
      return "else" in o ? this.block(bodyOf(o.else), new Scope(scope)) : null;
    }
    if ("attr" in o) return this.follow(this.eval(o.attr, scope), o.path as unknown[], scope);
    if ("cell" in o) {
      const v = this.cells[o.cell as string];
      return "path" in o ? this.follow(v, o.path as unknown[], scope) : v;
    }
    return null; // {"doc": ...}; every other form was refused while preparing
  }

  /** A path into records (field names), arrays (int indexes) and maps (string keys). */
  private follow(v: any, steps: readonly unknown[], scope: Scope): unknown {
    for (const pe of steps) {
      if (Array.isArray(v)) {
        const n = Number(typeof pe === "number" ? pe : this.eval(pe, scope));
        if (n < 0 || n >= v.length) throw pfaError(2000, `array index ${n} out of range`, n);
        v = v[n];
      } else {
        const name = literalString(pe);
        const k = name ?? (this.eval(pe, scope) as string);
        if (!Object.hasOwn(v, k)) throw pfaError(2001, `map key ${JSON.stringify(k)} not found`, k);
        v = v[k];
      }
    }
    return v;
  }

  private call(o: Record<string, unknown>, name: string, scope: Scope): unknown {
    const raw = o[name];
    const args = Array.isArray(raw) ? raw : [raw];
    const call = this.calls.get(o)!;
    if (call.kind === "user") {
      const inner = new Scope(null);
      call.def.params.forEach((p, i) => {
        inner.vars[p.name] = this.eval(args[i], scope);
      });
      return this.block(call.def.do, inner);
    }
    if (name === "&&") return this.eval(args[0], scope) === true ? this.eval(args[1], scope) : false;
    if (name === "||") return this.eval(args[0], scope) === true ? true : this.eval(args[1], scope);
    const values = args.map((a, i) => {
      if (isFunctionArg(a)) return this.inlineFunction(a, scope);
      const v = this.eval(a, scope);
      return call.toDouble[i] && typeof v === "bigint" ? Number(v) : v;
    });
    return call.fn(...values);
  }

  /** An inline function value: evaluating it walks its body in a scope chained to the caller's. */
  private inlineFunction(a: Record<string, unknown>, scope: Scope): (...args: unknown[]) => unknown {
    const params = a.params as Record<string, unknown>[];
    const body = bodyOf(a.do);
    return (...values) => {
      const inner = new Scope(scope);
      params.forEach((p, i) => {
        inner.vars[Object.keys(p)[0]!] = values[i];
      });
      return this.block(body, inner);
    };
  }
}
