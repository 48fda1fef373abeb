import { scoreDistributionProbabilities, type TreeModel, type TreeNode } from "../models/tree.ts";
import type { Predicate } from "../predicate.ts";
import type { ModelResult } from "../model.ts";
import { SchemaError } from "../errors.ts";
import { toDataType, type Value } from "../values.ts";
import { evaluatePredicate } from "./predicate.ts";
import type { Scope } from "./scope.ts";
import type { ModelScope } from "./scope.ts";
import { toCategory, type TargetInfo } from "./target.ts";

/**
 * TreeModel (PMML 4.4 §TreeModel): walk from the root, following the first child whose
 * predicate is TRUE; UNKNOWN predicates are handled by missingValueStrategy.
 */
export function evaluateTree(model: TreeModel, scope: ModelScope, target: TargetInfo): ModelResult {
  const rootTruth = evaluatePredicate(model.root.predicate, scope);
  if (rootTruth !== true) return { value: null };
  if (model.missingValueStrategy === "weightedConfidence" || model.missingValueStrategy === "aggregateNodes") {
    return evaluateAggregating(model, scope, target);
  }
  // JPMML counts a "missing level" for each defaultChild step and for each Node whose top-level
  // surrogate CompoundPredicate was decided by an alternative (not its first) predicate.
  const trail = { missingLevels: 0 };
  if (model.root.predicate.kind === "compound" && model.root.predicate.booleanOperator === "surrogate") {
    // The root was already evaluated TRUE above; count its surrogate step the same way.
    nodeTruth(model.root.predicate, scope, trail);
  }
  let node = model.root;
  for (;;) {
    if (node.children.length === 0) break;
    let next: TreeNode | undefined;
    let stop = false;
    for (const child of node.children) {
      const truth = nodeTruth(child.predicate, scope, trail);
      if (truth === true) {
        next = child;
        break;
      }
      if (truth === false) continue;
      // UNKNOWN
      switch (model.missingValueStrategy) {
        case "nullPrediction":
          return { value: null };
        case "lastPrediction":
          stop = true;
          break;
        case "defaultChild": {
          // The default child's own predicate is not evaluated.
          const dflt = node.children.find((c) => c.id !== undefined && c.id === node.defaultChild);
          if (!dflt) {
            throw new SchemaError("PMML_TREE_DEFAULT_CHILD", `Node ${node.id ?? ""} has no defaultChild to follow`, {
              path: node.path,
              value: node.defaultChild,
            });
          }
          next = dflt;
          trail.missingLevels++;
          break;
        }
        case "none":
          continue;
        default:
          break;
      }
      if (stop || next) break;
    }
    if (stop) break;
    if (!next) {
      if (model.noTrueChildStrategy === "returnNullPrediction") return { value: null };
      // "Return the parent Node only if it specifies a score attribute" (JPMML).
      if (node.score === undefined) return { value: null };
      break;
    }
    node = next;
  }
  return nodeResult(model, node, target, trail.missingLevels > 0 ? Math.pow(model.missingValuePenalty, trail.missingLevels) : 1);
}

/** A node's predicate, counting a missing level when a surrogate alternative decided it. */
function nodeTruth(p: Predicate, scope: Scope, trail: { missingLevels: number }): boolean | null {
  if (p.kind !== "compound" || p.booleanOperator !== "surrogate") return evaluatePredicate(p, scope);
  for (let k = 0; k < p.predicates.length; k++) {
    const t = evaluatePredicate(p.predicates[k], scope);
    if (t !== null) {
      if (k > 0) trail.missingLevels++;
      return t;
    }
  }
  return null;
}

/**
 * The result of a tree that stopped at `node` with no missing levels on the way: what a backend
 * that walked the tree itself (onnx's TreeEnsemble) reports for the node it reached.
 */
export function treeNodeResult(model: TreeModel, node: TreeNode, target: TargetInfo): ModelResult {
  return nodeResult(model, node, target, 1);
}

