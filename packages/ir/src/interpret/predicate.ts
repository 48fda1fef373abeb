import type { Predicate, SimplePredicate, SimpleSetPredicate, Truth } from "../predicate.ts";
import { EvaluationError, SchemaError } from "../errors.ts";
import { compareValues, toDataType, valuesEqual, type Value } from "../values.ts";
import type { Scope } from "./scope.ts";

/** Three-valued evaluation of a PMML predicate (§Predicates): null means UNKNOWN. */
export function evaluatePredicate(p: Predicate, scope: Scope): Truth {
  switch (p.kind) {
    case "true":
      return true;
    case "false":
      return false;
    case "simple":
      return evaluateSimple(p, scope);
    case "simpleSet":
      return evaluateSimpleSet(p, scope);
    case "compound":
      return evaluateCompound(p.booleanOperator, p.predicates, scope);
    default: {
      const never: never = p;
      throw new SchemaError("PMML_UNKNOWN_PREDICATE", "unknown predicate", { value: never });
    }
  }
}

/** Converts a predicate's literal to the type of the value it is compared with. */
export function coerceLiteral(literal: string, like: Value, scope: Scope, field: string): Value {
  const declared = scope.typeOf(field);
  if (declared) {
    const typed = toDataType(literal, declared);
    if (typed !== undefined && typed !== null) return typed;
  }
  if (typeof like === "number") {
    const n = toDataType(literal, "double");
    return n === undefined ? literal : n;
  }
  if (typeof like === "boolean") {
    const b = toDataType(literal, "boolean");
    return b === undefined ? literal : b;
  }
  return literal;
}

function evaluateSimple(p: SimplePredicate, scope: Scope): Truth {
  const v = scope.resolve(p.field);
  if (p.operator === "isMissing") return v === null;
  if (p.operator === "isNotMissing") return v !== null;
  if (v === null) return null;
  if (p.value === undefined) {
    throw new SchemaError("PMML_PREDICATE_VALUE", `SimplePredicate "${p.operator}" needs a value`, { path: p.path, value: p.operator });
  }
  const lit = coerceLiteral(p.value, v, scope, p.field);
  switch (p.operator) {
    case "equal":
      return valuesEqual(v, lit);
    case "notEqual":
      return !valuesEqual(v, lit);
    case "lessThan":
      return compare(v, lit, scope, p.field) < 0;
    case "lessOrEqual":
      return compare(v, lit, scope, p.field) <= 0;
    case "greaterThan":
      return compare(v, lit, scope, p.field) > 0;
    case "greaterOrEqual":
      return compare(v, lit, scope, p.field) >= 0;
  }
}

/**
 * Order of a field's value against a literal: by position in the ordinal field's declared
 * values where it has them (a value outside them cannot be ordered: JPMML's OrdinalValue
 * throws), else natural order.
 */
function compare(v: Value, lit: Value, scope: Scope, field: string): number {
  const ordering = scope.orderingOf?.(field);
  if (!ordering) return compareValues(v, lit);
  const left = ordering.findIndex((o) => valuesEqual(o, v));
  const right = ordering.findIndex((o) => valuesEqual(o, lit));
  if (left < 0 || right < 0) {
    throw new EvaluationError(
      "PMML_ORDINAL_ORDER",
      `values ${JSON.stringify(String(v))} and ${JSON.stringify(String(lit))} of ordinal field "${field}" cannot be ordered`,
      { value: left < 0 ? v : lit },
    );
  }
  return left - right;
}

function evaluateSimpleSet(p: SimpleSetPredicate, scope: Scope): Truth {
  const v = scope.resolve(p.field);
  if (v === null) return null;
  const found = p.values.some((text) => valuesEqual(v, coerceLiteral(text, v, scope, p.field)));
  return p.booleanOperator === "isIn" ? found : !found;
}

function evaluateCompound(op: "and" | "or" | "xor" | "surrogate", predicates: Predicate[], scope: Scope): Truth {
  switch (op) {
    case "and": {
      let unknown = false;
      for (const q of predicates) {
        const t = evaluatePredicate(q, scope);
        if (t === false) return false;
        if (t === null) unknown = true;
      }
      return unknown ? null : true;
    }
    case "or": {
      let unknown = false;
      for (const q of predicates) {
        const t = evaluatePredicate(q, scope);
        if (t === true) return true;
        if (t === null) unknown = true;
      }
      return unknown ? null : false;
    }
    case "xor": {
      let acc = false;
      for (const q of predicates) {
        const t = evaluatePredicate(q, scope);
        if (t === null) return null;
        acc = acc !== t;
      }
      return acc;
    }
    case "surrogate": {
      // The first predicate that is not UNKNOWN decides (§CompoundPredicate surrogate).
      for (const q of predicates) {
        const t = evaluatePredicate(q, scope);
        if (t !== null) return t;
      }
      return null;
    }
  }
}
