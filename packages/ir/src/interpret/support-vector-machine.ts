import type { SupportVectorMachine, SupportVectorMachineModel, SvmKernel } from "../models/support-vector-machine.ts";
import type { ModelResult } from "../model.ts";
import { EvaluationError, SchemaError } from "../errors.ts";
import { formatValue, toNumber, valuesEqual, type Value } from "../values.ts";
import { coerceLiteral } from "./predicate.ts";
import type { ModelScope } from "./scope.ts";
import { toCategory, type TargetInfo } from "./target.ts";
import { exp } from "./exp.ts";

/**
 * SupportVectorMachineModel (PMML 4.4 §SupportVectorMachine): each machine computes
 * f(x) = Σ αᵢ K(x, xᵢ) + b; regression takes the one machine's f, classification combines
 * the machines one-against-all (smallest f wins, largest with maxWins) or one-against-one (votes).
 */
export function evaluateSvm(model: SupportVectorMachineModel, scope: ModelScope, target: TargetInfo): ModelResult {
  const x = inputVector(model, scope);
  if (model.functionName === "regression") {
    if (model.machines.length !== 1) {
      throw new SchemaError("PMML_SVM_MACHINES", "a regression SupportVectorMachineModel needs exactly one SupportVectorMachine", { path: model.path, value: model.machines.length });
    }
    return { value: machineValue(model, model.machines[0], x) };
  }
  if (model.functionName !== "classification") {
    throw new SchemaError("PMML_FUNCTION_NAME", `SupportVectorMachineModel cannot do ${model.functionName}`, { path: model.path, value: model.functionName });
  }
  return classificationMethod(model) === "OneAgainstAll" ? oneAgainstAll(model, x, target) : oneAgainstOne(model, x, target);
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
    throw new SchemaError("PMML_SVM_MACHINES", `alternateBinaryTargetCategory needs exactly one SupportVectorMachine, found ${model.machines.length}`, { path: model.path, value: model.machines.length });
  }
  requireCategory(first);
  if (model.alternateBinaryTargetCategory !== undefined) return "OneAgainstOne";
  return first.alternateTargetCategory !== undefined ? "OneAgainstOne" : "OneAgainstAll";
}

/** alternateTargetCategory where the method has no use for it: JPMML's MisplacedAttributeException. */
function refuseAlternate(m: SupportVectorMachine, why: string): void {
  if (m.alternateTargetCategory !== undefined) {
    throw new SchemaError("PMML_MISPLACED_ATTRIBUTE", `SupportVectorMachine@alternateTargetCategory is not allowed ${why}`, { path: `${m.path}/@alternateTargetCategory`, value: m.alternateTargetCategory });
  }
}

function requireCategory(m: SupportVectorMachine): string {
  if (m.targetCategory === undefined) {
    throw new SchemaError("PMML_MISSING_ATTRIBUTE", "a classification SupportVectorMachine needs targetCategory", { path: m.path, value: "targetCategory" });
  }
  return m.targetCategory;
}

function oneAgainstAll(model: SupportVectorMachineModel, x: number[], target: TargetInfo): ModelResult {
  const affinities = new Map<Value, number>();
  let best: Value = null, bestF = 0;
  for (const m of model.machines) {
    const category = toCategory(requireCategory(m), target);
    refuseAlternate(m, "in a one-against-all model");
    const f = machineValue(model, m, x);
    affinities.set(category, f);
    // Ties keep the first machine.
    if (best === null || (model.maxWins ? f > bestF : f < bestF)) { best = category; bestF = f; }
  }
  return { value: best, affinities };
}

