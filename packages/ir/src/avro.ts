/**
 * The Avro type system as PFA 0.8.1 uses it (spec §3): primitives, array, map, record, enum,
 * fixed, union and named types, plus the two types that only expressions have: the type of a
 * function value and the bottom type of `{"error": ...}` (accepted everywhere).
 */
import { SchemaError } from "./errors.ts";

export type PrimitiveKind = "null" | "boolean" | "int" | "long" | "float" | "double" | "bytes" | "string";

export interface PrimitiveType {
  readonly kind: PrimitiveKind;
}
export interface ArrayType {
  readonly kind: "array";
  readonly items: AvroType;
}
export interface MapType {
  readonly kind: "map";
  readonly values: AvroType;
}
export interface RecordField {
  readonly name: string;
  type: AvroType;
  readonly default?: unknown;
  readonly order?: string;
}
export interface RecordType {
  readonly kind: "record";
  readonly name: string;
  readonly namespace?: string;
  readonly fullName: string;
  fields: RecordField[];
  readonly doc?: string;
}
export interface EnumType {
  readonly kind: "enum";
  readonly name: string;
  readonly namespace?: string;
  readonly fullName: string;
  readonly symbols: readonly string[];
}
export interface FixedType {
  readonly kind: "fixed";
  readonly name: string;
  readonly namespace?: string;
  readonly fullName: string;
  readonly size: number;
}
export interface UnionType {
  readonly kind: "union";
  readonly types: readonly AvroType[];
}

export type NamedType = RecordType | EnumType | FixedType;
export type AvroType = PrimitiveType | ArrayType | MapType | RecordType | EnumType | FixedType | UnionType;

/** The type of a function value (fcn refs, inline functions) passed to a library function. */
export interface FcnType {
  readonly kind: "fcn";
  readonly params: readonly AvroType[];
  readonly ret: AvroType;
}
/** Bottom type: `{"error": ...}` never returns, so any slot accepts it. */
export interface ExceptionType {
  readonly kind: "exception";
}
export type ExprType = AvroType | FcnType | ExceptionType;

const prim = (kind: PrimitiveKind): PrimitiveType => ({ kind });
export const T = {
  null: prim("null"),
  boolean: prim("boolean"),
  int: prim("int"),
  long: prim("long"),
  float: prim("float"),
  double: prim("double"),
  bytes: prim("bytes"),
  string: prim("string"),
  exception: { kind: "exception" } as ExceptionType,
  array: (items: AvroType): ArrayType => ({ kind: "array", items }),
  map: (values: AvroType): MapType => ({ kind: "map", values }),
  union: (types: AvroType[]): UnionType => ({ kind: "union", types }),
};

const PRIMITIVES = new Set<string>(["null", "boolean", "int", "long", "float", "double", "bytes", "string"]);
const NUMERIC_RANK: Record<string, number> = { int: 0, long: 1, float: 2, double: 3 };

export function isNumeric(t: ExprType): boolean {
  return t.kind in NUMERIC_RANK;
}
export function isNamed(t: ExprType): t is NamedType {
  return t.kind === "record" || t.kind === "enum" || t.kind === "fixed";
}

/** Named types known to one document; lookups honour the enclosing namespace. */
export class TypeRegistry {
  private readonly named = new Map<string, NamedType>();

  get(name: string, namespace?: string): NamedType | undefined {
    if (namespace && !name.includes(".")) {
      const q = this.named.get(`${namespace}.${name}`);
      if (q) return q;
    }
    return this.named.get(name);
  }

  register(t: NamedType, path: string): void {
    const existing = this.named.get(t.fullName);
    if (existing && !typeEquals(existing, t)) {
      throw new SchemaError("PFA_TYPE_REDEFINED", `named type ${t.fullName} is defined twice with different shapes`, { path, value: t.fullName });
    }
    if (!existing) this.named.set(t.fullName, t);
  }

