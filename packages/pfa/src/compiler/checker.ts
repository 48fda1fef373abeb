/**
 * The PFA type checker (spec §3–§5): walks the syntax tree (`ast/`) once with the scopes of the
 * language, infers every expression's type, checks it against the rules of the forms and the
 * library signatures, and resolves names — variables, cells and pools, user functions, and the
 * library implementation each call's signature selects. What it finds is recorded per node
 * (`CheckedFacts`); the closure generator (`compiler.ts` and the form modules) and the
 * tree-walking interpreter both evaluate from those facts and never check again.
 *
 * Errors are SchemaErrors with the document path of the offending node.
 */
import { SchemaError, type LibrarySite } from "@porta/ir";
import type {
  AttrNode,
  Block,
  CallNode,
  CastNode,
  CellNode,
  EmitNode,
  ExprNode,
  FcnArgNode,
  FcnDefNode,
  FcnRefNode,
  IfNotNullNode,
  LetNode,
  NewNode,
  PoolNode,
  TypeRef,
  UpdateNode,
  ValueNode,
} from "../ast/nodes.ts";
import { checkArrayLength } from "../limits.ts";
import { LIBRARY } from "../lib/index.ts";
import type { CallSite, EngineRuntime } from "../lib/site.ts";
import { matchSignature, noMatchError, signatureTable, type ArgType, type LibFcnArg } from "../signatures.ts";
import { accepts, broadestType, T, type TypeRegistry, typeName, type AvroType, type ExprType, type FcnType } from "@porta/ir/avro";
import { decodeAvroJson, type DecodeLimits } from "../values.ts";

export interface CellInfo {
  readonly type: AvroType;
  readonly pool: boolean;
}

/**
 * A library call site as JSON data (no runtime): what the IR's program model records
 * (`LibrarySite`), from which the library instantiates the implementation again.
 */
export type SiteFacts = LibrarySite;

function siteFacts(site: CallSite): SiteFacts {
  return {
    name: site.name,
    sigIndex: site.sigIndex,
    argTypes: site.argTypes,
    paramTypes: site.paramTypes,
    retType: site.retType,
    bindings: Object.fromEntries(site.bindings),
  };
}

/** What a call node calls. */
export type ResolvedCall =
  | { readonly kind: "user"; readonly name: string }
  | {
      readonly kind: "lib";
      readonly fn: (...args: any[]) => any;
      /** the call site the implementation was instantiated from */
      readonly site: SiteFacts;
      /** argument positions where a long (possibly a bigint) feeds a float/double parameter */
      readonly toDouble: readonly boolean[];
    };

/** How a path step goes into a value: a record field, an array index, a map key. */
export type StepKind = "field" | "index" | "key";

/** What a function reference refers to, with its `fill`ed parameter positions. */
export type FcnRefTarget =
  | { readonly kind: "user"; readonly name: string; readonly arity: number; readonly fillIdx: readonly number[] }
  | {
      readonly kind: "lib";
      readonly fn: (...args: any[]) => any;
      /** the call site the implementation was instantiated from */
      readonly site: SiteFacts;
      readonly arity: number;
      readonly fillIdx: readonly number[];
    };

/** A user function's signature. */
export interface UserFcnType {
  readonly type: FcnType;
  readonly paramNames: readonly string[];
}

export interface CheckerInput {
  readonly registry: TypeRegistry;
  /** user functions by name without `u.` */
  readonly fcns: ReadonlyMap<string, FcnDefNode>;
  /** `cell:NAME` and `pool:NAME` */
  readonly cells: ReadonlyMap<string, CellInfo>;
  /** what library implementations are bound to */
  readonly rt: EngineRuntime;
  readonly outputType: AvroType;
  readonly method: "map" | "emit" | "fold";
  readonly limits: DecodeLimits;
}

function schemaError(code: string, message: string, path: string, value?: unknown): SchemaError {
  return new SchemaError(code, message, { path, value });
}

/** The type of a value that must be data: a function is refused, `error`'s bottom type reads as null. */
function asAvro(t: ExprType, path: string, what: string): AvroType {
  if (t.kind === "fcn") throw schemaError("PFA_TYPE_MISMATCH", `${what} cannot be a function`, path);
  if (t.kind === "exception") return T.null;
  return t;
}

