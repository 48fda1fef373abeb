import type { TreeModel, TreeNode } from "../models/tree.ts";
import {
  sameTreeTableText,
  TREE_TABLE_PREDICATES,
  TREE_TABLE_TEXTS,
  treeTableNumber,
  treeTableOf,
  treeTableText,
  type TreeTable,
} from "../models/tree-table.ts";
import type { Predicate } from "../predicate.ts";
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
  /** Number of nodes (forestNodes(trees) are they, in table order, for the leaf tables). */
  size: number;
}

/** `NodeTable.op`: the split operator of the first child (x ⊙ threshold sends a row left). */
export const NODE_TABLE_OPS = { lessOrEqual: 0, lessThan: 1, greaterOrEqual: 2, greaterThan: 3, equal: 4, notEqual: 5 } as const;
const OPS = NODE_TABLE_OPS;
const COMPLEMENT: Record<keyof typeof OPS, keyof typeof OPS> = {
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

/** A split read off a child's predicate: reused across nodes, so reading a million splits allocates nothing. */
interface Split {
  field: string;
  operator: keyof typeof OPS;
  value: number;
  /** The predicate is `x ⊙ v or isMissing(x)`: a missing value makes it TRUE. */
  missingTrue: boolean;
}

type LiteralOf = (field: string, text: string) => number | undefined;

/**
 * For a field, a function of a number such that for every text that parseNumber reads as `v`,
 * literalOf(field, text) is f(v), and for every text it does not read, literalOf answers
 * undefined: then a split read from a node table needs no string (see lowerNodeTable).
 * Undefined: ask literalOf with the text.
 */
type NumberLiteralOf = (field: string) => ((value: number) => number | undefined) | undefined;

/**
 * `x ⊙ v`, or `x ⊙ v or isMissing(x)` (how KNIME and XGBoost-style exporters send missing
 * values down one branch), into `out`; false when the predicate is neither.
 */
function readSplit(p: Predicate, literalOf: LiteralOf, out: Split): boolean {
  if (p.kind === "compound" && p.booleanOperator === "or" && p.predicates.length === 2) {
    const [a, b] = p.predicates;
    const aMissing = a.kind === "simple" && a.operator === "isMissing";
    const cmp = aMissing ? b : a,
      miss = aMissing ? a : b;
    if (miss.kind !== "simple" || miss.operator !== "isMissing") return false;
    if (!readNumericSplit(cmp, literalOf, out) || out.field !== miss.field) return false;
    out.missingTrue = true;
    return true;
  }
  if (!readNumericSplit(p, literalOf, out)) return false;
  out.missingTrue = false;
  return true;
}

function readNumericSplit(p: Predicate, literalOf: LiteralOf, out: Split): boolean {
  if (p.kind !== "simple" || !Object.hasOwn(OPS, p.operator) || p.value === undefined) return false;
  const v = literalOf(p.field, p.value);
  if (v === undefined) return false;
  out.field = p.field;
  out.operator = p.operator as keyof typeof OPS;
  out.value = v;
  return true;
}

/**
 * `literalOf` that answers a repeat of the last question without asking again: a binary split's
 * two children name the same field and constant (`x ≤ v`, `x > v`), so half of a forest's
 * literals are the one just read (614k number parses saved on a 1200-tree forest).
 */
function lastLiteralKept(literalOf: LiteralOf): LiteralOf {
  let lastField: string | undefined, lastText: string | undefined, lastValue: number | undefined;
  return (field, text) => {
    if (text !== lastText || field !== lastField) {
      lastField = field;
      lastText = text;
      lastValue = literalOf(field, text);
    }
    return lastValue;
  };
}

/** Nodes under `root`, itself included (iterative: a tree may nest as deep as documentDepth allows). */
function countNodes(root: TreeNode): number {
  let count = 0;
  const stack: TreeNode[] = [root];
  while (stack.length > 0) {
    const node = stack.pop()!;
    count++;
    for (const child of node.children) stack.push(child);
  }
  return count;
}

/**
 * One table for all trees, or null when some node does not qualify. `literalOf(field, text)`: the
 * split constant as the backend's column of `field` holds it, undefined where it cannot walk the field.
 */
export function lowerNodeTable(trees: readonly TreeModel[], literalOf: LiteralOf, numberLiteralOf?: NumberLiteralOf): NodeTable | null {
  return loadPhase("lower", () => lowerTrees(trees, literalOf, numberLiteralOf));
}

/** Nodes of a tree in table order (pre-order, first child first), iteratively. */
export function treeNodesInOrder(root: TreeNode, into: TreeNode[] = []): TreeNode[] {
  const stack: TreeNode[] = [root];
  while (stack.length > 0) {
    const node = stack.pop()!;
    into.push(node);
    for (let k = node.children.length - 1; k >= 0; k--) stack.push(node.children[k]);
  }
  return into;
}

/** The IR nodes of a lowered table, in its order: the trees' nodes, made from their node tables where they were not yet. */
export function forestNodes(trees: readonly TreeModel[]): TreeNode[] {
  const nodes: TreeNode[] = [];
  for (const tree of trees) treeNodesInOrder(tree.root, nodes);
  return nodes;
}

/**
 * The table is sized by a first count and filled in place: a forest has millions of nodes, and a
 * growing array or an object per node was most of a large forest's compile (1.9 s of cpu for 614k
 * nodes before). Nodes are numbered in pre-order, first child first; literalOf is asked in that
 * order (a repeat of the question just asked answered from memory), and the lowering stops at
 * the first node that does not qualify, as it always has.
 */
function lowerTrees(trees: readonly TreeModel[], askLiteral: LiteralOf, numberLiteralOf: NumberLiteralOf | undefined): NodeTable | null {
  const literalOf = lastLiteralKept(askLiteral);
  const tableOf = trees.map((tree) => treeTableOf(tree));
  let total = 0;
  trees.forEach((tree, t) => (total += tableOf[t]?.size ?? countNodes(tree.root)));
  const fields: string[] = [];
  const slots = new Map<string, number>();
  const slotOf = (field: string): number => {
    let k = slots.get(field);
    if (k === undefined) {
      k = fields.push(field) - 1;
      slots.set(field, k);
    }
    return k;
  };
  const feature = new Int32Array(total).fill(-1),
    op = new Uint8Array(total),
    threshold = new Float64Array(total),
    left = new Int32Array(total).fill(-1),
    right = new Int32Array(total).fill(-1),
    rightAlways = new Uint8Array(total),
    missingLeft = new Uint8Array(total),
    defaultChild = new Int32Array(total).fill(-1);
  const roots = new Int32Array(trees.length),
    missingMode = new Uint8Array(trees.length),
    noTrueChildNull = new Uint8Array(trees.length);
  const first: Split = { field: "", operator: "lessOrEqual", value: 0, missingTrue: false },
    second: Split = { field: "", operator: "lessOrEqual", value: 0, missingTrue: false };
  const out: Columns = { feature, op, threshold, left, right, rightAlways, missingLeft, defaultChild };
  const tableSplits: TableSplits = { literalOf, numberLiteralOf, slotOf, byField: new Map() };
  // Pending nodes with the row and side (0 first child, 1 second) their index is patched into.
  const stack: TreeNode[] = [],
    stackParent: number[] = [],
    stackSlot: number[] = [];
  let size = 0;
  for (let t = 0; t < trees.length; t++) {
    const tree = trees[t];
    if (!Object.hasOwn(MODES, tree.missingValueStrategy)) return null;
    if (tree.functionName === "classification" && tree.missingValuePenalty !== 1) return null;
    const table = tableOf[t];
    if (table !== undefined) {
      if (TREE_TABLE_PREDICATES[table.predicate[0]] !== "true") return null;
    } else if (tree.root.predicate.kind !== "true") return null;
    roots[t] = size;
    missingMode[t] = MODES[tree.missingValueStrategy as keyof typeof MODES];
    noTrueChildNull[t] = tree.noTrueChildStrategy === "returnNullPrediction" ? 1 : 0;
    const byDefaultChild = tree.missingValueStrategy === "defaultChild";
    const lastPrediction = tree.noTrueChildStrategy === "returnLastPrediction";
    if (table !== undefined) {
      if (!lowerTable(table, size, byDefaultChild, lastPrediction, tableSplits, out)) return null;
      size += table.size;
      continue;
    }
    stack.push(tree.root);
    stackParent.push(-1);
    stackSlot.push(-1);
    while (stack.length > 0) {
      const node = stack.pop()!,
        parent = stackParent.pop()!,
        slot = stackSlot.pop()!;
      const k = size++;
      if (parent >= 0) (slot === 0 ? left : right)[parent] = k;
      const children = node.children;
      if (children.length === 0) continue;
      if (children.length !== 2) return null;
      // returnLastPrediction answers null at an inner node without a score; the walk cannot tell.
      if (lastPrediction && node.score === undefined) return null;
      const a = children[0],
        b = children[1];
      if (!readSplit(a.predicate, literalOf, first)) return null;
      missingLeft[k] = first.missingTrue ? 1 : 0;
      if (b.predicate.kind === "true") {
        rightAlways[k] = 1;
      } else {
        if (!readSplit(b.predicate, literalOf, second)) return null;
        if (second.field !== first.field || second.value !== first.value || second.operator !== COMPLEMENT[first.operator]) return null;
        if (second.missingTrue && first.missingTrue) return null;
        rightAlways[k] = second.missingTrue ? 1 : 0;
      }
      feature[k] = slotOf(first.field);
      op[k] = OPS[first.operator];
      threshold[k] = first.value;
      if (byDefaultChild) {
        const id = node.defaultChild;
        const d = a.id !== undefined && a.id === id ? 0 : b.id !== undefined && b.id === id ? 1 : -1;
        if (d < 0) return null;
        defaultChild[k] = -2 - d; // patched below to the child's index
      }
      stack.push(b, a);
      stackParent.push(k, k);
      stackSlot.push(1, 0);
    }
  }
  for (let k = 0; k < total; k++) {
    if (defaultChild[k] <= -2) defaultChild[k] = defaultChild[k] === -2 ? left[k] : right[k];
  }
  return { fields, feature, op, threshold, left, right, rightAlways, missingLeft, defaultChild, roots, missingMode, noTrueChildNull, size };
}

type Columns = Pick<NodeTable, "feature" | "op" | "threshold" | "left" | "right" | "rightAlways" | "missingLeft" | "defaultChild">;

/** What lowering a node table needs besides its columns, shared by a forest's trees. */
interface TableSplits {
  literalOf: LiteralOf;
  numberLiteralOf: NumberLiteralOf | undefined;
  slotOf: (field: string) => number;
  /** numberLiteralOf's answer per field (null: ask literalOf with the text). */
  byField: Map<string, ((value: number) => number | undefined) | null>;
}

/** By TREE_TABLE_PREDICATES code: the NODE_TABLE_OPS code of a split operator (-1: none), and the code of its complement. */
const TABLE_OPS = Int8Array.from(TREE_TABLE_PREDICATES, (p) => (Object.hasOwn(OPS, p) ? OPS[p as keyof typeof OPS] : -1));
const TABLE_COMPLEMENTS = Int8Array.from(TREE_TABLE_PREDICATES, (p) =>
  Object.hasOwn(COMPLEMENT, p) ? TREE_TABLE_PREDICATES.indexOf(COMPLEMENT[p as keyof typeof OPS]) : -1,
);
const VALUE = TREE_TABLE_TEXTS.value;

/** The split constant of node k's SimplePredicate as `field`'s literal (undefined: none); `f` is numberLiteralOf's answer for it (null: none). */
function tableLiteral(table: TreeTable, k: number, field: string, f: ((value: number) => number | undefined) | null, s: TableSplits): number | undefined {
  if (f !== null) {
    const v = treeTableNumber(table, k, VALUE);
    return v === undefined ? undefined : f(v);
  }
  const text = treeTableText(table, k, VALUE);
  return text === undefined ? undefined : s.literalOf(field, text);
}

/**
 * The nodes of a node table into the forest's columns from index `base` on, in the order the
 * object walk numbers them (pre-order, first child first: the table's own order); false when a
 * node does not qualify (the same rules as the walk over IR nodes).
 */
function lowerTable(table: TreeTable, base: number, byDefaultChild: boolean, lastPrediction: boolean, s: TableSplits, out: Columns): boolean {
  const { end, childCount, predicate, field, fields, present } = table;
  // By the table's field index: the forest slot, and numberLiteralOf's answer, each made when first met.
  const slot = new Int32Array(fields.length).fill(-1);
  const literal: (((value: number) => number | undefined) | null | undefined)[] = new Array(fields.length);
  const scoreBit = 1 << TREE_TABLE_TEXTS.score;
  for (let k = 0; k < table.size; k++) {
    const children = childCount[k];
    if (children === 0) continue;
    if (children !== 2) return false;
    if (lastPrediction && (present[k] & scoreBit) === 0) return false;
    const g = base + k;
    const a = k + 1,
      b = end[a];
    const codeA = predicate[a];
    const op = TABLE_OPS[codeA];
    if (op < 0) return false;
    const f = field[a];
    const name = fields[f];
    let fn = literal[f];
    if (fn === undefined) {
      fn = s.byField.get(name);
      if (fn === undefined) {
        fn = s.numberLiteralOf?.(name) ?? null;
        s.byField.set(name, fn);
      }
      literal[f] = fn;
    }
    const value = tableLiteral(table, a, name, fn, s);
    if (value === undefined) return false;
    const codeB = predicate[b];
    if (codeB === 0) {
      out.rightAlways[g] = 1;
    } else {
      if (field[b] !== f || codeB !== TABLE_COMPLEMENTS[codeA]) return false;
      // The same text is the same constant (the usual case: `x ≤ v`, `x > v` written alike), but NaN is no constant equal to itself.
      if (value !== value) return false;
      if (!sameTreeTableText(table, a, VALUE, b, VALUE) && tableLiteral(table, b, name, fn, s) !== value) return false;
    }
    if (slot[f] < 0) slot[f] = s.slotOf(name);
    out.feature[g] = slot[f];
    out.op[g] = op;
    out.threshold[g] = value;
    out.left[g] = base + a;
    out.right[g] = base + b;
    if (byDefaultChild) {
      const id = TREE_TABLE_TEXTS.id,
        dc = TREE_TABLE_TEXTS.defaultChild;
      const d = sameTreeTableText(table, k, dc, a, id) ? 0 : sameTreeTableText(table, k, dc, b, id) ? 1 : -1;
      if (d < 0) return false;
      out.defaultChild[g] = -2 - d;
    }
  }
  return true;
}
