import type { TargetInfo, TreeModel, TreeNode, Value } from "@porta/ir";
import { scoreDistributionProbabilities } from "@porta/ir";
import { type Block, type Code, type Json, cannotConvert, doubles } from "../code.ts";
import type { Env } from "../fields.ts";
import { TRUE, UNKNOWN, compilePredicate } from "../predicates.ts";
import { category, type ModelCode } from "./result.ts";

/**
 * TreeModel (PMML 4.4 §TreeModel) as a generated walk of nested `if`s rather than
 * model.tree.simpleWalk: PMML's three-valued predicates, missingValueStrategy and
 * noTrueChildStrategy have no counterpart in the library's walk. The walk answers the index of
 * the node the prediction comes from (0: no prediction); each node's result is row-independent
 * and read from constant tables.
 */
export function convertTree(model: TreeModel, target: TargetInfo, env: Env, block: Block): ModelCode {
  const what = "TreeModel";
  if (model.mathContext === "float") cannotConvert(`${what}@mathContext=float`, "single-precision scores are not converted", model.path);
  if (model.missingValueStrategy === "weightedConfidence" || model.missingValueStrategy === "aggregateNodes") {
    cannotConvert(`TreeModel@missingValueStrategy=${model.missingValueStrategy}`, "aggregating over several paths is not converted", model.path);
  }
  const nodes: TreeNode[] = [];
  const indexOf = new Map<TreeNode, number>();
  const number = (n: TreeNode): number => {
    let i = indexOf.get(n);
    if (i === undefined) {
      nodes.push(n);
      i = nodes.length;
      indexOf.set(n, i);
    }
    return i;
  };
  const walk = walkFrom(model, model.root, env, block, number);
  const rootTruth = compilePredicate(model.root.predicate, env, block);
  const idx = block.fresh("node");
  block.statements.push({ let: { [idx]: { if: { "==": [rootTruth, { int: TRUE }] }, then: walk, else: { int: 0 } } } });
  const result = model.functionName === "regression" ? regressionResult(model, nodes, idx, block) : classificationResult(model, nodes, idx, block, target);
  // The node's id (entityId); a node without @id has none.
  const ids: Json = { type: { type: "array", items: ["null", "string"] }, value: [null, ...nodes.map((n) => (n.id === undefined ? null : { string: n.id }))] };
  return { ...result, entityId: block.bind({ expr: { attr: ids, path: [idx] }, type: "string", nullable: true }, "node") };
}

/**
 * The walk below `node` (already reached): each child's predicate in order, the first TRUE one
 * followed; UNKNOWN per missingValueStrategy; no TRUE child per noTrueChildStrategy. The step
 * first chooses a child position (predicates evaluated lazily, in order), then descends into it,
 * so each subtree is written once whatever the strategy.
 */
function walkFrom(model: TreeModel, node: TreeNode, env: Env, block: Block, number: (n: TreeNode) => number): Json {
  const here = number(node);
  if (node.children.length === 0) return { int: here };
  // Choices: k ≥ 1 a child's position; STOP ends at this node; NONE predicts nothing.
  const STOP = -1,
    NONE = 0;
  // No TRUE child: "return the parent Node only if it specifies a score attribute" (JPMML).
  const noTrueChild = model.noTrueChildStrategy === "returnLastPrediction" && node.score !== undefined ? STOP : NONE;
  // What an UNKNOWN child answers; undefined: it counts as FALSE (strategy none).
  let onUnknown: number | undefined;
  switch (model.missingValueStrategy) {
    case "none":
      break;
    case "nullPrediction":
      onUnknown = NONE;
      break;
    case "lastPrediction":
      // Stops at this node whether or not it has a score (its ScoreDistributions may still predict).
      onUnknown = STOP;
      break;
    case "defaultChild": {
      const k = node.children.findIndex((c) => c.id !== undefined && c.id === node.defaultChild);
      if (k < 0) return cannotConvert("Node@defaultChild", `Node ${node.id ?? ""} has no defaultChild to follow`, node.path);
      // The default child's own predicate is not evaluated.
      onUnknown = k + 1;
      break;
    }
    default:
      return cannotConvert(`TreeModel@missingValueStrategy=${model.missingValueStrategy}`, "not converted", model.path);
  }
  let choice: Json = { int: noTrueChild };
  for (let i = node.children.length - 1; i >= 0; i--) {
    const t = block.fresh("t");
    const truth = compilePredicate(node.children[i].predicate, env, block);
    choice = {
      do: [
        { let: { [t]: truth } },
        {
          cond: [
            { if: { "==": [t, { int: TRUE }] }, then: { int: i + 1 } },
            ...(onUnknown === undefined ? [] : [{ if: { "==": [t, { int: UNKNOWN }] }, then: { int: onUnknown } }]),
          ],
          else: choice,
        },
      ],
    };
  }
  const c = block.fresh("choice");
  const descend = node.children.map((child, i): Json => ({ if: { "==": [c, { int: i + 1 }] }, then: walkFrom(model, child, env, block, number) }));
  return {
    do: [{ let: { [c]: choice } }, { cond: [...descend, { if: { "==": [c, { int: STOP }] }, then: { int: here } }], else: { int: NONE } }],
  };
}