function oneAgainstOne(model: SupportVectorMachineModel, x: number[], target: TargetInfo): ModelResult {
  const votes = new Map<string, { category: Value; votes: number }>();
  for (const m of model.machines) {
    requireCategory(m);
    const f = machineValue(model, m, x);
    let label: string;
    if (model.alternateBinaryTargetCategory !== undefined) {
      refuseAlternate(m, "next to the model's alternateBinaryTargetCategory");
      // "A rounded value of 1 corresponds to targetCategory, 0 to alternateBinaryTargetCategory."
      const rounded = Math.floor(f + 0.5);
      if (rounded === 1) label = requireCategory(m);
      else if (rounded === 0) label = model.alternateBinaryTargetCategory;
      else throw new EvaluationError("PMML_SVM_BINARY", `binary SVM value must round to 0 or 1, got ${f}`, { path: m.path, value: f });
    } else {
      if (m.alternateTargetCategory === undefined) {
        throw new SchemaError("PMML_MISSING_ATTRIBUTE", "a one-against-one SupportVectorMachine needs alternateTargetCategory", { path: m.path, value: "alternateTargetCategory" });
      }
      const threshold = m.threshold ?? model.threshold;
      const first = model.maxWins ? f > threshold : f < threshold;
      label = first ? requireCategory(m) : m.alternateTargetCategory;
    }
    const category = toCategory(label, target);
    const key = formatValue(category);
    const entry = votes.get(key);
    if (entry) entry.votes++;
    else votes.set(key, { category, votes: 1 });
  }
  let total = 0;
  for (const e of votes.values()) total += e.votes;
  const probabilities = new Map<Value, number>();
  let best: Value = null, bestVotes = -1;
  for (const e of votes.values()) {
    probabilities.set(e.category, e.votes / total);
    // "In case of a tie, the predicted class label is the first category with maximal number of votes."
    if (e.votes > bestVotes) { best = e.category; bestVotes = e.votes; }
  }
  return { value: best, probabilities };
}

/** The VectorFields of the row; a missing one is an error (JPMML's MissingValueException), not a missing prediction. */
function inputVector(model: SupportVectorMachineModel, scope: ModelScope): number[] {
  const x: number[] = [];
  for (const vf of model.vectorFields) {
    const v = scope.resolve(vf.field);
    if (v === null) {
      throw new EvaluationError("PMML_MISSING_VALUE", `VectorFields field "${vf.field}" is missing`, { path: model.path, value: vf.field });
    }
    if (vf.kind === "fieldRef") {
      x.push(toNumber(v));
    } else {
      x.push(valuesEqual(v, coerceLiteral(vf.value, v, scope, vf.field)) ? 1 : 0);
    }
  }
  return x;
}

function machineValue(model: SupportVectorMachineModel, m: SupportVectorMachine, x: number[]): number {
  let result = 0;
  if (model.representation === "Coefficients") {
    // Linear kernel written as one coefficient per vector field.
    if (m.coefficients.length !== x.length) {
      throw new SchemaError("PMML_SVM_COEFFICIENTS", `Coefficients holds ${m.coefficients.length} values for ${x.length} vector fields`, { path: m.path, value: m.coefficients.length });
    }
    for (let i = 0; i < x.length; i++) result += m.coefficients[i] * x[i];
  } else {
    if (m.coefficients.length !== m.supportVectors.length) {
      throw new SchemaError("PMML_SVM_COEFFICIENTS", `${m.coefficients.length} coefficients for ${m.supportVectors.length} support vectors`, { path: m.path, value: m.coefficients.length });
    }
    for (let i = 0; i < m.supportVectors.length; i++) {
      const vector = model.vectors[m.supportVectors[i]];
      if (!vector) {
        throw new SchemaError("PMML_SVM_VECTOR", `SupportVector "${m.supportVectors[i]}" is not in the VectorDictionary`, { path: m.path, value: m.supportVectors[i] });
      }
      result += m.coefficients[i] * kernel(model.kernel, x, vector);
    }
  }
  return result + m.absoluteValue;
}

/** §SupportVectorMachine kernel functions, in JPMML's order of operations. */
export function kernel(k: SvmKernel, x: number[], y: number[]): number {
  switch (k.kind) {
    case "linear":
      return dot(x, y);
    case "polynomial":
      return Math.pow(dot(x, y) * k.gamma + k.coef0, k.degree);
    case "radialBasis": {
      let sum = 0;
      for (let i = 0; i < x.length; i++) {
        const d = x[i] - y[i];
        sum += d * d;
      }
      return exp(-sum * k.gamma);
    }
    case "sigmoid":
      return Math.tanh(dot(x, y) * k.gamma + k.coef0);
  }
}

function dot(x: number[], y: number[]): number {
  let sum = 0;
  for (let i = 0; i < x.length; i++) sum += x[i] * y[i];
  return sum;
}
