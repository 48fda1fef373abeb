import { SIMPLE_OPERATORS, type SimpleOperator } from "../predicate.ts";
import { parseNumber } from "../values.ts";
import type { TreeModel } from "./tree.ts";

/**
 * A TreeModel's nodes as columns, the form a reader writes straight from the document when every
 * Node is plain (a True or SimplePredicate predicate, no ScoreDistribution, no embedded model):
 * a 1200-tree forest's 614k nodes were six heap objects each (node, predicate, strings, arrays),
 * most of its load in making and then collecting them. The TreeModel's `root` is made from the
 * table on first access (the reader's lazy getter) for the consumers that walk IR nodes; lowering
 * (lower/tree.ts) and compile-js's forests read the columns. `treeTableOf(model)` is the table
 * while the model's nodes have not been made (after that, the nodes are the truth: they may be edited).
 *
 * Nodes are numbered in document order (pre-order, first child first): node k's children are
 * k + 1, end[k + 1], end[end[k + 1]], … up to end[k].
 */
export interface TreeTable {
  /** Number of nodes. */
  size: number;
  /** Index past node k's subtree. */
  end: Int32Array;
  /** Number of child Nodes of node k. */
  childCount: Int32Array;
  /** Node k's predicate, as an index in TREE_TABLE_PREDICATES (True or a SimplePredicate's operator). */
  predicate: Uint8Array;
  /** A SimplePredicate's field, as an index in `fields`; -1 for True. */
  field: Int32Array;
  /** Field names (shared strings; may hold names this tree does not use). */
  fields: readonly string[];
  /** The names in `fields` this tree's predicates use, in order of first use. */
  usedFields: readonly string[];
  /**
   * Node texts (attribute values, references decoded) as UTF-8 in `bytes`: slot s of node k
   * (TREE_TABLE_TEXTS) spans [texts[k·5 + s], texts[k·5 + s + 1]), present when bit s of `present[k]` is set.
   */
  texts: Int32Array;
  present: Uint8Array;
  bytes: Uint8Array;
}

/** `TreeTable.predicate` codes: True, then SimplePredicate by operator. */
export const TREE_TABLE_PREDICATES: readonly ("true" | SimpleOperator)[] = ["true", ...SIMPLE_OPERATORS];

/** Text slots of a node: its id, score, recordCount and defaultChild attributes and its SimplePredicate's value. */
export const TREE_TABLE_TEXTS = { id: 0, score: 1, recordCount: 2, defaultChild: 3, value: 4 } as const;
export const TREE_TABLE_TEXT_SLOTS = 5;

const tables = new WeakMap<TreeModel, TreeTable>();

/** The node table of a TreeModel whose nodes have not been made yet (see TreeTable). */
export function treeTableOf(model: TreeModel): TreeTable | undefined {
  return tables.get(model);
}

/** For readers: `model`'s nodes are `table` until its root is made (the reader then calls releaseTreeTable). */
export function attachTreeTable(model: TreeModel, table: TreeTable): void {
  tables.set(model, table);
}

export function releaseTreeTable(model: TreeModel): void {
  tables.delete(model);
}

export function hasTreeTableText(table: TreeTable, k: number, slot: number): boolean {
  return (table.present[k] & (1 << slot)) !== 0;
}

const decoder = new TextDecoder();

/** Slot `slot` of node k as a string, undefined when absent. */
export function treeTableText(table: TreeTable, k: number, slot: number): string | undefined {
  if ((table.present[k] & (1 << slot)) === 0) return undefined;
  const at = k * TREE_TABLE_TEXT_SLOTS + slot;
  return utf8Text(table.bytes, table.texts[at], table.texts[at + 1]);
}

/** UTF-8 bytes [start, end) as a string (short ASCII runs without a decoder call). */
export function utf8Text(bytes: Uint8Array, start: number, end: number): string {
  if (end - start <= 32) {
    let s = "";
    for (let i = start; i < end; i++) {
      const c = bytes[i];
      if (c >= 0x80) return decoder.decode(bytes.subarray(start, end));
      s += String.fromCharCode(c);
    }
    return s;
  }
  return decoder.decode(bytes.subarray(start, end));
}

/** Whether slot a of node j and slot b of node k hold the same text (both present). */
export function sameTreeTableText(table: TreeTable, j: number, a: number, k: number, b: number): boolean {
  if ((table.present[j] & (1 << a)) === 0 || (table.present[k] & (1 << b)) === 0) return false;
  const x = j * TREE_TABLE_TEXT_SLOTS + a,
    y = k * TREE_TABLE_TEXT_SLOTS + b;
  const xs = table.texts[x],
    ys = table.texts[y],
    n = table.texts[x + 1] - xs;
  if (table.texts[y + 1] - ys !== n) return false;
  const bytes = table.bytes;
  for (let i = 0; i < n; i++) if (bytes[xs + i] !== bytes[ys + i]) return false;
  return true;
}

/** Powers of ten a double holds exactly: a decimal of at most 15 digits is then one correctly rounded division. */
const EXACT_POWERS = Array.from({ length: 23 }, (_x, i) => 10 ** i);

/**
 * parseNumber of slot `slot` of node k (undefined when absent or not a number). A plain decimal
 * (`-12.345`, at most 15 digits) is read from the bytes: its digits make an integer below 2^53
 * and a power of ten up to 10^22 is exact, so their quotient is the correctly rounded value,
 * Number(text)'s. Anything else goes through parseNumber.
 */
export function treeTableNumber(table: TreeTable, k: number, slot: number): number | undefined {
  if ((table.present[k] & (1 << slot)) === 0) return undefined;
  const at = k * TREE_TABLE_TEXT_SLOTS + slot;
  return utf8Number(table.bytes, table.texts[at], table.texts[at + 1]);
}

/** parseNumber of UTF-8 bytes [start, end), plain decimals without a string (see treeTableNumber). */
export function utf8Number(bytes: Uint8Array, start: number, end: number): number | undefined {
  let i = start;
  let negative = false;
  if (i < end && (bytes[i] === 45 || bytes[i] === 43)) {
    negative = bytes[i] === 45;
    i++;
  }
  let mantissa = 0,
    digits = 0,
    fraction = 0,
    dot = false;
  for (; i < end; i++) {
    const c = bytes[i];
    if (c >= 48 && c <= 57) {
      mantissa = mantissa * 10 + (c - 48);
      digits++;
      if (dot) fraction++;
    } else if (c === 46 && !dot) dot = true;
    else break;
  }
  if (i === end && digits > 0 && digits <= 15) {
    const v = fraction === 0 ? mantissa : mantissa / EXACT_POWERS[fraction];
    return negative ? -v : v;
  }
  return parseNumber(utf8Text(bytes, start, end));
}

/**
 * The score of each node typed as a regression TreeModel's nodes are (double, or float under
 * mathContext="float"); NaN where a node has none or it is not a number.
 */
export function treeTableScores(table: TreeTable, float: boolean): Float64Array {
  const out = new Float64Array(table.size);
  for (let k = 0; k < table.size; k++) {
    const v = treeTableNumber(table, k, TREE_TABLE_TEXTS.score);
    out[k] = v === undefined ? NaN : float ? Math.fround(v) : v;
  }
  return out;
}
