import type { TreeModel, TreeNode } from "../models/tree.ts";
import type { Predicate, SimplePredicate } from "../predicate.ts";
import { loadPhase } from "../phases.ts";

/**
 * TreeModels (PMML 4.4 §TreeModel) lowered to one struct-of-arrays node table: what compile-js's
 * walker reads for large forests (no megabytes of generated branches for V8 to parse and optimise;
 * see bench "families"), and the shape a TreeEnsemble exporter or a GPU kernel reads.
 *
 * A node qualifies when it has no children (a leaf) or exactly two, the first splitting one
 * numeric field against a constant and the second being TRUE or the exact complement. Whether
 * a field can be walked, and the number a split's text is, are the backend's (its columns):
 * `literalOf` answers both.
 */
export interface NodeTable {
  /** The split fields, in order of first use: `feature` indexes this. */
  fields: string[];
  /** Index in `fields` of the split field. */
  feature: Int32Array;
  op: Uint8Array;
  threshold: Float64Array;
  /** First child (taken when the split is TRUE); -1 for a leaf. */
  left: Int32Array;
  /** Second child. */
  right: Int32Array;
  /** 1 when the second child's predicate is TRUE for a missing value (`True`, or `x ⊙ v or isMissing(x)`). */
  rightAlways: Uint8Array;
  /** 1 when the first child is `x ⊙ v or isMissing(x)`: a missing value goes left whatever the strategy. */
  missingLeft: Uint8Array;
  /** Default child for missingValueStrategy=defaultChild, else -1. */
  defaultChild: Int32Array;
  /** Per tree: root node, missing-value mode and whether "no true child" returns null. */
  roots: Int32Array;
  missingMode: Uint8Array;
  noTrueChildNull: Uint8Array;
  /** Nodes in table order, for the leaf tables. */
  nodes: TreeNode[];
}

/** `NodeTable.op`: the split operator of the first child (x ⊙ threshold sends a row left). */
export const NODE_TABLE_OPS = { lessOrEqual: 0, lessThan: 1, greaterOrEqual: 2, greaterThan: 3, equal: 4, notEqual: 5 } as const;
const OPS = NODE_TABLE_OPS;
const COMPLEMENT: Record<string, string> = {
  lessOrEqual: "greaterThan",
  lessThan: "greaterOrEqual",
  greaterOrEqual: "lessThan",
  greaterThan: "lessOrEqual",
  equal: "notEqual",
  notEqual: "equal",
};
/** `NodeTable.missingMode`: the tree's missingValueStrategy. */
export const NODE_TABLE_MISSING_MODES = { none: 0, lastPrediction: 1, nullPrediction: 2, defaultChild: 3 } as const;
const MODES = NODE_TABLE_MISSING_MODES;

/**
 * `x ⊙ v`, or `x ⊙ v or isMissing(x)` (how KNIME and XGBoost-style exporters send missing
 * values down one branch): the split, and whether a missing value makes it TRUE.
 */
function splitWithMissing(
  p: Predicate,
  literalOf: (field: string, text: string) => number | undefined,
): { split: { p: SimplePredicate; value: number }; missingTrue: boolean } | null {
  if (p.kind === "compound" && p.booleanOperator === "or" && p.predicates.length === 2) {
    const [a, b] = p.predicates;
    const [cmp, miss] = a.kind === "simple" && a.operator === "isMissing" ? [b, a] : [a, b];
    if (miss.kind !== "simple" || miss.operator !== "isMissing") return null;
    const split = numericSplit(cmp, literalOf);
    return split && split.p.field === miss.field ? { split, missingTrue: true } : null;
  }
  const split = numericSplit(p, literalOf);
  return split ? { split, missingTrue: false } : null;
}

function numericSplit(p: Predicate, literalOf: (field: string, text: string) => number | undefined): { p: SimplePredicate; value: number } | null {
  if (p.kind !== "simple" || !(p.operator in OPS) || p.value === undefined) return null;
  const v = literalOf(p.field, p.value);
  return v !== undefined ? { p, value: v } : null;
}

/**
 * One table for all trees, or null when some node does not qualify. `literalOf(field, text)`: the
 * split constant as the backend's column of `field` holds it, undefined where it cannot walk the field.
 */
