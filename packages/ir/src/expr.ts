import type { DataType, Value } from "./values.ts";
import type { InvalidValueTreatment } from "./fields.ts";

/**
 * Expressions shared by PMML transformations (and the PFA bridge): a small typed tree.
 * Every node may carry the document path it came from, for error messages.
 */
export type Expr = ConstantExpr | FieldRefExpr | ApplyExpr | NormContinuousExpr | NormDiscreteExpr | DiscretizeExpr | MapValuesExpr | TextIndexExpr;

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

/**
 * One TextIndexNormalization (PMML 4.4 §Transformations, "TextIndexNormalization"): its
 * InlineTable rows are applied in order to the text before it is tokenised; with `recursive`
 * the table is reapplied until no row changes the text.
 */
export interface TextIndexNormalization {
  /** Each row as (search, replacement, isRegex): the inField, outField and regexField cells. */
  rows: { search: string; replacement: string; regex: boolean }[];
  recursive: boolean;
  /** Overrides TextIndex@isCaseSensitive for this table when present. */
  isCaseSensitive?: boolean;
  path?: string;
}

/**
 * PMML 4.4 TextIndex: the frequency of a term (the child expression) in the text of
 * `textField`, weighted per `localTermWeights`.
 */
export interface TextIndexExpr extends ExprBase {
  kind: "textIndex";
  textField: string;
  term: Expr;
  localTermWeights: "termFrequency" | "binary" | "logarithmic" | "augmentedNormalizedTermFrequency";
  isCaseSensitive: boolean;
  maxLevenshteinDistance: number;
  countHits: "allHits" | "bestHits";
  /** A regex whose matches separate words (PMML 4.4 default `\s+`). */
  wordSeparatorCharacterRE: string;
  /**
   * JPMML's `x-wordRE` extension (DMG mantis 271, written by JPMML-SkLearn for scikit-learn's
   * token_pattern): a regex whose matches are the words. Takes precedence over the separator.
   */
  wordRE?: string;
  /** When false the whole (normalised) text and term are one token each. */
  tokenize: boolean;
  normalizations: TextIndexNormalization[];
}