  /** Parse an Avro schema in its JSON form, registering the named types it defines. */
  parse(json: unknown, path = "", namespace?: string): AvroType {
    if (typeof json === "string") {
      if (PRIMITIVES.has(json)) return prim(json as PrimitiveKind);
      const found = this.get(json, namespace);
      if (!found) throw new SchemaError("PFA_UNKNOWN_TYPE", `unknown type name ${JSON.stringify(json)}`, { path, value: json });
      return found;
    }
    if (Array.isArray(json)) {
      const types = json.map((t, i) => this.parse(t, `${path}/${i}`, namespace));
      if (types.length === 0) throw new SchemaError("PFA_BAD_TYPE", "a union needs at least one branch", { path, value: json });
      for (const t of types) {
        if (t.kind === "union") throw new SchemaError("PFA_BAD_TYPE", "unions may not contain unions directly", { path, value: json });
      }
      return { kind: "union", types };
    }
    if (json === null || typeof json !== "object") {
      throw new SchemaError("PFA_BAD_TYPE", "a type must be a string, an array (union) or an object", { path, value: json });
    }
    const o = json as Record<string, unknown>;
    const kind = o.type;
    switch (kind) {
      case "null":
      case "boolean":
      case "int":
      case "long":
      case "float":
      case "double":
      case "bytes":
      case "string":
        return prim(kind);
      case "array":
        if (!("items" in o)) throw new SchemaError("PFA_BAD_TYPE", "array type needs items", { path, value: json });
        return { kind: "array", items: this.parse(o.items, `${path}/items`, namespace) };
      case "map":
        if (!("values" in o)) throw new SchemaError("PFA_BAD_TYPE", "map type needs values", { path, value: json });
        return { kind: "map", values: this.parse(o.values, `${path}/values`, namespace) };
      case "record":
      case "enum":
      case "fixed": {
        const { name, ns, fullName } = this.names(o, path, namespace);
        if (kind === "enum") {
          if (!Array.isArray(o.symbols) || !o.symbols.every((s) => typeof s === "string")) {
            throw new SchemaError("PFA_BAD_TYPE", "enum type needs a symbols array of strings", { path, value: json });
          }
          const t: EnumType = { kind: "enum", name, namespace: ns, fullName, symbols: o.symbols as string[] };
          this.register(t, path);
          return this.named.get(fullName)!;
        }
        if (kind === "fixed") {
          if (typeof o.size !== "number" || !Number.isInteger(o.size) || o.size < 0) {
            throw new SchemaError("PFA_BAD_TYPE", "fixed type needs a non-negative integer size", { path, value: json });
          }
          const t: FixedType = { kind: "fixed", name, namespace: ns, fullName, size: o.size };
          this.register(t, path);
          return this.named.get(fullName)!;
        }
        if (!Array.isArray(o.fields)) throw new SchemaError("PFA_BAD_TYPE", "record type needs a fields array", { path, value: json });
        const rec: RecordType = { kind: "record", name, namespace: ns, fullName, fields: [], doc: typeof o.doc === "string" ? o.doc : undefined };
        const before = this.named.get(fullName);
        // register first so that the record may refer to itself
        if (!before) this.named.set(fullName, rec);
        const seen = new Set<string>();
        try {
          rec.fields = o.fields.map((f, i) => {
            const fp = `${path}/fields/${i}`;
            if (f === null || typeof f !== "object" || typeof (f as { name?: unknown }).name !== "string") {
              throw new SchemaError("PFA_BAD_TYPE", "record field needs a name", { path: fp, value: f });
            }
            const fo = f as Record<string, unknown>;
            const fname = fo.name as string;
            if (seen.has(fname)) throw new SchemaError("PFA_BAD_TYPE", `duplicate field ${fname}`, { path: fp, value: fname });
            seen.add(fname);
            if (!("type" in fo)) throw new SchemaError("PFA_BAD_TYPE", `field ${fname} needs a type`, { path: fp, value: f });
            return {
              name: fname,
              type: this.parse(fo.type, `${fp}/type`, ns),
              default: fo.default,
              order: typeof fo.order === "string" ? fo.order : undefined,
            };
          });
        } catch (e) {
          // a field names a type defined later in the document: forget the provisional entry so a retry starts clean
          if (!before && this.named.get(fullName) === rec) this.named.delete(fullName);
          throw e;
        }
        if (before) {
          if (!typeEquals(before, rec))
            throw new SchemaError("PFA_TYPE_REDEFINED", `named type ${fullName} is defined twice with different shapes`, { path, value: fullName });
          return before;
        }
        return rec;
      }
      default:
        if (typeof kind === "string" || Array.isArray(kind) || (kind && typeof kind === "object")) {
          // {"type": "SomeName"} or {"type": {...}} wraps another type
          return this.parse(kind, `${path}/type`, namespace);
        }
        throw new SchemaError("PFA_BAD_TYPE", "unrecognised type", { path, value: json });
    }
  }