/** Variable types by name, chained to the enclosing block's. */
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
  child(): TypeScope {
    return new TypeScope(this);
  }
}

export class Checker {
  /** The type of every expression. */
  readonly types = new Map<ExprNode, ExprType>();
  /** Every Avro type written in the expressions, resolved. */
  readonly resolved = new Map<TypeRef, AvroType>();
  /** What every call node calls. */
  readonly calls = new Map<CallNode, ResolvedCall>();
  /** The function type of every function argument (a library function's as the signature taking it resolved it). */
  readonly fcnArgTypes = new Map<FcnArgNode, FcnType>();
  readonly fcnRefs = new Map<FcnRefNode, FcnRefTarget>();
  /** `{"type": T, "value": …}` data, decoded. */
  readonly constants = new Map<ValueNode, unknown>();
  readonly steps = new Map<AttrNode | CellNode | PoolNode, readonly StepKind[]>();
  /** For each cast: which case (-1: none) each union branch goes to. */
  readonly castCases = new Map<CastNode, { readonly branches: readonly AvroType[]; readonly caseOf: readonly number[] }>();
  readonly userFcns = new Map<string, UserFcnType>();
  /** Library functions the document calls or passes by reference (for `describePfa`). */
  readonly usedFunctions = new Set<string>();
  private readonly lib = signatureTable();

  constructor(readonly inp: CheckerInput) {
    for (const [name, def] of inp.fcns) this.userFcns.set(`u.${name}`, { type: this.fcnType(def), paramNames: def.params.map((p) => p.name) });
    for (const [name, def] of inp.fcns) this.checkFunction(def, null, `u.${name}`);
  }

  resolve(ref: TypeRef): AvroType {
    let t = this.resolved.get(ref);
    if (!t) this.resolved.set(ref, (t = this.inp.registry.parse(ref.json, ref.path)));
    return t;
  }

  fcnType(def: FcnDefNode): FcnType {
    return { kind: "fcn", params: def.params.map((p) => this.resolve(p.type)), ret: this.resolve(def.ret) };
  }

  /** A top-level body (begin, action, end) with the given predeclared symbols; its type. */
  checkBody(body: Block, symbols: Record<string, AvroType>): ExprType {
    const scope = new TypeScope(null);
    for (const [n, t] of Object.entries(symbols)) scope.vars.set(n, t);
    return this.block(body, scope);
  }

  private checkFunction(def: FcnDefNode, outer: TypeScope | null, what: string): FcnType {
    const type = this.fcnType(def);
    const scope = new TypeScope(outer);
    def.params.forEach((p, i) => scope.vars.set(p.name, type.params[i]!));
    const body = this.block(def.body, scope);
    if (!accepts(type.ret, body)) {
      throw schemaError("PFA_TYPE_MISMATCH", `${what} declares ret ${typeName(type.ret)} but its body returns ${typeName(body)}`, def.body.path);
    }
    return type;
  }

  private block(body: Block, scope: TypeScope): ExprType {
    let t: ExprType = T.null;
    for (const e of body.exprs) t = this.check(e, scope);
    return t;
  }

  private check(node: ExprNode, scope: TypeScope): ExprType {
    const t = this.typeOf(node, scope);
    this.types.set(node, t);
    return t;
  }

  /** Check `e` and that a slot of type `t` accepts it. */
  private checked(e: ExprNode, t: AvroType, scope: TypeScope): void {
    const found = this.check(e, scope);
    if (!accepts(t, found)) throw schemaError("PFA_TYPE_MISMATCH", `expected ${typeName(t)}, found ${typeName(found)}`, e.path, typeName(found));
  }

  private condition(e: ExprNode, scope: TypeScope): void {
    const t = this.check(e, scope);
    if (t.kind !== "boolean") throw schemaError("PFA_TYPE_MISMATCH", `condition must be boolean, found ${typeName(t)}`, e.path);
  }

