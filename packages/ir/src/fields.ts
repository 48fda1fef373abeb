import type { DataType, OpType, Value } from "./values.ts";
import type { Expr } from "./expr.ts";

/** A closed/open numeric range from DataField/Interval. */
export interface Interval {
  closure: "openClosed" | "openOpen" | "closedOpen" | "closedClosed";
  left?: number;
  right?: number;
}

/** DataField: an input (or target) field of the data dictionary. */
export interface DataField {
  name: string;
  displayName?: string;
  dataType: DataType;
  opType: OpType;
  /** Values with property="valid" (or no property), in document order: the categories. */
  validValues: Value[];
  invalidValues: Value[];
  missingValues: Value[];
  /** Display values of the categories, where the document gives them. */
  displayValues?: Map<string, string>;
  intervals: Interval[];
  isCyclic?: boolean;
}

export type UsageType = "active" | "predicted" | "target" | "supplementary" | "group" | "order" | "frequencyWeight" | "analysisWeight";

export type InvalidValueTreatment = "returnInvalid" | "asIs" | "asMissing" | "asValue";
export type OutlierTreatment = "asIs" | "asMissingValues" | "asExtremeValues";

/** MiningField: how one model treats one field. */
export interface MiningField {
  name: string;
  usageType: UsageType;
  /** optype override of the DataField's. */
  opType?: OpType;
  missingValueReplacement?: Value;
  /** asIs/asMean/asMode/asMedian/asValue only document the replacement; returnInvalid fails. */
  missingValueTreatment?: "asIs" | "asMean" | "asMode" | "asMedian" | "asValue" | "returnInvalid";
  invalidValueTreatment: InvalidValueTreatment;
  invalidValueReplacement?: Value;
  outliers: OutlierTreatment;
  lowValue?: number;
  highValue?: number;
  importance?: number;
}

/** A MiningField that treats nothing: a nested model's value is then its parent's as it is. */
export function isPlainMiningField(f: MiningField): boolean {
  return (
    f.missingValueReplacement === undefined &&
    (f.missingValueTreatment === undefined || f.missingValueTreatment === "asIs") &&
    f.invalidValueTreatment === "returnInvalid" &&
    f.invalidValueReplacement === undefined &&
    f.outliers === "asIs"
  );
}

/** DerivedField from a TransformationDictionary or LocalTransformations. */
export interface DerivedField {
  name: string;
  displayName?: string;
  dataType: DataType;
  opType: OpType;
  expr: Expr;
  /** Declared Value elements, when given (categories of a categorical derived field). */
  values?: Value[];
}

export interface ParameterField {
  name: string;
  dataType?: DataType;
  opType?: OpType;
}

/** DefineFunction: a user function, called through Apply like a built-in. */
export interface DefineFunction {
  name: string;
  dataType: DataType;
  opType: OpType;
  params: ParameterField[];
  expr: Expr;
}