  /**
   * Register every named type defined anywhere in `json` (a whole document): PFA lets a type be
   * used by name before the place that defines it. Definitions that depend on others not yet
   * known are retried until nothing more resolves; the rest are reported when used.
   */
  preregister(json: unknown): void {
    const candidates: unknown[] = [];
    const walk = (v: unknown) => {
      if (Array.isArray(v)) v.forEach(walk);
      else if (v !== null && typeof v === "object") {
        const o = v as Record<string, unknown>;
        if ((o.type === "record" || o.type === "enum" || o.type === "fixed") && typeof o.name === "string") candidates.push(o);
        Object.values(o).forEach(walk);
      }
    };
    walk(json);
    let pending = candidates;
    for (;;) {
      const next: unknown[] = [];
      for (const c of pending) {
        try {
          this.parse(c, "");
        } catch (e) {
          if (e instanceof SchemaError && e.code === "PFA_UNKNOWN_TYPE") next.push(c);
        }
      }
      if (next.length === 0 || next.length === pending.length) return;
      pending = next;
    }
  }

  private names(o: Record<string, unknown>, path: string, namespace?: string) {
    if (typeof o.name !== "string" || !/^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$/.test(o.name)) {
      throw new SchemaError("PFA_BAD_TYPE", "named type needs a valid name", { path, value: o.name });
    }
    let name = o.name;
    let ns = typeof o.namespace === "string" && o.namespace !== "" ? o.namespace : namespace;
    const dot = name.lastIndexOf(".");
    if (dot >= 0) {
      ns = name.slice(0, dot);
      name = name.slice(dot + 1);
    }
    return { name, ns, fullName: ns ? `${ns}.${name}` : name };
  }
}

export function typeEquals(a: ExprType, b: ExprType, seen = new Set<string>()): boolean {
  if (a === b) return true;
  if (a.kind !== b.kind) return false;
  switch (a.kind) {
    case "array":
      return typeEquals(a.items, (b as ArrayType).items, seen);
    case "map":
      return typeEquals(a.values, (b as MapType).values, seen);
    case "union": {
      const bu = b as UnionType;
      return a.types.length === bu.types.length && a.types.every((t) => bu.types.some((u) => typeEquals(t, u, seen)));
    }
    case "record": {
      const br = b as RecordType;
      if (a.fullName !== br.fullName) return false;
      if (seen.has(a.fullName)) return true;
      seen.add(a.fullName);
      return a.fields.length === br.fields.length && a.fields.every((f, i) => f.name === br.fields[i]!.name && typeEquals(f.type, br.fields[i]!.type, seen));
    }
    case "enum":
      return a.fullName === (b as EnumType).fullName && a.symbols.join(",") === (b as EnumType).symbols.join(",");
    case "fixed":
      return a.fullName === (b as FixedType).fullName && a.size === (b as FixedType).size;
    case "fcn": {
      const bf = b as FcnType;
      return a.params.length === bf.params.length && a.params.every((p, i) => typeEquals(p, bf.params[i]!, seen)) && typeEquals(a.ret, bf.ret, seen);
    }
    default:
      return true;
  }
}