  private typeOf(node: ExprNode, scope: TypeScope): ExprType {
    switch (node.kind) {
      case "literal":
        return T[node.type];
      case "value": {
        const t = this.resolve(node.type);
        this.constants.set(node, decodeAvroJson(t, node.value, `${node.path}/value`, this.inp.limits));
        return t;
      }
      case "ref": {
        const t = scope.lookup(node.name);
        if (!t) throw schemaError("PFA_UNKNOWN_SYMBOL", `unknown symbol ${JSON.stringify(node.name)}`, node.path, node.name);
        return t;
      }
      case "new":
        return this.checkNew(node, scope);
      case "let":
      case "set":
        this.checkLet(node, scope);
        return T.null;
      case "do":
        return this.block(node.body, scope.child());
      case "if": {
        this.condition(node.test, scope);
        const then = this.block(node.then, scope.child());
        return node.else ? broadestType([then, this.block(node.else, scope.child())]) : T.null;
      }
      case "cond": {
        const thens = node.clauses.map((c) => {
          this.condition(c.test, scope);
          return this.block(c.then, scope.child());
        });
        return node.else ? broadestType([...thens, this.block(node.else, scope.child())]) : T.null;
      }
      case "while":
        this.condition(node.test, scope);
        this.block(node.body, scope.child());
        return T.null;
      case "doUntil": {
        const inner = scope.child();
        this.block(node.body, inner);
        this.condition(node.test, inner);
        return T.null;
      }
      case "for": {
        const loop = scope.child();
        this.checkLet({ kind: "let", bindings: node.init, path: node.path }, loop);
        this.condition(node.test, loop);
        this.checkLet({ kind: "set", bindings: node.step, path: node.path }, loop);
        this.block(node.body, loop.child());
        return T.null;
      }
      case "foreach": {
        const a = this.check(node.array, scope);
        if (a.kind !== "array") throw schemaError("PFA_TYPE_MISMATCH", `foreach needs an array, found ${typeName(a)}`, node.array.path);
        const loop = scope.child();
        loop.vars.set(node.name, a.items);
        this.block(node.body, loop.child());
        return T.null;
      }
      case "forkeyval": {
        const m = this.check(node.map, scope);
        if (m.kind !== "map") throw schemaError("PFA_TYPE_MISMATCH", `forkey needs a map, found ${typeName(m)}`, node.map.path);
        const loop = scope.child();
        loop.vars.set(node.key, T.string);
        loop.vars.set(node.value, m.values);
        this.block(node.body, loop.child());
        return T.null;
      }
      case "cast":
        return this.checkCast(node, scope);
      case "upcast": {
        const e = this.check(node.expr, scope);
        const t = this.resolve(node.type);
        if (!accepts(t, e)) throw schemaError("PFA_TYPE_MISMATCH", `cannot upcast ${typeName(e)} to ${typeName(t)}`, node.path);
        return t;
      }
      case "ifnotnull":
        return this.checkIfNotNull(node, scope);
      case "attr": {
        const base = asAvro(this.check(node.base, scope), node.base.path, "attr");
        const t = this.pathType(node, base, scope);
        if (!node.to) return t;
        this.checkUpdate(node.to, t, scope);
        return base;
      }
      case "cell": {
        const cellT = this.cellType("cell", node.name, node.path);
        const t = this.pathType(node, cellT, scope);
        if (!node.to) return t;
        this.checkUpdate(node.to, t, scope);
        return cellT;
      }
      case "pool":
        return this.checkPool(node, scope);
      case "call":
        return this.checkCall(node, scope);
      case "emit":
        return this.checkEmit(node, scope);
      case "doc":
        return T.null;
      case "error":
        return T.exception;
      case "try": {
        const t = asAvro(this.block(node.body, scope.child()), node.path, "try");
        return t.kind === "null" ? T.null : broadestType([t, T.null]);
      }
      case "log":
        for (const v of node.values) this.check(v, scope);
        return T.null;
      default:
        return unreachable(node);
    }
  }

  // ------------------------------------------------------------ construction and variables

