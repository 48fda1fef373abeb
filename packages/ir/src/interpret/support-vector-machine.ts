import type { SupportVectorMachineModel, SvmKernel } from "../models/support-vector-machine.ts";
import type { ModelResult } from "../model.ts";
import { EvaluationError } from "../errors.ts";
import { lowerSvm, type SvmMachinePlan, type SvmPlan } from "../lower/support-vector-machine.ts";
import { toNumber, valuesEqual, type Value } from "../values.ts";
import { coerceLiteral } from "./predicate.ts";
import type { ModelScope } from "./scope.ts";
import { toCategory, type TargetInfo } from "./target.ts";
import { exp } from "./exp.ts";

type ClassificationPlan = Extract<SvmPlan, { kind: "classification" }>;

/**
 * SupportVectorMachineModel (PMML 4.4 §SupportVectorMachine): each machine computes
 * f(x) = Σ αᵢ K(x, xᵢ) + b; regression takes the one machine's f, classification combines
 * the machines one-against-all (smallest f wins, largest with maxWins) or one-against-one (votes).
 * Vectors, coefficients, method and categories come from the lowered plan (lower/support-vector-machine.ts).
 */
export function evaluateSvm(model: SupportVectorMachineModel, scope: ModelScope, target: TargetInfo): ModelResult {
  // A missing input fails the row before the document is judged, as JPMML reads the vector first.
  const x = inputVector(model, scope);
  const plan = lowerSvm(model, { category: (text) => toCategory(text, target) });
  const values = plan.kind === "regression" ? [machineValue(plan, plan.machine, x)] : plan.machines.map((m) => machineValue(plan, m, x));
  return svmResult(plan, values);
}

/**
 * The prediction from each machine's f(x), in the plan's machine order (regression: the one
 * machine). Shared with backends that compute f themselves (onnx).
 */
export function svmResult(plan: SvmPlan, values: readonly number[]): ModelResult {
  if (plan.kind === "regression") return { value: values[0] };
  return plan.method === "OneAgainstAll" ? oneAgainstAll(plan, values) : oneAgainstOne(plan, values);
}

function oneAgainstAll(plan: ClassificationPlan, values: readonly number[]): ModelResult {
  const affinities = new Map<Value, number>();
  let best: Value = null,
    bestF = 0;
  for (const [j, m] of plan.machines.entries()) {
    const category = plan.categories[m.category];
    const f = values[j];
    affinities.set(category, f);
    // Ties keep the first machine.
    if (best === null || (plan.maxWins ? f > bestF : f < bestF)) {
      best = category;
      bestF = f;
    }
  }
  return { value: best, affinities };
}

function oneAgainstOne(plan: ClassificationPlan, values: readonly number[]): ModelResult {
  // Votes per category, kept in the order categories first received one (the tie order).
  const votes = new Map<number, number>();
  for (const [j, m] of plan.machines.entries()) {
    const f = values[j];
    let vote: number;
    if (plan.method === "binary") {
      // "A rounded value of 1 corresponds to targetCategory, 0 to alternateBinaryTargetCategory."
      const rounded = Math.floor(f + 0.5);
      if (rounded === 1) vote = m.category;
      else if (rounded === 0) vote = m.alternate;
      else throw new EvaluationError("PMML_SVM_BINARY", `binary SVM value must round to 0 or 1, got ${f}`, { path: m.path, value: f });
    } else {
      const first = plan.maxWins ? f > m.threshold : f < m.threshold;
      vote = first ? m.category : m.alternate;
    }
    votes.set(vote, (votes.get(vote) ?? 0) + 1);
  }
  let total = 0;
  for (const n of votes.values()) total += n;
  const probabilities = new Map<Value, number>();
  let best: Value = null,
    bestVotes = -1;
  for (const [k, n] of votes) {
    const category = plan.categories[k];
    probabilities.set(category, n / total);
    // "In case of a tie, the predicted class label is the first category with maximal number of votes."
    if (n > bestVotes) {
      best = category;
      bestVotes = n;
    }
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

function machineValue(plan: SvmPlan, m: SvmMachinePlan, x: number[]): number {
  let result = 0;
  if (plan.representation === "Coefficients") {
    // Linear kernel written as one coefficient per vector field.
    for (let i = 0; i < x.length; i++) result += m.coefficients[i] * x[i];
  } else {
    for (let i = 0; i < m.supportVectors.length; i++) result += m.coefficients[i] * kernel(plan.kernel, x, plan.vectors[m.supportVectors[i]]);
  }
  return result + m.absoluteValue;
}

/** §SupportVectorMachine kernel functions, in JPMML's order of operations. */
export function kernel(k: SvmKernel, x: readonly number[], y: readonly number[]): number {
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

function dot(x: readonly number[], y: readonly number[]): number {
  let sum = 0;
  for (let i = 0; i < x.length; i++) sum += x[i] * y[i];
  return sum;
}
