/**
 * Library function signatures: parsed from the table in `packages/pfa/formats/signatures.json` (a compact
 * notation of the spec's `libfcns.xml`) and matched against argument types, binding the
 * generic labels (`{"wildcard": "A"}` in the spec) as the spec's signature rules do.
 *
 * Notation: `(x: A{int,long,float,double}, y: A) -> A`; types are primitives, `array<T>`,
 * `map<T>`, `union<T,...>`, `fn(T,...) -> T`, a label `A` (constrained on first use with
 * `{kinds}`), `enum<A>`, `fixed<A>`, `record<A>` and `rec<A; field: T, ...>` (any record with
 * at least those fields).
 */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { SchemaError } from "@porta/ir";
import { accepts, isNumeric, broadestType, T, type AvroType, type ExprType, type FcnType, type PrimitiveKind } from "@porta/ir/avro";

export type Pattern =
  | { readonly p: "type"; readonly t: AvroType }
  | { readonly p: "array"; readonly items: Pattern }
  | { readonly p: "map"; readonly values: Pattern }
  | { readonly p: "union"; readonly types: readonly Pattern[] }
  | { readonly p: "fn"; readonly params: readonly Pattern[]; readonly ret: Pattern }
  | { readonly p: "wild"; readonly label: string }
  | { readonly p: "enum" | "fixed" | "record"; readonly label: string }
  | { readonly p: "rec"; readonly label: string; readonly fields: readonly { name: string; type: Pattern }[] };

export interface Signature {
  readonly params: readonly { name: string; type: Pattern }[];
  readonly ret: Pattern;
  /** label → allowed kinds, from `A{int,long}` */
  readonly constraints: ReadonlyMap<string, readonly string[]>;
  readonly text: string;
}

/** A library function passed by reference (`{"fcn": "m.sqrt"}`): typed when the call is matched. */
export interface LibFcnArg {
  readonly kind: "libfcn";
  readonly name: string;
  resolve(params: readonly AvroType[]): FcnType | null;
}
export type ArgType = ExprType | LibFcnArg;

export type Bindings = Map<string, AvroType>;

// ---------------------------------------------------------------- parser

const PRIMS = new Set(["null", "boolean", "int", "long", "float", "double", "bytes", "string"]);

class SigParser {
  private i = 0;
  readonly constraints = new Map<string, string[]>();
  constructor(private readonly s: string) {}

  private ws() {
    while (this.i < this.s.length && this.s[this.i] === " ") this.i++;
  }
  private peek(): string {
    this.ws();
    return this.s[this.i] ?? "";
  }
  private eat(tok: string) {
    this.ws();
    if (!this.s.startsWith(tok, this.i)) throw new Error(`signature ${JSON.stringify(this.s)}: expected ${tok} at ${this.i}`);
    this.i += tok.length;
  }
  private ident(): string {
    this.ws();
    const m = /^[A-Za-z_][A-Za-z0-9_]*/.exec(this.s.slice(this.i));
    if (!m) throw new Error(`signature ${JSON.stringify(this.s)}: expected a name at ${this.i}`);
    this.i += m[0].length;
    return m[0];
  }

  signature(): Signature {
    this.eat("(");
    const params: { name: string; type: Pattern }[] = [];
    if (this.peek() !== ")") {
      for (;;) {
        const name = this.ident();
        this.eat(":");
        params.push({ name, type: this.type() });
        if (this.peek() !== ",") break;
        this.eat(",");
      }
    }
    this.eat(")");
    this.eat("->");
    const ret = this.type();
    this.ws();
    if (this.i !== this.s.length) throw new Error(`signature ${JSON.stringify(this.s)}: trailing text`);
    return { params, ret, constraints: this.constraints, text: this.s };
  }