  private checkNew(node: NewNode, scope: TypeScope): AvroType {
    const t = this.resolve(node.type);
    const content = node.content;
    const shown = content.shape === "other" ? content.value : undefined;
    if (t.kind === "array") {
      if (content.shape !== "array") throw schemaError("PFA_BAD_NEW", "new array needs a JSON array", node.newPath, shown);
      checkArrayLength(this.inp.limits, content.items.length, "new array", node.newPath);
      for (const e of content.items) this.checked(e, t.items, scope);
      return t;
    }
    if (t.kind === "map" || t.kind === "record") {
      if (content.shape !== "object") throw schemaError("PFA_BAD_NEW", "new map/record needs a JSON object", node.newPath, shown);
      if (t.kind === "record") {
        const names = new Set(t.fields.map((f) => f.name));
        const given = new Set(content.fields.map(([k]) => k));
        for (const [k] of content.fields) if (!names.has(k)) throw schemaError("PFA_BAD_NEW", `record ${t.fullName} has no field ${k}`, `${node.newPath}/${k}`);
        for (const f of t.fields) if (!given.has(f.name)) throw schemaError("PFA_BAD_NEW", `new ${t.fullName} lacks field ${f.name}`, node.newPath);
      }
      for (const [k, e] of content.fields) this.checked(e, t.kind === "map" ? t.values : t.fields.find((f) => f.name === k)!.type, scope);
      return t;
    }
    throw schemaError("PFA_BAD_NEW", `new needs an array, map or record type, not ${typeName(t)}`, node.type.path);
  }

  /** `let` declares in `scope` once every right-hand side is checked (it is parallel); `set` assigns declared variables. */
  private checkLet(node: LetNode, scope: TypeScope): void {
    const declared: [string, AvroType][] = [];
    for (const b of node.bindings) {
      const t = this.check(b.expr, scope);
      if (node.kind === "set") {
        const v = scope.lookup(b.name);
        if (!v) throw schemaError("PFA_UNKNOWN_SYMBOL", `set of undeclared variable ${b.name}`, b.path, b.name);
        if (!accepts(v, t)) throw schemaError("PFA_TYPE_MISMATCH", `cannot set ${b.name} of type ${typeName(v)} to ${typeName(t)}`, b.path);
      } else {
        if (scope.vars.has(b.name)) throw schemaError("PFA_REDECLARED", `variable ${b.name} is already declared in this scope`, b.path, b.name);
        declared.push([b.name, asAvro(t, b.path, "a variable")]);
      }
    }
    for (const [name, t] of declared) scope.vars.set(name, t);
  }

  // ------------------------------------------------------------ control flow

  private checkCast(node: CastNode, scope: TypeScope): ExprType {
    const e = this.check(node.expr, scope);
    const branches: readonly AvroType[] = e.kind === "union" ? e.types : [asAvro(e, node.path, "cast")];
    const cases = node.cases.map((cc) => {
      const t = this.resolve(cc.type);
      if (!branches.some((b) => accepts(t, b)))
        throw schemaError("PFA_TYPE_MISMATCH", `cast case ${typeName(t)} matches no branch of ${typeName(e)}`, cc.type.path);
      const inner = scope.child();
      inner.vars.set(cc.named, t);
      return { t, body: this.block(cc.body, inner) };
    });
    // each union branch goes to the first case that accepts it
    const caseOf = branches.map((b) => cases.findIndex((cs) => accepts(cs.t, b)));
    if (!node.partial && caseOf.some((i) => i < 0)) {
      throw schemaError("PFA_CAST_INCOMPLETE", `cast cases do not cover every branch of ${typeName(e)} (use "partial": true)`, `${node.path}/cases`);
    }
    this.castCases.set(node, { branches, caseOf });
    return node.partial ? T.null : broadestType(cases.map((cs) => cs.body));
  }

  private checkIfNotNull(node: IfNotNullNode, scope: TypeScope): ExprType {
    const inner = scope.child();
    for (const b of node.bindings) {
      const t = this.check(b.expr, scope);
      if (t.kind !== "union" || !t.types.some((x) => x.kind === "null")) {
        throw schemaError("PFA_TYPE_MISMATCH", `ifnotnull needs a union with null, found ${typeName(t)}`, b.path);
      }
      const rest = t.types.filter((x) => x.kind !== "null");
      inner.vars.set(b.name, rest.length === 1 ? rest[0]! : T.union(rest));
    }
    const then = this.block(node.then, inner);
    return node.else ? broadestType([then, this.block(node.else, scope.child())]) : T.null;
  }

  // ------------------------------------------------------------ attr, cell, pool