function regressionResult(model: TreeModel, nodes: readonly TreeNode[], idx: string, block: Block): ModelCode {
  // Entry 0 is the missing prediction; a node without a score predicts nothing.
  const scores = [null, ...nodes.map((n) => (n.score === undefined ? null : Number(n.score)))];
  if (scores.some((s) => s !== null && Number.isNaN(s))) cannotConvert("Node@score", "a regression tree's score is not a number", model.path);
  const table: Json = { type: { type: "array", items: ["null", "double"] }, value: scores.map((s) => (s === null ? null : { double: s })) };
  const value: Code = { expr: { attr: table, path: [idx] }, type: "double", nullable: true };
  return { value: block.bind(value, "score") };
}

function classificationResult(model: TreeModel, nodes: readonly TreeNode[], idx: string, block: Block, target: TargetInfo): ModelCode {
  // The categories: the target's declared values, then any a node names, in document order.
  const categories: Value[] = [...target.categories];
  const add = (text: string): void => {
    const c = category(text, target);
    if (!categories.some((k) => k === c)) categories.push(c);
  };
  for (const n of nodes) {
    if (n.score !== undefined) add(n.score);
    for (const d of n.scoreDistributions) add(d.value);
  }
  const valueType = categories.every((c) => typeof c === "number") ? "double" : "string";
  const results = nodes.map((n) => nodeResult(n, categories, target));
  const valueTable: Json = {
    type: { type: "array", items: ["null", valueType] },
    value: [null, ...results.map((r) => (r.value === null ? null : { [valueType]: valueType === "double" ? Number(r.value) : String(r.value) }))],
  };
  const probTable: Json = {
    type: { type: "array", items: ["null", { type: "array", items: "double" }] },
    value: [null, ...results.map((r) => (r.probabilities === null ? null : { array: (doubles(r.probabilities) as { value: Json }).value }))],
  };
  const value = block.bind({ expr: { attr: valueTable, path: [idx] }, type: valueType, nullable: true }, "pred");
  const probs = block.fresh("probs");
  block.statements.push({ let: { [probs]: { attr: probTable, path: [idx] } } });
  void model;
  return { value, categories: categories.map((c) => (valueType === "string" ? String(c) : c)), probabilities: probs };
}

/**
 * A leaf's prediction as the interpreter's nodeResult: the score, else the most probable
 * category (the first of equals); probabilities from the ScoreDistributions (missing without
 * any), categories the node does not list at 0.
 */
function nodeResult(node: TreeNode, categories: readonly Value[], target: TargetInfo): { value: Value; probabilities: number[] | null } {
  const shares = scoreDistributionProbabilities(node.scoreDistributions);
  const byCategory = new Map<Value, number>();
  node.scoreDistributions.forEach((d, k) => {
    byCategory.set(category(d.value, target), shares === null ? 0 : shares[k]);
  });
  let value: Value = node.score === undefined ? null : category(node.score, target);
  if (value === null) {
    let best = -Infinity;
    for (const [c, p] of byCategory)
      if (p > best) {
        best = p;
        value = c;
      }
  }
  const probabilities = node.scoreDistributions.length === 0 ? null : categories.map((c) => byCategory.get(c) ?? 0);
  return { value, probabilities };
}