function nodeResult(model: TreeModel, node: TreeNode, target: TargetInfo, penalty: number): ModelResult {
  if (model.functionName === "regression") {
    if (node.score === undefined) return { value: null, entityId: node.id ?? null };
    // mathContext="float": the score is a float (JPMML's FloatValue), as XGBoost/LightGBM leaves are.
    const v = toDataType(node.score, model.mathContext === "float" ? "float" : "double");
    return { value: v === undefined ? null : v, entityId: node.id ?? null };
  }
  const probabilities = new Map<Value, number>();
  const confidences = new Map<Value, number>();
  const shares = scoreDistributionProbabilities(node.scoreDistributions);
  node.scoreDistributions.forEach((d, k) => {
    const c = toCategory(d.value, target);
    probabilities.set(c, shares === null ? 0 : shares[k]);
    // missingValuePenalty scales the stated confidences only; probabilities stay as they are (JPMML).
    if (d.confidence !== undefined) confidences.set(c, d.confidence * penalty);
  });
  let value: Value = node.score === undefined ? null : toCategory(node.score, target);
  if (value === null) value = argmax(probabilities);
  return {
    value,
    probabilities: probabilities.size > 0 ? probabilities : undefined,
    confidences: confidences.size > 0 ? confidences : undefined,
    entityId: node.id ?? null,
  };
}

function argmax(m: Map<Value, number>): Value {
  let best: Value = null,
    bestP = -Infinity;
  for (const [k, p] of m)
    if (p > bestP) {
      best = k;
      bestP = p;
    }
  return best;
}

/**
 * weightedConfidence / aggregateNodes: at an UNKNOWN split, descend into every child whose
 * predicate is not FALSE and combine the leaves, weighted by record counts.
 */
function evaluateAggregating(model: TreeModel, scope: ModelScope, target: TargetInfo): ModelResult {
  const weighted = model.missingValueStrategy === "weightedConfidence";
  const acc = new Map<Value, number>();
  let regressionSum = 0,
    regressionWeight = 0;
  const visit = (node: TreeNode, weight: number): void => {
    const truths = node.children.map((c) => evaluatePredicate(c.predicate, scope));
    const firstTrue = truths.indexOf(true);
    const unknownBeforeTrue = truths.slice(0, firstTrue < 0 ? truths.length : firstTrue).some((t) => t === null);
    if (firstTrue >= 0 && !unknownBeforeTrue) {
      visit(node.children[firstTrue], weight);
      return;
    }
    const candidates = node.children.filter((_, i) => truths[i] !== false);
    if (candidates.length === 0) {
      if (node.children.length > 0 && model.noTrueChildStrategy === "returnNullPrediction") return;
      addLeaf(node, weight);
      return;
    }
    const parentCount = node.recordCount ?? candidates.reduce((s, c) => s + (c.recordCount ?? 0), 0);
    for (const c of candidates) {
      const share = weighted ? (parentCount > 0 ? (c.recordCount ?? 0) / parentCount : 0) : 1;
      visit(c, weight * share);
    }
  };
  const addLeaf = (node: TreeNode, weight: number): void => {
    if (model.functionName === "regression") {
      const v = node.score === undefined ? undefined : toDataType(node.score, "double");
      if (typeof v === "number") {
        regressionSum += v * weight;
        regressionWeight += weight;
      }
      return;
    }
    const total = node.scoreDistributions.reduce((s, d) => s + d.recordCount, 0);
    for (const d of node.scoreDistributions) {
      const c = toCategory(d.value, target);
      const contribution = weighted ? (d.confidence ?? (total > 0 ? d.recordCount / total : 0)) * weight : d.recordCount * weight;
      acc.set(c, (acc.get(c) ?? 0) + contribution);
    }
  };
  visit(model.root, 1);
  if (model.functionName === "regression") {
    return { value: regressionWeight > 0 ? regressionSum / regressionWeight : null };
  }
  if (acc.size === 0) return { value: null };
  const sum = [...acc.values()].reduce((a, b) => a + b, 0);
  const probabilities = new Map<Value, number>();
  for (const [k, v] of acc) probabilities.set(k, sum > 0 ? v / sum : 0);
  return { value: argmax(acc), probabilities, confidences: weighted ? acc : probabilities };
}