  /** The type a node's path reaches from `base`; records the kind of each step. */
  private pathType(node: AttrNode | CellNode | PoolNode, base: AvroType, scope: TypeScope): AvroType {
    const kinds: StepKind[] = [];
    let t: AvroType = base;
    for (const pe of node.steps) {
      if (t.kind === "record") {
        const name = pe.kind === "literal" && pe.type === "string" ? (pe.value as string) : undefined;
        if (name === undefined) throw schemaError("PFA_BAD_PATH", "a record field in a path must be a string literal", pe.path);
        const field = t.fields.find((fl) => fl.name === name);
        if (!field) throw schemaError("PFA_BAD_PATH", `record ${t.fullName} has no field ${name}`, pe.path, name);
        this.types.set(pe, T.string);
        kinds.push("field");
        t = field.type;
      } else if (t.kind === "array") {
        const i = this.check(pe, scope);
        if (i.kind !== "int" && i.kind !== "long") throw schemaError("PFA_TYPE_MISMATCH", `array index must be int, found ${typeName(i)}`, pe.path);
        kinds.push("index");
        t = t.items;
      } else if (t.kind === "map") {
        const k = this.check(pe, scope);
        if (k.kind !== "string") throw schemaError("PFA_TYPE_MISMATCH", `map key must be string, found ${typeName(k)}`, pe.path);
        kinds.push("key");
        t = t.values;
      } else {
        throw schemaError("PFA_BAD_PATH", `cannot index into ${typeName(t)}`, pe.path);
      }
    }
    this.steps.set(node, kinds);
    return t;
  }

  /** `to` is a value of type `t` or a function from `t` to `t`. */
  private checkUpdate(to: UpdateNode, t: AvroType, scope: TypeScope): void {
    if (to.kind !== "fcndef" && to.kind !== "fcnref") {
      this.checked(to, t, scope);
      return;
    }
    const fa = this.checkFcnArg(to, scope);
    const ft = fa.kind === "libfcn" ? fa.resolve([t]) : fa;
    if (ft?.kind !== "fcn" || ft.params.length !== 1 || !accepts(ft.params[0]!, t) || !accepts(t, ft.ret)) {
      throw schemaError("PFA_TYPE_MISMATCH", `update function must take and return ${typeName(t)}`, to.path);
    }
    this.settleFcnArg(to, ft);
  }

  private cellType(key: "cell" | "pool", name: string, path: string): AvroType {
    const info = this.inp.cells.get(`${key}:${name}`);
    if (!info) throw schemaError("PFA_UNKNOWN_CELL", `unknown ${key} ${JSON.stringify(name)}`, `${path}/${key}`, name);
    return info.type;
  }

  private checkPool(node: PoolNode, scope: TypeScope): ExprType {
    const itemT = this.cellType("pool", node.name, node.path);
    if (this.check(node.key, scope).kind !== "string") throw schemaError("PFA_TYPE_MISMATCH", "pool key must be a string", node.key.path);
    const t = this.pathType(node, itemT, scope);
    if (!node.to) return t;
    this.checkUpdate(node.to, t, scope);
    if (node.init) this.checked(node.init, itemT, scope);
    return itemT;
  }

  // ------------------------------------------------------------ calls and function values

