import { UnsupportedFeatureError } from "@porta/ir";

/**
 * The pieces a PMML → PFA conversion builds generated PFA from: JSON expressions, their scalar
 * type and whether they may be null, and the block of `let`s the action accumulates.
 *
 * A PMML value may be missing anywhere; in PFA that is a union with null, and every operation on
 * it is lifted with `ifnotnull` (PFA 0.8.1 §ifnotnull), so the null travels as PMML's missing value.
 */

/** A PFA expression as JSON. A bare string is a symbol, never a literal: literals go through `literal`. */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

export type Scalar = "double" | "string" | "boolean" | "int";

/** A generated expression: its PFA text, its scalar type, and whether it may be null (missing). */
export interface Code {
  expr: Json;
  type: Scalar;
  nullable: boolean;
}

/** The Avro type of a code's value: a union with null when it may be missing. */
export function avroOf(type: Scalar, nullable: boolean): Json {
  return nullable ? ["null", type] : type;
}

/** A literal of `type`: PFA reads a bare 1 as int and JSON writes 1.0 as 1, so numbers are always tagged. */
export function literal(value: number | string | boolean, type: Scalar): Code {
  if (typeof value === "number" && !Number.isFinite(value)) {
    // JSON has no NaN or infinities; PFA writes them as a tagged string.
    return { expr: { double: Number.isNaN(value) ? "nan" : value > 0 ? "inf" : "-inf" } as unknown as Json, type: "double", nullable: false };
  }
  // JSON.stringify writes −0 as 0 (and YAML keeps it): −0 is written as the negation of 0, alike in both texts.
  if (Object.is(value, -0)) return { expr: { "u-": { double: 0 } }, type: "double", nullable: false };
  if (type === "boolean") return { expr: value as boolean, type, nullable: false };
  return { expr: { [type]: value } as Json, type, nullable: false };
}

/** The missing value of a scalar type (a typed null, so `let` gives it the union type). */
export function missing(type: Scalar): Code {
  return { expr: { type: avroOf(type, true), value: null }, type, nullable: true };
}

/** A value as a union with null (what an `if` branch or array cell of nullable values needs). */
export function asNullable(c: Code): Json {
  return c.nullable ? c.expr : { upcast: c.expr, as: avroOf(c.type, true) };
}

/**
 * The statements of the action under construction and fresh names for its `let`s. Every
 * generated value is pure, so a field bound once where first needed is the same value
 * wherever it is used later.
 */
export class Block {
  readonly statements: Json[] = [];
  /** Cells of the document (model parameters too large to write inline): name → { type, init }. */
  readonly cells: Record<string, { type: Json; init: Json }> = {};
  /** User functions of the document (`u.` + name), written once and called where needed. */
  readonly fcns: Record<string, Json> = {};
  private counter = 0;

  fresh(prefix: string): string {
    this.counter++;
    return `${prefix}_${this.counter}`;
  }

  /** Binds a code to a new name and answers a code reading that name. */
  bind(c: Code, prefix = "v"): Code {
    if (typeof c.expr === "string") return c;
    const name = this.fresh(prefix);
    this.statements.push({ let: { [name]: c.expr } });
    return { expr: name, type: c.type, nullable: c.nullable };
  }
}

/**
 * Lifts an operation over nullable arguments: with any argument missing the result is missing
 * (PMML's rule for built-in functions and for model inputs), else `body` on the present values.
 */
export function lift(block: Block, args: readonly Code[], body: (present: Code[]) => Code): Code {
  const bindings: Record<string, Json> = {};
  const present = args.map((a) => {
    if (!a.nullable) return a;
    const name = block.fresh("p");
    bindings[name] = a.expr;
    return { expr: name, type: a.type, nullable: false };
  });
  const inner = body(present);
  if (Object.keys(bindings).length === 0) return inner;
  return { expr: { ifnotnull: bindings, then: inner.expr, else: missing(inner.type).expr }, type: inner.type, nullable: true };
}

/** `if (test) then a else b` with both branches as one type (null-widened when either may be missing). */
export function choose(test: Json, a: Code, b: Code): Code {
  if (a.type !== b.type) throw new Error(`generated if with branches ${a.type} and ${b.type}`);
  const nullable = a.nullable || b.nullable;
  return {
    expr: { if: test, then: nullable ? asNullable(a) : a.expr, else: nullable ? asNullable(b) : b.expr },
    type: a.type,
    nullable,
  };
}

/** What cannot be converted exactly: an UnsupportedFeatureError naming the element, as the other converters throw. */
export function cannotConvert(feature: string, why: string, path?: string): never {
  throw new UnsupportedFeatureError(feature, `${feature}: ${why} (PMML to PFA)`, path === undefined ? undefined : { path });
}

/** A double literal array (model parameters). */
export function doubles(xs: readonly number[]): Json {
  return { type: { type: "array", items: "double" }, value: xs.map((x) => jsonNumber(x)) };
}

/** A finite number as JSON; non-finite ones PFA writes as tagged strings in Avro JSON. */
export function jsonNumber(x: number): Json {
  if (Number.isFinite(x)) return x;
  return Number.isNaN(x) ? "nan" : x > 0 ? "inf" : "-inf";
}

/** A value PMML refuses (returnInvalid): a PFA user error, typed as the branch it stands in. */
export function failure(message: string, type: Scalar): Code {
  return { expr: { error: message }, type, nullable: false };
}

/** PMML's comparison names (SimplePredicate operators and Apply functions) → PFA's core comparison operators. */
export const PFA_COMPARISON: Readonly<Record<string, string>> = {
  equal: "==",
  notEqual: "!=",
  lessThan: "<",
  lessOrEqual: "<=",
  greaterThan: ">",
  greaterOrEqual: ">=",
};