  type(): Pattern {
    const id = this.ident();
    if (PRIMS.has(id)) return { p: "type", t: { kind: id as PrimitiveKind } };
    switch (id) {
      case "array": {
        this.eat("<");
        const items = this.type();
        this.eat(">");
        return { p: "array", items };
      }
      case "map": {
        this.eat("<");
        const values = this.type();
        this.eat(">");
        return { p: "map", values };
      }
      case "union": {
        this.eat("<");
        const types = [this.type()];
        while (this.peek() === ",") {
          this.eat(",");
          types.push(this.type());
        }
        this.eat(">");
        return { p: "union", types };
      }
      case "fn": {
        this.eat("(");
        const params: Pattern[] = [];
        if (this.peek() !== ")") {
          params.push(this.type());
          while (this.peek() === ",") {
            this.eat(",");
            params.push(this.type());
          }
        }
        this.eat(")");
        this.eat("->");
        return { p: "fn", params, ret: this.type() };
      }
      case "enum":
      case "fixed":
      case "record": {
        this.eat("<");
        const label = this.ident();
        this.eat(">");
        return { p: id, label };
      }
      case "rec": {
        this.eat("<");
        const label = this.ident();
        this.eat(";");
        const fields: { name: string; type: Pattern }[] = [];
        for (;;) {
          const name = this.ident();
          this.eat(":");
          fields.push({ name, type: this.type() });
          if (this.peek() !== ",") break;
          this.eat(",");
        }
        this.eat(">");
        return { p: "rec", label, fields };
      }
      default:
        if (!/^[A-Z][A-Z0-9]*$/.test(id)) throw new Error(`signature ${JSON.stringify(this.s)}: unknown type ${id}`);
        if (this.peek() === "{") {
          this.eat("{");
          const kinds = [this.ident()];
          while (this.peek() === ",") {
            this.eat(",");
            kinds.push(this.ident());
          }
          this.eat("}");
          this.constraints.set(id, kinds);
        }
        return { p: "wild", label: id };
    }
  }
}

export function parseSignature(text: string): Signature {
  return new SigParser(text).signature();
}

export interface FunctionEntry {
  readonly name: string;
  readonly sigs: readonly Signature[];
}

let table: Map<string, FunctionEntry> | undefined;

/**
 * The signature table, loaded once from `formats/signatures.json`, a file the package ships: the
 * URL is the same from `src/` and from `dist/`, which sit at the same depth.
 */
export function signatureTable(): Map<string, FunctionEntry> {
  if (table) return table;
  const file = fileURLToPath(new URL("../formats/signatures.json", import.meta.url));
  const json = JSON.parse(readFileSync(file, "utf8")) as { functions: Record<string, string[]> };
  table = new Map();
  for (const [name, sigs] of Object.entries(json.functions)) {
    table.set(name, { name, sigs: sigs.map(parseSignature) });
  }
  return table;
}

// ---------------------------------------------------------------- matching

export interface SigMatch {
  readonly sig: Signature;
  readonly index: number;
  readonly bindings: Bindings;
  /** concrete parameter types after binding, one per argument */
  readonly paramTypes: readonly ExprType[];
  /** argument types, with library function references resolved to their FcnType */
  readonly argTypes: readonly ExprType[];
  readonly ret: AvroType;
}

class Matcher {
  readonly resolvedArgs = new Map<number, FcnType>();
  constructor(
    readonly b: Bindings,
    readonly constraints: ReadonlyMap<string, readonly string[]>,
  ) {}

  bindLabel(label: string, t: AvroType): boolean {
    const allowed = this.constraints.get(label);
    if (allowed && !allowed.includes(t.kind)) return false;
    const cur = this.b.get(label);
    if (!cur) {
      this.b.set(label, t);
      return true;
    }
    if (accepts(cur, t)) return true;
    if (accepts(t, cur)) {
      this.b.set(label, t);
      return true;
    }
    if (isNumeric(cur) && isNumeric(t)) {
      this.b.set(label, broadestType([cur, t]) as AvroType);
      return true;
    }
    return false;
  }

  match(p: Pattern, t: ArgType): boolean {
    if (t.kind === "exception") return p.p !== "fn";
    if (t.kind === "libfcn") return false;
    switch (p.p) {
      case "type":
        return accepts(p.t, t);
      case "array":
        return t.kind === "array" && this.match(p.items, t.items);
      case "map":
        return t.kind === "map" && this.match(p.values, t.values);
      case "wild":
        return t.kind !== "fcn" && this.bindLabel(p.label, t);
      case "enum":
      case "fixed":
      case "record":
        return t.kind === p.p && this.bindLabel(p.label, t);
      case "rec": {
        if (t.kind !== "record") return false;
        for (const f of p.fields) {
          const tf = t.fields.find((x) => x.name === f.name);
          if (!tf || !this.match(f.type, tf.type)) return false;
        }
        return this.bindLabel(p.label, t);
      }
      case "union": {
        const wild = p.types.find((x) => x.p === "wild") as { p: "wild"; label: string } | undefined;
        const concrete = p.types.filter((x) => x !== wild);
        if (t.kind === "union") {
          const rest: AvroType[] = [];
          for (const bt of t.types) {
            if (!concrete.some((c) => this.match(c, bt))) rest.push(bt);
          }
          if (rest.length === 0) return true;
          if (!wild) return false;
          return this.bindLabel(wild.label, rest.length === 1 ? rest[0]! : T.union(rest));
        }
        if (t.kind === "fcn") return false;
        if (concrete.some((c) => this.match(c, t))) return true;
        return wild ? this.bindLabel(wild.label, t) : false;
      }
      case "fn": {
        if (t.kind !== "fcn") return false;
        if (t.params.length !== p.params.length) return false;
        for (let i = 0; i < p.params.length; i++) {
          const pp = p.params[i]!;
          const expected = this.tryResolve(pp);
          if (expected) {
            if (!accepts(t.params[i]!, expected)) return false;
          } else if (!this.match(pp, t.params[i]!)) return false;
        }
        return this.match(p.ret, t.ret);
      }
    }
  }

