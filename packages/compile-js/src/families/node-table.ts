import type { NodeTable } from "@porta/ir";
import { _, join, type Code, type Name } from "../codegen.ts";
import type { KernelContext } from "../kernel.ts";

/** The table as the walkers read it: without its field names and size (the artifact stays small). */
export type WalkableTable = Omit<NodeTable, "size" | "fields">;

/**
 * Walks tree `t` for row `i` from node `start` and returns the final node (or -1: null prediction).
 * Mirrors the interpreter: a missing split value is UNKNOWN, handled by the tree's strategy.
 * The table is the lowered one (ir/src/lower/tree.ts); `cols[k]` is the column of its `fields[k]`;
 * op and mode numbers are its NODE_TABLE_OPS and NODE_TABLE_MISSING_MODES, written out for the hot loop.
 * The walk depends on nothing but the node it stands on, so it can resume where the compact walk
 * (forestWalker) met a missing value.
 */
export function walkTreeRowFrom(table: WalkableTable, t: number, start: number, cols: readonly Float64Array[], i: number): number {
  const { feature, op, threshold, left, right, rightAlways, missingLeft, defaultChild } = table;
  const mode = table.missingMode[t];
  let k = start;
  for (;;) {
    const l = left[k];
    if (l < 0) return k;
    const x = cols[feature[k]][i];
    if (x !== x) {
      if (missingLeft[k] === 1) {
        k = l;
        continue;
      }
      if (mode === 3) {
        k = defaultChild[k];
        continue;
      }
      if (mode === 1) return k;
      if (mode === 2) return -1;
      // none: UNKNOWN counts as FALSE for both children unless the second is TRUE.
      if (rightAlways[k] === 1) {
        k = right[k];
        continue;
      }
      return table.noTrueChildNull[t] === 1 ? -1 : k;
    }
    k = splitsLeft(op[k], x, threshold[k]) ? l : right[k];
  }
}

/** Whether `x ⊙ threshold` sends a row to the first child (⊙ by NODE_TABLE_OPS code). */
function splitsLeft(op: number, x: number, threshold: number): boolean {
  switch (op) {
    case 0:
      return x <= threshold;
    case 1:
      return x < threshold;
    case 2:
      return x >= threshold;
    case 3:
      return x > threshold;
    case 4:
      return x === threshold;
    default:
      return x !== threshold;
  }
}

/**
 * Walks tree `t` for rows 0..n-1 and writes each row's final node (or -1: null prediction), as
 * walkTreeRowFrom, branching on each comparison: the walk for a few rows (see FEW_ROWS), and the
 * one kernels compiled before forestWalker call by this name from the artifact cache.
 */
export function walkTreeBatch(table: WalkableTable, t: number, n: number, cols: readonly Float64Array[], out: Int32Array): void {
  const { feature, op, threshold, left, right } = table;
  const root = table.roots[t];
  for (let i = 0; i < n; i++) {
    let k = root;
    for (;;) {
      const l = left[k];
      if (l < 0) break;
      const x = cols[feature[k]][i];
      if (x !== x) {
        k = walkTreeRowFrom(table, t, k, cols, i);
        break;
      }
      k = splitsLeft(op[k], x, threshold[k]) ? l : right[k];
    }
    out[i] = k;
  }
}

/**
 * How a compact node picks its second child, given a value that is not missing: `x > v`
 * (lessOrEqual and greaterThan splits), `x >= v` (lessThan, greaterOrEqual), `x !== v` (equal,
 * notEqual). Each is the exact complement of the split, so every comparison is the table's.
 */
const SECOND_CHILD_KINDS = [_`>`, _`>=`, _`!==`] as const;

/**
 * The forest relaid for the batch walk (the layout treelite and ONNX Runtime's TreeEnsemble use):
 * per tree in breadth-first order, the two children of a node side by side, so a step is
 * `k = child[k] + (x ⊙ threshold[k])` with no branch on the data.
 */
export interface CompactForest {
  /** Column (index in the table's fields) of the split; 0 at a leaf. */
  feature: Int32Array;
  threshold: Float64Array;
  /** The first of the two children; -1 at a leaf. */
  child: Int32Array;
  /** The node in the lowered table (whose leaf tables the ensemble reads). */
  origin: Int32Array;
  /** Index in SECOND_CHILD_KINDS. */
  kind: Uint8Array;
  /** Compact root of each tree. */
  roots: Int32Array;
}

/** Split kind (SECOND_CHILD_KINDS) and whether the table's left child comes second, by NODE_TABLE_OPS. */
const OP_LAYOUT: readonly { kind: number; leftSecond: boolean }[] = [
  { kind: 0, leftSecond: false }, // lessOrEqual: left when !(x > v)
  { kind: 1, leftSecond: false }, // lessThan: left when !(x >= v)
  { kind: 1, leftSecond: true }, // greaterOrEqual: left when x >= v
  { kind: 0, leftSecond: true }, // greaterThan: left when x > v
  { kind: 2, leftSecond: false }, // equal: left when !(x !== v)
  { kind: 2, leftSecond: true }, // notEqual: left when x !== v
];