export function lowerNodeTable(trees: readonly TreeModel[], literalOf: (field: string, text: string) => number | undefined): NodeTable | null {
  return loadPhase("lower", () => lowerTrees(trees, literalOf));
}

function lowerTrees(trees: readonly TreeModel[], literalOf: (field: string, text: string) => number | undefined): NodeTable | null {
  const fields: string[] = [];
  const slotOf = (field: string): number => {
    let k = fields.indexOf(field);
    if (k < 0) {
      fields.push(field);
      k = fields.length - 1;
    }
    return k;
  };
  const nodes: TreeNode[] = [];
  const feature: number[] = [],
    op: number[] = [],
    threshold: number[] = [],
    left: number[] = [],
    right: number[] = [];
  const rightAlways: number[] = [],
    missingLeft: number[] = [],
    defaultChild: number[] = [];
  const roots: number[] = [],
    missingMode: number[] = [],
    noTrueChildNull: number[] = [];
  for (const tree of trees) {
    if (!(tree.missingValueStrategy in MODES)) return null;
    if (tree.functionName === "classification" && tree.missingValuePenalty !== 1) return null;
    if (tree.root.predicate.kind !== "true") return null;
    roots.push(nodes.length);
    missingMode.push(MODES[tree.missingValueStrategy as keyof typeof MODES]);
    noTrueChildNull.push(tree.noTrueChildStrategy === "returnNullPrediction" ? 1 : 0);
    // Iterative pre-order numbering; children are patched once their index is known.
    const stack: { node: TreeNode; parent: number; slot: 0 | 1 | -1 }[] = [{ node: tree.root, parent: -1, slot: -1 }];
    while (stack.length) {
      const { node, parent, slot } = stack.pop()!;
      const k = nodes.length;
      nodes.push(node);
      if (parent >= 0) (slot === 0 ? left : right)[parent] = k;
      feature.push(-1);
      op.push(0);
      threshold.push(0);
      left.push(-1);
      right.push(-1);
      rightAlways.push(0);
      missingLeft.push(0);
      defaultChild.push(-1);
      if (node.children.length === 0) continue;
      if (node.children.length !== 2) return null;
      // returnLastPrediction answers null at an inner node without a score; the walk cannot tell.
      if (tree.noTrueChildStrategy === "returnLastPrediction" && node.score === undefined) return null;
      const [a, b] = node.children;
      const first = splitWithMissing(a.predicate, literalOf);
      if (!first) return null;
      const split = first.split;
      missingLeft[k] = first.missingTrue ? 1 : 0;
      if (b.predicate.kind === "true") {
        rightAlways[k] = 1;
      } else {
        const second = splitWithMissing(b.predicate, literalOf);
        const other = second?.split;
        if (!other || other.p.field !== split.p.field || other.value !== split.value || other.p.operator !== COMPLEMENT[split.p.operator]) return null;
        if (second.missingTrue && first.missingTrue) return null;
        rightAlways[k] = second.missingTrue ? 1 : 0;
      }
      feature[k] = slotOf(split.p.field);
      op[k] = OPS[split.p.operator as keyof typeof OPS];
      threshold[k] = split.value;
      if (tree.missingValueStrategy === "defaultChild") {
        const d = node.children.findIndex((c) => c.id !== undefined && c.id === node.defaultChild);
        if (d < 0) return null;
        defaultChild[k] = -2 - d; // patched below to the child's index
      }
      stack.push({ node: b, parent: k, slot: 1 }, { node: a, parent: k, slot: 0 });
    }
  }
  for (let k = 0; k < nodes.length; k++) {
    if (defaultChild[k] <= -2) defaultChild[k] = defaultChild[k] === -2 ? left[k] : right[k];
  }
  return {
    fields,
    feature: Int32Array.from(feature),
    op: Uint8Array.from(op),
    threshold: Float64Array.from(threshold),
    left: Int32Array.from(left),
    right: Int32Array.from(right),
    rightAlways: Uint8Array.from(rightAlways),
    missingLeft: Uint8Array.from(missingLeft),
    defaultChild: Int32Array.from(defaultChild),
    roots: Int32Array.from(roots),
    missingMode: Uint8Array.from(missingMode),
    noTrueChildNull: Uint8Array.from(noTrueChildNull),
    nodes,
  };
}
