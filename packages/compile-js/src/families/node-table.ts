import type { NodeTable } from "@porta/ir";

/**
 * Walks tree `t` for rows 0..n-1 and writes each row's final node (or -1: null prediction).
 * Mirrors the interpreter: a missing split value is UNKNOWN, handled by the tree's strategy.
 * The table is the lowered one (ir/src/lower/tree.ts); `cols[k]` is the column of its `fields[k]`;
 * op and mode numbers are its NODE_TABLE_OPS and NODE_TABLE_MISSING_MODES, written out for the hot loop.
 */
export function walkTreeBatch(table: Omit<NodeTable, "nodes" | "fields">, t: number, n: number, cols: readonly Float64Array[], out: Int32Array): void {
  const { feature, op, threshold, left, right, rightAlways, missingLeft, defaultChild } = table;
  const root = table.roots[t];
  const mode = table.missingMode[t];
  const nullIfNoChild = table.noTrueChildNull[t] === 1;
  for (let i = 0; i < n; i++) {
    let k = root;
    for (;;) {
      const l = left[k];
      if (l < 0) break;
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
        if (mode === 1) break;
        if (mode === 2) {
          k = -1;
          break;
        }
        // none: UNKNOWN counts as FALSE for both children unless the second is TRUE.
        if (rightAlways[k] === 1) {
          k = right[k];
          continue;
        }
        if (nullIfNoChild) k = -1;
        break;
      }
      let goLeft: boolean;
      switch (op[k]) {
        case 0:
          goLeft = x <= threshold[k];
          break;
        case 1:
          goLeft = x < threshold[k];
          break;
        case 2:
          goLeft = x >= threshold[k];
          break;
        case 3:
          goLeft = x > threshold[k];
          break;
        case 4:
          goLeft = x === threshold[k];
          break;
        default:
          goLeft = x !== threshold[k];
          break;
      }
      k = goLeft ? l : right[k];
    }
    out[i] = k;
  }
}