/**
 * Whether a slot of type `a` accepts values of type `b` (spec §3.3): equal types, numeric
 * promotion int → long → float → double, covariant arrays and maps, unions by branch. A union
 * is never accepted where a non-union is expected: that needs a cast.
 */
export function accepts(a: ExprType, b: ExprType): boolean {
  if (b.kind === "exception") return true;
  if (a.kind === "exception") return false;
  if (a.kind === "union") {
    if (b.kind === "union") return b.types.every((bt) => a.types.some((at) => accepts(at, bt)));
    return a.types.some((at) => accepts(at, b));
  }
  if (b.kind === "union") return false;
  switch (a.kind) {
    case "int":
    case "long":
    case "float":
    case "double":
      return b.kind in NUMERIC_RANK && NUMERIC_RANK[b.kind]! <= NUMERIC_RANK[a.kind]!;
    case "null":
    case "boolean":
    case "bytes":
    case "string":
      return a.kind === b.kind;
    case "array":
      return b.kind === "array" && accepts(a.items, b.items);
    case "map":
      return b.kind === "map" && accepts(a.values, b.values);
    case "record":
    case "enum":
    case "fixed":
      return b.kind === a.kind && (b as NamedType).fullName === a.fullName;
    case "fcn":
      return b.kind === "fcn" && a.params.length === b.params.length && a.params.every((p, i) => accepts(b.params[i]!, p)) && accepts(a.ret, b.ret);
  }
}

/**
 * The narrowest type that accepts all of `types` (used for if/else, cond and wildcard
 * resolution): the widest number if all are numeric, otherwise a union of distinct branches.
 */
export function broadestType(types: readonly ExprType[]): ExprType {
  const real = types.filter((t) => t.kind !== "exception");
  if (real.length === 0) return T.exception;
  if (real.every(isNumeric)) {
    return real.reduce((w, t) => (NUMERIC_RANK[t.kind]! > NUMERIC_RANK[w.kind]! ? t : w));
  }
  for (const cand of real) {
    if (real.every((t) => accepts(cand, t))) return cand;
  }
  const branches: AvroType[] = [];
  for (const t of real) {
    if (t.kind === "fcn") return t;
    const ts = t.kind === "union" ? t.types : [t as AvroType];
    for (const x of ts) if (!branches.some((b) => accepts(b, x))) branches.push(x);
  }
  return branches.length === 1 ? branches[0]! : { kind: "union", types: branches };
}

/** The JSON form of a type (named types written in full the first time, by name after). */
export function typeToJson(t: ExprType, written = new Set<string>()): unknown {
  switch (t.kind) {
    case "array":
      return { type: "array", items: typeToJson(t.items, written) };
    case "map":
      return { type: "map", values: typeToJson(t.values, written) };
    case "union":
      return t.types.map((x) => typeToJson(x, written));
    case "record":
      if (written.has(t.fullName)) return t.fullName;
      written.add(t.fullName);
      return {
        type: "record",
        name: t.name,
        ...(t.namespace ? { namespace: t.namespace } : {}),
        fields: t.fields.map((f) => ({ name: f.name, type: typeToJson(f.type, written) })),
      };
    case "enum":
      if (written.has(t.fullName)) return t.fullName;
      written.add(t.fullName);
      return { type: "enum", name: t.name, ...(t.namespace ? { namespace: t.namespace } : {}), symbols: t.symbols };
    case "fixed":
      if (written.has(t.fullName)) return t.fullName;
      written.add(t.fullName);
      return { type: "fixed", name: t.name, ...(t.namespace ? { namespace: t.namespace } : {}), size: t.size };
    case "fcn":
      return { type: "function", params: t.params.map((p) => typeToJson(p, written)), ret: typeToJson(t.ret, written) };
    default:
      return t.kind;
  }
}

export function typeName(t: ExprType): string {
  return JSON.stringify(typeToJson(t));
}
