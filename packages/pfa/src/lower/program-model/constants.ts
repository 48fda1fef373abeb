/**
 * What makes a program model JSON data: constants in Avro JSON (a long beyond 2^53 as a decimal
 * string, bytes in base64, non-finite doubles as "nan"/"inf"/"-inf"), and Avro types as plain
 * trees, but for a recursive named type, which stays a cycle (its JSON form names it:
 * @porta/ir's programToJson). A record field default beyond 2^53 has no JSON number: refused.
 */
import type { AvroType, ExprType } from "@porta/ir/avro";
import { encodeAvroJson } from "../../values.ts";
import { notLowerable } from "../refusal.ts";

/** A runtime value of `type` as Avro JSON, every long beyond 2^53 a decimal string. */
export function constJson(type: AvroType, value: unknown, path: string): unknown {
  let encoded: unknown;
  try {
    encoded = encodeAvroJson(type, value);
  } catch {
    return notLowerable("a constant that matches no branch of its union", path);
  }
  return plainJson(encoded, path, "a constant");
}

/** JSON data as is, a bigint as its decimal string; anything else that is not JSON is refused. */
export function plainJson(v: unknown, path: string, what: string): unknown {
  switch (typeof v) {
    case "bigint":
      return v.toString();
    case "string":
    case "boolean":
      return v;
    case "number":
      return Number.isFinite(v) ? v : notLowerable(`${what} holding a non-finite number outside Avro JSON`, path);
    case "object": {
      if (v === null) return null;
      if (Array.isArray(v)) return v.map((x) => plainJson(x, path, what));
      if (Object.getPrototypeOf(v) !== Object.prototype && Object.getPrototypeOf(v) !== null) return notLowerable(`${what} that is not JSON data`, path);
      return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, plainJson(x, path, what)]));
    }
    default:
      return notLowerable(`${what} that is not JSON data`, path);
  }
}

/**
 * Avro types as plain trees, one copy per type object (a named type used in many places stays one
 * object: the model is a DAG, as JSON stores it). The copies hold only defined properties.
 */
export class JsonTypes {
  private readonly copies = new Map<ExprType, ExprType>();

  of<T extends ExprType>(t: T, path: string): T {
    return this.copy(t, path) as T;
  }

  private copy(t: ExprType, path: string): ExprType {
    const done = this.copies.get(t);
    if (done) return done;
    const out = t.kind === "record" ? this.record(t, path) : this.build(t, path);
    this.copies.set(t, out);
    this.copies.set(out, out); // a copy is its own copy
    return out;
  }

  /**
   * A record's copy, registered before its fields are copied: a field of its own type (a recursive
   * named type; only a named type can refer to itself) is the copy itself, as in the checked document.
   */
  private record(t: Extract<ExprType, { kind: "record" }>, path: string): ExprType {
    const out: { -readonly [K in keyof typeof t]: (typeof t)[K] } = {
      kind: "record",
      name: t.name,
      ...(t.namespace !== undefined && { namespace: t.namespace }),
      fullName: t.fullName,
      fields: [],
      ...(t.doc !== undefined && { doc: t.doc }),
    };
    this.copies.set(t, out);
    this.copies.set(out, out);
    out.fields = t.fields.map((f) => ({
      name: f.name,
      type: this.copy(f.type, path) as AvroType,
      ...(f.default !== undefined && { default: defaultJson(f.default, `${t.fullName}.${f.name}`, path) }),
      ...(f.order !== undefined && { order: f.order }),
    }));
    return out;
  }

  private build(t: Exclude<ExprType, { kind: "record" }>, path: string): ExprType {
    switch (t.kind) {
      case "array":
        return { kind: "array", items: this.copy(t.items, path) as AvroType };
      case "map":
        return { kind: "map", values: this.copy(t.values, path) as AvroType };
      case "union":
        return { kind: "union", types: t.types.map((b) => this.copy(b, path) as AvroType) };
      case "fcn":
        return { kind: "fcn", params: t.params.map((p) => this.copy(p, path) as AvroType), ret: this.copy(t.ret, path) as AvroType };
      case "enum":
        return {
          kind: "enum",
          name: t.name,
          ...(t.namespace !== undefined && { namespace: t.namespace }),
          fullName: t.fullName,
          symbols: [...t.symbols],
        };
      case "fixed":
        return { kind: "fixed", name: t.name, ...(t.namespace !== undefined && { namespace: t.namespace }), fullName: t.fullName, size: t.size };
      default:
        return { kind: t.kind };
    }
  }
}

/** A record field's default as written: JSON data, refused when it holds a long beyond 2^53 (no JSON number holds it exactly). */
function defaultJson(v: unknown, field: string, path: string): unknown {
  const walk = (x: unknown): unknown => {
    if (typeof x === "bigint") return notLowerable(`the default of ${field}, a long beyond 2^53`, path);
    if (Array.isArray(x)) return x.map(walk);
    if (x !== null && typeof x === "object") return Object.fromEntries(Object.entries(x).map(([k, y]) => [k, walk(y)]));
    return x;
  };
  return walk(v);
}
