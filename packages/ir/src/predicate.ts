import type { Value } from "./values.ts";

/** PMML predicates (TreeModel nodes, RuleSet rules, Segments, Scorecard attributes). */
export type Predicate = SimplePredicate | SimpleSetPredicate | CompoundPredicate | { kind: "true"; path?: string } | { kind: "false"; path?: string };

export type SimpleOperator = "equal" | "notEqual" | "lessThan" | "lessOrEqual" | "greaterThan" | "greaterOrEqual" | "isMissing" | "isNotMissing";
/** SimplePredicate operators in the spec's order (readers check attributes against it; node tables code them by it). */
export const SIMPLE_OPERATORS: readonly SimpleOperator[] = [
  "equal",
  "notEqual",
  "lessThan",
  "lessOrEqual",
  "greaterThan",
  "greaterOrEqual",
  "isMissing",
  "isNotMissing",
];

export interface SimplePredicate {
  kind: "simple";
  field: string;
  operator: SimpleOperator;
  /** The document's text; converted to the field's type when evaluated. */
  value?: string;
  path?: string;
}

export interface SimpleSetPredicate {
  kind: "simpleSet";
  field: string;
  booleanOperator: "isIn" | "isNotIn";
  /** Array elements as text; converted to the field's type when evaluated. */
  values: string[];
  path?: string;
}

export interface CompoundPredicate {
  kind: "compound";
  booleanOperator: "and" | "or" | "xor" | "surrogate";
  predicates: Predicate[];
  path?: string;
}

/** Three-valued predicate result: true, false, or unknown (null) when an input is missing. */
export type Truth = boolean | null;

export type { Value };