export function compactForest(table: WalkableTable): CompactForest {
  const size = table.left.length;
  const feature = new Int32Array(size);
  const threshold = new Float64Array(size);
  const child = new Int32Array(size).fill(-1);
  const origin = new Int32Array(size);
  const kind = new Uint8Array(size);
  const roots = new Int32Array(table.roots.length);
  let next = 0;
  for (let t = 0; t < table.roots.length; t++) {
    roots[t] = next;
    origin[next++] = table.roots[t];
    // Breadth-first: the queue is the compact array itself, from the tree's root on.
    for (let k = roots[t]; k < next; k++) {
      const o = origin[k];
      const l = table.left[o];
      if (l < 0) continue;
      const layout = OP_LAYOUT[table.op[o]];
      feature[k] = table.feature[o];
      threshold[k] = table.threshold[o];
      kind[k] = layout.kind;
      child[k] = next;
      origin[next++] = layout.leftSecond ? table.right[o] : l;
      origin[next++] = layout.leftSecond ? l : table.right[o];
    }
  }
  return { feature, threshold, child, origin, kind, roots };
}

/**
 * Below this many rows the branching walk of the lowered table (walkTreeBatch) wins: at one row
 * the compact walk was 1.2-1.9x slower on the 500-tree forests (alternating runs). Presumably the
 * nodes are out of cache there, and a predicted branch starts the next node's loads before the
 * comparison is known, where the branch-free step waits for it.
 */
const FEW_ROWS = 16;

/** Rows walked together through one tree: their independent chains of loads overlap (measured: 4 beat 1, 2 and 8). */
const INTERLEAVED_ROWS = 4;

/**
 * Declares `walk(t, n, cols, out)`: tree `t` of the compact forest for rows 0..n-1, each row's
 * final node of the lowered table (or -1) into `out`, exactly as walkTreeBatch. The comparison is
 * chosen at compile time when every split has the same kind; a missing value hands the row to
 * walkTreeRowFrom at the node where it was met (rare, so the hot loop stays branch-free).
 */
export function forestWalker(ctx: KernelContext, table: WalkableTable): Name {
  const forest = compactForest(table);
  const feature = ctx.pool.add(forest.feature, "feature");
  const threshold = ctx.pool.add(forest.threshold, "threshold");
  const child = ctx.pool.add(forest.child, "child");
  const origin = ctx.pool.add(forest.origin, "origin");
  const roots = ctx.pool.add(forest.roots, "roots");
  const lowered = ctx.pool.add(table, "table");
  const resume = ctx.pool.add(walkTreeRowFrom, "walkTreeRowFrom");
  const small = ctx.pool.add(walkTreeBatch, "walkTreeBatch");
  // The split kinds of inner nodes (a plain loop: a forest has a million nodes).
  let inner = false;
  const kinds = new Set<number>();
  for (let j = 0; j < forest.child.length; j++) {
    if (forest.child[j] < 0) continue;
    inner = true;
    kinds.add(forest.kind[j]);
  }
  let second: (k: Code) => Code;
  if (kinds.size <= 1 || !inner) {
    const op = SECOND_CHILD_KINDS[kinds.values().next().value ?? 0];
    second = (k) => _`+(x ${op} ${threshold}[${k}])`;
  } else {
    const kind = ctx.pool.add(forest.kind, "kind");
    second = (k) => _`+(${kind}[${k}] === 0 ? x > ${threshold}[${k}] : ${kind}[${k}] === 1 ? x >= ${threshold}[${k}] : x !== ${threshold}[${k}])`;
  }
  // One row's step at node k (c: its first child): a missing value parks the row at -1 - k.
  const step = (k: Code, c: Code, row: Code): Code =>
    _`const x = cols[${feature}[${k}]][${row}]; if (x !== x) { ${k} = -1 - ${k}; ${c} = -1; } else { ${k} = ${c} + ${second(k)}; ${c} = ${child}[${k}]; }`;
  const finish = (k: Code, row: Code): Code => _`out[${row}] = ${k} >= 0 ? ${origin}[${k}] : ${resume}(${lowered}, t, ${origin}[-1 - ${k}], cols, ${row});`;
  const lanes = Array.from({ length: INTERLEAVED_ROWS }, (_x, j) => ({ k: ctx.names.name("k"), c: ctx.names.name("c"), row: _`i + ${j}` }));
  const walk = ctx.names.name("walkForest");
  ctx.declare(_`function ${walk}(t, n, cols, out) {
  if (n < ${FEW_ROWS}) return ${small}(${lowered}, t, n, cols, out);
  const root = ${roots}[t], first = ${child}[root];
  let i = 0;
  for (; i + ${INTERLEAVED_ROWS} <= n; i += ${INTERLEAVED_ROWS}) {
    ${join(
      lanes.map((l) => _`let ${l.k} = root, ${l.c} = first;`),
      " ",
    )}
    while ((${join(
      lanes.map((l) => l.c),
      " & ",
    )}) >= 0) {
      ${join(
        lanes.map((l) => _`if (${l.c} >= 0) { ${step(l.k, l.c, l.row)} }`),
        "\n      ",
      )}
    }
    ${join(
      lanes.map((l) => finish(l.k, l.row)),
      "\n    ",
    )}
  }
  for (; i < n; i++) {
    let k = root, c = first;
    while (c >= 0) { ${step(_`k`, _`c`, _`i`)} }
    ${finish(_`k`, _`i`)}
  }
}`);
  return walk;
}
