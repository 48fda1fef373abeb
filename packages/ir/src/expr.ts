import type { DataType, Value } from "./values.ts";
import type { InvalidValueTreatment } from "./fields.ts";

/**
 * Expressions shared by PMML transformations (and the PFA bridge): a small typed tree.
 * Every node may carry the document path it came from, for error messages.
 */
export type Expr =
  | ConstantExpr
  | FieldRefExpr
  | ApplyExpr
  | NormContinuousExpr
  | NormDiscreteExpr
  | DiscretizeExpr
  | MapValuesExpr;

interface ExprBase {
  path?: string;
}

export interface ConstantExpr extends ExprBase {
  kind: "constant";
  /** Already converted to dataType (or inferred: number if it parses, else string). */
  value: Value;
  dataType?: DataType;
}

export interface FieldRefExpr extends ExprBase {
  kind: "fieldRef";
  field: string;
  mapMissingTo?: Value;
}

export interface ApplyExpr extends ExprBase {
  kind: "apply";
  function: string;
  args: Expr[];
  mapMissingTo?: Value;
  defaultValue?: Value;
  /** How an invalid result (NaN, domain error) is treated; PMML 4.4 default returnInvalid. */
  invalidValueTreatment: InvalidValueTreatment;
}

export interface LinearNorm {
  orig: number;
  norm: number;
}

export interface NormContinuousExpr extends ExprBase {
  kind: "normContinuous";
  field: string;
  points: LinearNorm[];
  outliers: "asIs" | "asMissingValues" | "asExtremeValues";
  mapMissingTo?: number;
}

export interface NormDiscreteExpr extends ExprBase {
  kind: "normDiscrete";
  field: string;
  value: string;
  mapMissingTo?: number;
}

export interface DiscretizeBin {
  binValue: Value;
  closure: "openClosed" | "openOpen" | "closedOpen" | "closedClosed";
  left?: number;
  right?: number;
}

export interface DiscretizeExpr extends ExprBase {
  kind: "discretize";
  field: string;
  bins: DiscretizeBin[];
  mapMissingTo?: Value;
  defaultValue?: Value;
  dataType?: DataType;
}

export interface MapValuesExpr extends ExprBase {
  kind: "mapValues";
  /** (input field, table column) pairs that must all match a row. */
  inputs: { field: string; column: string }[];
  outputColumn: string;
  /** InlineTable rows as column → cell text. */
  rows: Record<string, string>[];
  mapMissingTo?: Value;
  defaultValue?: Value;
  dataType?: DataType;
}