  /** A function argument's type; a library function's is resolved later, by the signature that takes it. */
  private checkFcnArg(arg: FcnArgNode, scope: TypeScope): FcnType | LibFcnArg {
    if (arg.kind === "fcndef") return this.checkFunction(arg, scope, "inline function");
    const name = arg.name;
    const fills = arg.fill.map((b) => [b.name, this.check(b.expr, scope), b.path] as const);
    const user = this.userFcns.get(name);
    if (user) {
      const fillIdx = fills.map(([k, t, p]) => {
        const i = user.paramNames.indexOf(k);
        if (i < 0) throw schemaError("PFA_BAD_FCNREF", `${name} has no parameter ${k}`, p, k);
        if (!accepts(user.type.params[i]!, t)) throw schemaError("PFA_TYPE_MISMATCH", `fill ${k} has the wrong type`, p);
        return i;
      });
      this.fcnRefs.set(arg, { kind: "user", name, arity: user.type.params.length, fillIdx });
      return fills.length === 0 ? user.type : { kind: "fcn", params: user.type.params.filter((_, i) => !fillIdx.includes(i)), ret: user.type.ret };
    }
    const entry = this.lib.get(name);
    if (!entry || !LIBRARY[name]) throw schemaError("PFA_UNKNOWN_FUNCTION", `unknown function ${JSON.stringify(name)}`, `${arg.path}/fcn`, name);
    this.usedFunctions.add(name);
    const rt = this.inp.rt;
    // the signature is chosen when the function taking this reference tells its parameter types
    return {
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
            args.push(fi >= 0 ? fills[fi]![1] : params[r++]!);
          }
          const m = matchSignature({ name, sigs: [sig] }, args);
          if (!m) continue;
          const site: CallSite = {
            name,
            sigIndex: entry.sigs.indexOf(sig),
            argTypes: m.argTypes,
            paramTypes: m.paramTypes,
            retType: m.ret,
            bindings: m.bindings,
            rt,
          };
          this.fcnRefs.set(arg, { kind: "lib", fn: LIBRARY[name]!(site), site: siteFacts(site), arity: sig.params.length, fillIdx });
          return { kind: "fcn", params, ret: m.ret };
        }
        return null;
      },
    };
  }

  /** Records the function type a function argument was resolved to; a library reference no signature took is refused. */
  private settleFcnArg(arg: FcnArgNode, type: FcnType): void {
    if (arg.kind === "fcnref" && !this.fcnRefs.has(arg)) throw schemaError("PFA_TYPE_MISMATCH", `cannot use ${arg.name} here`, arg.path);
    this.fcnArgTypes.set(arg, type);
  }

  private checkCall(node: CallNode, scope: TypeScope): ExprType {
    const name = node.name;
    const user = this.userFcns.get(name);
    if (user) {
      if (node.args.length !== user.type.params.length) {
        throw schemaError("PFA_WRONG_ARITY", `${name} takes ${user.type.params.length} arguments, not ${node.args.length}`, node.path, name);
      }
      node.args.forEach((a, i) => {
        if (a.kind === "fcndef" || a.kind === "fcnref") throw schemaError("PFA_TYPE_MISMATCH", "user functions take no function arguments", a.path);
        this.checked(a, user.type.params[i]!, scope);
      });
      this.calls.set(node, { kind: "user", name });
      return user.type.ret;
    }
    const entry = this.lib.get(name);
    const impl = LIBRARY[name];
    if (!entry || !impl) throw schemaError("PFA_UNKNOWN_FUNCTION", `unknown function ${JSON.stringify(name)}`, node.path, name);
    this.usedFunctions.add(name);
    const argTypes: ArgType[] = node.args.map((a) => (a.kind === "fcndef" || a.kind === "fcnref" ? this.checkFcnArg(a, scope) : this.check(a, scope)));
    const m = matchSignature(entry, argTypes);
    if (!m) throw noMatchError(name, entry, argTypes, node.path);
    node.args.forEach((a, i) => {
      if (a.kind === "fcndef" || a.kind === "fcnref") this.settleFcnArg(a, m.argTypes[i] as FcnType);
    });
    const site: CallSite = { name, sigIndex: m.index, argTypes: m.argTypes, paramTypes: m.paramTypes, retType: m.ret, bindings: m.bindings, rt: this.inp.rt };
    // long values beyond 2^53 are bigint; a float/double parameter needs a number
    const toDouble = m.argTypes.map((t, i) => t.kind === "long" && (m.paramTypes[i]!.kind === "double" || m.paramTypes[i]!.kind === "float"));
    this.calls.set(node, { kind: "lib", fn: impl(site), site: siteFacts(site), toDouble });
    return m.ret;
  }

  private checkEmit(node: EmitNode, scope: TypeScope): ExprType {
    if (this.inp.method !== "emit") throw schemaError("PFA_UNKNOWN_FUNCTION", "emit is only available in emit engines", node.path, "emit");
    if (node.args.length !== 1) throw schemaError("PFA_WRONG_ARITY", "emit takes one argument", node.path);
    this.checked(node.args[0]!, this.inp.outputType, scope);
    return T.null;
  }
}

function unreachable(node: never): never {
  throw new Error(`unhandled PFA node ${JSON.stringify(node)}`);
}