  matchLibFcn(p: Pattern, arg: LibFcnArg, index: number): boolean {
    if (p.p !== "fn") return false;
    const params: AvroType[] = [];
    for (const pp of p.params) {
      const r = this.tryResolve(pp);
      if (!r) return false;
      params.push(r);
    }
    const ft = arg.resolve(params);
    if (!ft) return false;
    this.resolvedArgs.set(index, ft);
    return this.match(p, ft);
  }

  tryResolve(p: Pattern): AvroType | null {
    try {
      return resolvePattern(p, this.b);
    } catch {
      return null;
    }
  }
}

export function resolvePattern(p: Pattern, b: Bindings): AvroType {
  switch (p.p) {
    case "type":
      return p.t;
    case "array":
      return T.array(resolvePattern(p.items, b));
    case "map":
      return T.map(resolvePattern(p.values, b));
    case "union": {
      const out: AvroType[] = [];
      for (const x of p.types) {
        const r = resolvePattern(x, b);
        for (const br of r.kind === "union" ? r.types : [r]) {
          if (!out.some((o) => accepts(o, br) && accepts(br, o))) out.push(br);
        }
      }
      return out.length === 1 ? out[0]! : T.union(out);
    }
    case "fn":
      throw new Error("a function type is not a value type");
    default: {
      const t = b.get(p.label);
      if (!t) throw new Error(`unbound label ${p.label}`);
      return t;
    }
  }
}

function resolveParam(p: Pattern, b: Bindings, arg: ExprType): ExprType {
  if (p.p === "fn") return arg;
  try {
    return resolvePattern(p, b);
  } catch {
    return arg;
  }
}

/** Find the first signature of `entry` that accepts `args`, or null. */
export function matchSignature(entry: FunctionEntry, args: readonly ArgType[]): SigMatch | null {
  for (let index = 0; index < entry.sigs.length; index++) {
    const sig = entry.sigs[index]!;
    if (sig.params.length !== args.length) continue;
    const m = new Matcher(new Map(), sig.constraints);
    let ok = true;
    // value arguments first, so that function arguments see every label bound
    for (let pass = 0; pass < 2 && ok; pass++) {
      for (let i = 0; i < args.length && ok; i++) {
        const p = sig.params[i]!.type;
        const isFn = p.p === "fn";
        if ((pass === 0) === isFn) continue;
        const a = args[i]!;
        ok = a.kind === "libfcn" ? m.matchLibFcn(p, a, i) : m.match(p, a);
      }
    }
    if (!ok) continue;
    let ret: AvroType;
    try {
      ret = resolvePattern(sig.ret, m.b);
    } catch {
      continue;
    }
    const argTypes = args.map((a, i) => (a.kind === "libfcn" ? m.resolvedArgs.get(i)! : a));
    const paramTypes = sig.params.map((p, i) => resolveParam(p.type, m.b, argTypes[i]!));
    return { sig, index, bindings: m.b, paramTypes, argTypes, ret };
  }
  return null;
}

export function noMatchError(name: string, entry: FunctionEntry, args: readonly ArgType[], path: string): SchemaError {
  const describe = (a: ArgType) => (a.kind === "libfcn" ? `fcn ${a.name}` : JSON.stringify(a.kind === "fcn" ? "function" : a.kind));
  const arity = entry.sigs.some((s) => s.params.length === args.length);
  return new SchemaError(
    arity ? "PFA_TYPE_MISMATCH" : "PFA_WRONG_ARITY",
    `${name} ${arity ? "does not accept arguments" : `takes ${[...new Set(entry.sigs.map((s) => s.params.length))].join(" or ")} arguments, not ${args.length}:`} (${args.map(describe).join(", ")}); signatures: ${entry.sigs.map((s) => s.text).join(" | ")}`,
    { path, value: name },
  );
}
