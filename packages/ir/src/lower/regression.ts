import { SchemaError } from "../errors.ts";
import {
  classificationScheme,
  type ClassificationScheme,
  type RegressionModel,
  type RegressionNormalization,
  type RegressionTable,
} from "../models/regression.ts";
import type { Value } from "../values.ts";
import { memoizedPlan } from "./plan-cache.ts";

/**
 * RegressionModel (PMML 4.4 §Regression) lowered: which table(s), the normalisation scheme chosen
 * from normalizationMethod, the target's opType and the tables (classificationScheme), and the
 * typed category of each table. Backends hold only the table sums and the normalisation arithmetic.
 */

/** The target as lowering needs it: its opType and how a document category is typed. */
export interface RegressionTarget {
  readonly opType?: "categorical" | "ordinal" | "continuous";
  category(text: string): Value;
}

export type RegressionPlan =
  | {
      readonly kind: "regression";
      readonly table: RegressionTable;
      /** The inverse link applied to the table's value (never simplemax: JPMML refuses it here). */
      readonly normalization: Exclude<RegressionNormalization, "simplemax">;
      /** mathContext="float": every product and sum rounded to float (JPMML's FloatValue). */
      readonly float: boolean;
    }
  | {
      readonly kind: "classification";
      /** One table per category, in document order (the argmax tie order: the first wins). */
      readonly tables: readonly RegressionTable[];
      /**
       * The scheme and each table's typed category, or the fault JPMML raises for this document:
       * only on rows whose table values are all present (a missing one makes the result missing first).
       */
      readonly normalization:
        | { readonly scheme: Exclude<ClassificationScheme, { kind: "refused" }>; readonly categories: readonly Value[] }
        | { readonly fault: SchemaError };
      readonly float: boolean;
    };

/** The plan of `model` whose target is `target` (memoized per model node: a node has one target). */
export const lowerRegression: (model: RegressionModel, target: RegressionTarget) => RegressionPlan = memoizedPlan(lower);

function lower(model: RegressionModel, target: RegressionTarget): RegressionPlan {
  const float = model.mathContext === "float";
  if (model.functionName === "regression") {
    if (model.tables.length !== 1) {
      throw new SchemaError("PMML_REGRESSION_TABLES", "a regression RegressionModel needs exactly one RegressionTable", {
        path: model.path,
        value: model.tables.length,
      });
    }
    const normalization = model.normalizationMethod;
    if (normalization === "simplemax") refuse(model, 'normalizationMethod "simplemax" cannot normalise a regression result');
    return { kind: "regression", table: model.tables[0], normalization, float };
  }
  if (model.functionName !== "classification") {
    throw new SchemaError("PMML_FUNCTION_NAME", `RegressionModel cannot do ${model.functionName}`, { path: model.path, value: model.functionName });
  }
  return { kind: "classification", tables: model.tables, normalization: classification(model, target), float };
}

function classification(model: RegressionModel, target: RegressionTarget): Extract<RegressionPlan, { kind: "classification" }>["normalization"] {
  const scheme = classificationScheme(model.normalizationMethod, target.opType, model.tables);
  if (scheme.kind === "refused") return { fault: refusal(model, scheme.reason) };
  const categories: Value[] = [];
  for (let i = 0; i < model.tables.length; i++) {
    const text = model.tables[i].targetCategory;
    if (text === undefined) {
      return { fault: new SchemaError("PMML_TARGET_CATEGORY", "a classification RegressionTable needs targetCategory", { path: model.path, value: i }) };
    }
    categories.push(target.category(text));
  }
  return { scheme, categories };
}

/** JPMML's refusals (InvalidAttributeException on normalizationMethod) as a typed error. */
function refusal(model: RegressionModel, reason: string): SchemaError {
  return new SchemaError("PMML_BAD_ATTRIBUTE", reason, { path: `${model.path}/@normalizationMethod`, value: model.normalizationMethod });
}

function refuse(model: RegressionModel, reason: string): never {
  throw refusal(model, reason);
}
