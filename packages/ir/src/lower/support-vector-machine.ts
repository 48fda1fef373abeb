import { SchemaError } from "../errors.ts";
import type { SupportVectorMachine, SupportVectorMachineModel, SvmKernel, SvmVectorField } from "../models/support-vector-machine.ts";
import { formatValue, type Value } from "../values.ts";
import { memoizedPlan } from "./plan-cache.ts";

/**
 * SupportVectorMachineModel (PMML 4.4 §SupportVectorMachine) lowered: the kernel, the support
 * vectors as one dense table, each machine's coefficients with the table row of each support
 * vector, its b, and how the machines become a prediction (regression; one-against-all;
 * one-against-one by threshold; binary by rounding) with each machine's typed categories.
 * Backends hold only f(x) = Σ αᵢ K(x, xᵢ) + b and the vote or argmin/argmax.
 */

/** The target as lowering needs it: how a document category is typed. */
export interface SvmTarget {
  category(text: string): Value;
}

export interface SvmMachinePlan {
  /** αᵢ, in document order (the summation order). */
  readonly coefficients: readonly number[];
  /**
   * Row in `SvmPlan.vectors` of each coefficient's support vector (SupportVectors representation);
   * empty for the Coefficients representation, where coefficient q multiplies vector field q.
   */
  readonly supportVectors: readonly number[];
  /** b in f(x) = Σ αᵢ K(x, xᵢ) + b. */
  readonly absoluteValue: number;
  readonly path: string;
}

/** A classification machine: the category it stands for and, one-against-one, the other one. */
export interface SvmClassMachinePlan extends SvmMachinePlan {
  /** Index in `categories` of targetCategory. */
  readonly category: number;
  /** One-against-one: index of alternateTargetCategory (binary: of alternateBinaryTargetCategory). */
  readonly alternate: number;
  /** One-against-one by threshold: the machine's threshold, else the model's. */
  readonly threshold: number;
}

interface SvmPlanBase {
  readonly kernel: SvmKernel;
  readonly representation: SupportVectorMachineModel["representation"];
  readonly vectorFields: readonly SvmVectorField[];
  /** VectorDictionary ids, in document order; `vectors[v]` is the vector of `vectorIds[v]`. */
  readonly vectorIds: readonly string[];
  /**
   * Each vector with exactly one value per vector field: a vector written shorter reads NaN where it
   * has no value (the interpreter's x[i]·y[i] over undefined always did), a longer one is cut.
   */
  readonly vectors: readonly (readonly number[])[];
  readonly path: string;
}

export type SvmPlan =
  | (SvmPlanBase & { readonly kind: "regression"; readonly machine: SvmMachinePlan })
  | (SvmPlanBase & {
      readonly kind: "classification";
      /**
       * OneAgainstAll: the smallest f wins (largest with maxWins), ties keep the first machine.
       * OneAgainstOne: f < threshold (f > threshold with maxWins) votes `category`, else `alternate`.
       * binary (alternateBinaryTargetCategory): round(f) = 1 votes `category`, 0 `alternate`, else an error.
       */
      readonly method: "OneAgainstAll" | "OneAgainstOne" | "binary";
      readonly maxWins: boolean;
      /** The distinct typed categories the machines name, in order of first mention (targetCategory before alternate). */
      readonly categories: readonly Value[];
      readonly machines: readonly SvmClassMachinePlan[];
    });

/** The plan of `model` whose target types categories as `target` does (memoized per node: a node has one target). */
export const lowerSvm: (model: SupportVectorMachineModel, target: SvmTarget) => SvmPlan = memoizedPlan(lower);

function lower(model: SupportVectorMachineModel, target: SvmTarget): SvmPlan {
  const vectorIds = Object.keys(model.vectors);
  const F = model.vectorFields.length;
  const base: SvmPlanBase = {
    kernel: model.kernel,
    representation: model.representation,
    vectorFields: model.vectorFields,
    vectorIds,
    vectors: vectorIds.map((id) => Array.from({ length: F }, (_, q) => model.vectors[id][q] ?? NaN)),
    path: model.path,
  };
  const rows = new Map(vectorIds.map((id, v) => [id, v]));
  if (model.functionName === "regression") {
    if (model.machines.length !== 1) {
      throw new SchemaError("PMML_SVM_MACHINES", "a regression SupportVectorMachineModel needs exactly one SupportVectorMachine", {
        path: model.path,
        value: model.machines.length,
      });
    }
    return { ...base, kind: "regression", machine: machinePlan(model, model.machines[0], rows) };
  }
  if (model.functionName !== "classification") {
    throw new SchemaError("PMML_FUNCTION_NAME", `SupportVectorMachineModel cannot do ${model.functionName}`, { path: model.path, value: model.functionName });
  }
  const method = classificationMethod(model);
  const categories: Value[] = [];
  const keys = new Map<string, number>();
  // Categories are told apart as the interpreter's votes are: by their formatted value.
  const slot = (text: string): number => {
    const value = target.category(text);
    const key = formatValue(value);
    let k = keys.get(key);
    if (k === undefined) {
      k = categories.length;
      categories.push(value);
      keys.set(key, k);
    }
    return k;
  };
  const binary = model.alternateBinaryTargetCategory;
  const machines = model.machines.map((m): SvmClassMachinePlan => {
    const category = slot(requireCategory(m));
    if (method === "OneAgainstAll") {
      refuseAlternate(m, "in a one-against-all model");
      return { ...machinePlan(model, m, rows), category, alternate: -1, threshold: model.threshold };
    }
    const machine = machinePlan(model, m, rows);
    if (binary !== undefined) {
      refuseAlternate(m, "next to the model's alternateBinaryTargetCategory");
      return { ...machine, category, alternate: slot(binary), threshold: model.threshold };
    }
    if (m.alternateTargetCategory === undefined) {
      throw new SchemaError("PMML_MISSING_ATTRIBUTE", "a one-against-one SupportVectorMachine needs alternateTargetCategory", {
        path: m.path,
        value: "alternateTargetCategory",
      });
    }
    return { ...machine, category, alternate: slot(m.alternateTargetCategory), threshold: m.threshold ?? model.threshold };
  });
  return {
    ...base,
    kind: "classification",
    method: method === "OneAgainstOne" && binary !== undefined ? "binary" : method,
    maxWins: model.maxWins,
    categories,
    machines,
  };
}

/**
 * classificationMethod, or, when the document leaves it out, what the machines imply: older
 * producers omit it on one-against-one models (JPMML infers it the same way).
 */
function classificationMethod(model: SupportVectorMachineModel): "OneAgainstAll" | "OneAgainstOne" {
  if (model.classificationMethod) return model.classificationMethod;
  const first = model.machines[0];
  if (!first) throw new SchemaError("PMML_SVM_MACHINES", "SupportVectorMachineModel has no SupportVectorMachine", { path: model.path, value: 0 });
  // The evidence JPMML accepts: a binary model is exactly one machine with a targetCategory; otherwise
  // the first machine's targetCategory (required) with or without alternateTargetCategory.
  if (model.alternateBinaryTargetCategory !== undefined && model.machines.length !== 1) {
    throw new SchemaError("PMML_SVM_MACHINES", `alternateBinaryTargetCategory needs exactly one SupportVectorMachine, found ${model.machines.length}`, {
      path: model.path,
      value: model.machines.length,
    });
  }
  requireCategory(first);
  if (model.alternateBinaryTargetCategory !== undefined) return "OneAgainstOne";
  return first.alternateTargetCategory !== undefined ? "OneAgainstOne" : "OneAgainstAll";
}

/** The machine's coefficients matched to vector fields (Coefficients) or to support vectors. */
function machinePlan(model: SupportVectorMachineModel, m: SupportVectorMachine, rows: ReadonlyMap<string, number>): SvmMachinePlan {
  if (model.representation === "Coefficients") {
    // Linear kernel written as one coefficient per vector field.
    if (m.coefficients.length !== model.vectorFields.length) {
      throw new SchemaError("PMML_SVM_COEFFICIENTS", `Coefficients holds ${m.coefficients.length} values for ${model.vectorFields.length} vector fields`, {
        path: m.path,
        value: m.coefficients.length,
      });
    }
    return { coefficients: m.coefficients, supportVectors: [], absoluteValue: m.absoluteValue, path: m.path };
  }
  if (m.coefficients.length !== m.supportVectors.length) {
    throw new SchemaError("PMML_SVM_COEFFICIENTS", `${m.coefficients.length} coefficients for ${m.supportVectors.length} support vectors`, {
      path: m.path,
      value: m.coefficients.length,
    });
  }
  const supportVectors = m.supportVectors.map((id) => {
    const row = rows.get(id);
    if (row === undefined) {
      throw new SchemaError("PMML_SVM_VECTOR", `SupportVector "${id}" is not in the VectorDictionary`, { path: m.path, value: id });
    }
    return row;
  });
  return { coefficients: m.coefficients, supportVectors, absoluteValue: m.absoluteValue, path: m.path };
}

/** alternateTargetCategory where the method has no use for it: JPMML's MisplacedAttributeException. */
function refuseAlternate(m: SupportVectorMachine, why: string): void {
  if (m.alternateTargetCategory !== undefined) {
    throw new SchemaError("PMML_MISPLACED_ATTRIBUTE", `SupportVectorMachine@alternateTargetCategory is not allowed ${why}`, {
      path: `${m.path}/@alternateTargetCategory`,
      value: m.alternateTargetCategory,
    });
  }
}

function requireCategory(m: SupportVectorMachine): string {
  if (m.targetCategory === undefined) {
    throw new SchemaError("PMML_MISSING_ATTRIBUTE", "a classification SupportVectorMachine needs targetCategory", { path: m.path, value: "targetCategory" });
  }
  return m.targetCategory;
}
