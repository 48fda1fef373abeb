import { TREE_TABLE_PREDICATES, TREE_TABLE_TEXT_SLOTS, TREE_TABLE_TEXTS, utf8Number, type TreeTable } from "@porta/ir";
import { decodeReferences } from "../xml-check.ts";
import { ELEMENT, type NodeTable, type XmlElement } from "../xml.ts";

/**
 * Reads a TreeModel's Node tree straight from the document's tables into a TreeTable (see
 * @porta/ir's models/tree-table.ts), without a view, an IR object or a string per node, when
 * every Node is plain: its predicate (the first predicate child) is True or a SimplePredicate
 * with a known operator, and it has no ScoreDistribution and no embedded model (Partition,
 * Regression, DecisionTree). Any other tree, a tree with an attribute the object reader would
 * refuse (a recordCount that is no number, a SimplePredicate without field), and trees nested
 * deeper than MAX_TABLE_DEPTH, answer undefined: the object reader (tree.ts) reads those, with
 * its errors. The node texts the IR keeps (id, score, recordCount, defaultChild, a
 * SimplePredicate's value) are copied as UTF-8, references decoded.
 */
export function readTreeTable(rootNode: XmlElement): TreeTable | undefined {
  if (!treeTableReading.enabled) return undefined;
  const t = rootNode.table;
  const state = stateOf(t);
  try {
    return read(t, rootNode.row, state);
  } catch {
    // Nothing the object reader would accept throws here; whatever did, it reports.
    return undefined;
  }
}

/** Off: every tree is read as IR nodes (tests compare the two readings). */
export const treeTableReading = { enabled: true };

/**
 * Deeper trees are left to the object reader: it recurses per level, and the XML_TOO_DEEP it
 * answers for a raised documentDepth past the stack must stay the answer (test/deep-nesting).
 */
const MAX_TABLE_DEPTH = 512;

/** What a name (an element's or an attribute's local name) is to the reader. */
const Role = {
  Other: 0,
  Node: 1,
  True: 2,
  SimplePredicate: 3,
  /** A predicate the table does not hold (CompoundPredicate, SimpleSetPredicate, False). */
  OtherPredicate: 4,
  /** A child that makes the tree the object reader's (ScoreDistribution, embedded models). */
  Refused: 5,
  Id: 6,
  Score: 7,
  RecordCount: 8,
  DefaultChild: 9,
  Field: 10,
  Operator: 11,
  Value: 12,
} as const;
type Role = (typeof Role)[keyof typeof Role];

const ROLES: Readonly<Record<string, Role>> = {
  Node: Role.Node,
  True: Role.True,
  SimplePredicate: Role.SimplePredicate,
  CompoundPredicate: Role.OtherPredicate,
  SimpleSetPredicate: Role.OtherPredicate,
  False: Role.OtherPredicate,
  ScoreDistribution: Role.Refused,
  Partition: Role.Refused,
  Regression: Role.Refused,
  DecisionTree: Role.Refused,
  id: Role.Id,
  score: Role.Score,
  recordCount: Role.RecordCount,
  defaultChild: Role.DefaultChild,
  field: Role.Field,
  operator: Role.Operator,
  value: Role.Value,
};

/** Per document: the roles of its name ids, and its field names, interned across its trees. */
interface ReaderState {
  roles: Int8Array;
  fields: string[];
  fieldIds: Map<string, number>;
  /** Interned field names by a hash of their text, for lookups that make no string. */
  fieldsByHash: Map<number, number[]>;
  /** Per field: the last tree (a counter) that used it, for usedFields. */
  fieldTree: Int32Array;
  trees: number;
}

const states = new WeakMap<NodeTable, ReaderState>();

function stateOf(t: NodeTable): ReaderState {
  let s = states.get(t);
  if (s === undefined) {
    s = { roles: new Int8Array(0), fields: [], fieldIds: new Map(), fieldsByHash: new Map(), fieldTree: new Int32Array(64), trees: 0 };
    states.set(t, s);
  }
  return s;
}

function roleOf(t: NodeTable, s: ReaderState, id: number): Role {
  if (id >= s.roles.length) {
    const grown = new Int8Array(Math.max(t.names.length, id + 1, s.roles.length * 2)).fill(-1);
    grown.set(s.roles);
    s.roles = grown;
  }
  let r = s.roles[id];
  if (r < 0) {
    const name = t.names[id];
    r = Object.hasOwn(ROLES, name) ? ROLES[name] : Role.Other;
    s.roles[id] = r;
  }
  return r as Role;
}

/** Scratch columns, reused across trees (and documents): a tree's table is a copy of its part. */
let end = new Int32Array(1024),
  childCount = new Int32Array(1024),
  predicate = new Uint8Array(1024),
  field = new Int32Array(1024),
  present = new Uint8Array(1024),
  texts = new Int32Array(1024 * TREE_TABLE_TEXT_SLOTS + 1),
  parent = new Int32Array(1024),
  bytes = new Uint8Array(1 << 16);
let byteSize = 0;
/** Open Node rows, their parent node and depth, last pushed first. */
const stackRow: number[] = [],
  stackParent: number[] = [],
  stackDepth: number[] = [];
const childRows: number[] = [];

function growNodes(): void {
  const n = end.length * 2;
  end = grow(end, n);
  childCount = grow(childCount, n);
  predicate = grow(predicate, n);
  field = grow(field, n);
  present = grow(present, n);
  parent = grow(parent, n);
  texts = grow(texts, n * TREE_TABLE_TEXT_SLOTS + 1);
}

function grow<T extends Int32Array | Uint8Array>(a: T, n: number): T {
  const out = new (a.constructor as new (n: number) => T)(n);
  out.set(a);
  return out;
}

function ensureBytes(more: number): void {
  if (byteSize + more <= bytes.length) return;
  let n = bytes.length * 2;
  while (n < byteSize + more) n *= 2;
  bytes = grow(bytes, n);
}

const encoder = new TextEncoder();

/** Appends attribute value [start, end) of the document, references decoded, as UTF-8. */
function appendValue(text: string, start: number, stop: number): void {
  ensureBytes(stop - start);
  let at = byteSize;
  for (let i = start; i < stop; i++) {
    const c = text.charCodeAt(i);
    if (c >= 0x80 || c === 38) {
      appendString(decodeReferences(text.slice(start, stop), ""));
      return;
    }
    bytes[at++] = c;
  }
  byteSize = at;
}

function appendString(value: string): void {
  ensureBytes(value.length * 3);
  byteSize += encoder.encodeInto(value, bytes.subarray(byteSize)).written;
}

/** The field id of attribute value [start, end): interned by its text, a new name made only once. */
function fieldId(text: string, start: number, stop: number, s: ReaderState): number {
  let hash = stop - start;
  let plain = true;
  for (let i = start; i < stop; i++) {
    const c = text.charCodeAt(i);
    if (c === 38) plain = false;
    hash = (Math.imul(hash, 31) + c) | 0;
  }
  if (plain) {
    const candidates = s.fieldsByHash.get(hash);
    if (candidates !== undefined) {
      for (const id of candidates) {
        const name = s.fields[id];
        if (name.length === stop - start && text.startsWith(name, start)) return id;
      }
    }
  }
  const name = plain ? text.slice(start, stop) : decodeReferences(text.slice(start, stop), "");
  let id = s.fieldIds.get(name);
  if (id === undefined) {
    id = s.fields.push(name) - 1;
    s.fieldIds.set(name, id);
    if (s.fieldTree.length <= id) s.fieldTree = grow(s.fieldTree, s.fieldTree.length * 2);
  }
  if (plain) {
    const candidates = s.fieldsByHash.get(hash);
    if (candidates === undefined) s.fieldsByHash.set(hash, [id]);
    else if (!candidates.includes(id)) candidates.push(id);
  }
  return id;
}

/** The SimplePredicate operator code (TREE_TABLE_PREDICATES) of attribute value [start, end), -1 for no operator. */
function operatorCode(text: string, start: number, stop: number): number {
  const n = stop - start;
  for (let code = 1; code < TREE_TABLE_PREDICATES.length; code++) {
    const name = TREE_TABLE_PREDICATES[code];
    if (name.length === n && text.startsWith(name, start)) return code;
  }
  return -1;
}

function read(t: NodeTable, rootRow: number, s: ReaderState): TreeTable | undefined {
  const text = t.text;
  const tree = ++s.trees;
  const usedFields: string[] = [];
  let size = 0;
  byteSize = 0;
  stackRow.length = stackParent.length = stackDepth.length = 0;
  stackRow.push(rootRow);
  stackParent.push(-1);
  stackDepth.push(1);
  while (stackRow.length > 0) {
    const row = stackRow.pop()!,
      up = stackParent.pop()!,
      depth = stackDepth.pop()!;
    if (depth > MAX_TABLE_DEPTH) return undefined;
    if (size === end.length) growNodes();
    const k = size++;
    parent[k] = up;
    childCount[k] = 0;
    if (up >= 0) childCount[up]++;
    // Attributes: the first of each name, as XmlElement.attr finds them.
    let id = -1,
      score = -1,
      recordCount = -1,
      defaultChild = -1;
    for (let a = t.a[row], last = a + t.b[row]; a < last; a++) {
      switch (roleOf(t, s, t.attrName[a])) {
        case Role.Id:
          if (id < 0) id = a;
          break;
        case Role.Score:
          if (score < 0) score = a;
          break;
        case Role.RecordCount:
          if (recordCount < 0) recordCount = a;
          break;
        case Role.DefaultChild:
          if (defaultChild < 0) defaultChild = a;
          break;
      }
    }
    // Children: the predicate is the first predicate element; Node children in document order.
    let predicateRow = 0,
      predicateRole: Role = Role.Other;
    childRows.length = 0;
    for (let c = t.first[row]; c !== 0; c = t.next[c]) {
      if (t.kind[c] !== ELEMENT) continue;
      const role = roleOf(t, s, t.name[c]);
      if (role === Role.Node) childRows.push(c);
      else if (role === Role.True || role === Role.SimplePredicate || role === Role.OtherPredicate) {
        if (predicateRow === 0) {
          predicateRow = c;
          predicateRole = role;
        }
      } else if (role === Role.Refused) return undefined;
    }
    let fieldAttr = -1,
      operatorAttr = -1,
      valueAttr = -1;
    if (predicateRole === Role.True) {
      predicate[k] = 0;
      field[k] = -1;
    } else if (predicateRole === Role.SimplePredicate) {
      for (let a = t.a[predicateRow], last = a + t.b[predicateRow]; a < last; a++) {
        switch (roleOf(t, s, t.attrName[a])) {
          case Role.Field:
            if (fieldAttr < 0) fieldAttr = a;
            break;
          case Role.Operator:
            if (operatorAttr < 0) operatorAttr = a;
            break;
          case Role.Value:
            if (valueAttr < 0) valueAttr = a;
            break;
        }
      }
      if (fieldAttr < 0 || operatorAttr < 0) return undefined;
      const op = operatorCode(text, t.attrStart[operatorAttr], t.attrEnd[operatorAttr]);
      if (op < 0) return undefined;
      predicate[k] = op;
      const f = fieldId(text, t.attrStart[fieldAttr], t.attrEnd[fieldAttr], s);
      field[k] = f;
      if (s.fieldTree[f] !== tree) {
        s.fieldTree[f] = tree;
        usedFields.push(s.fields[f]);
      }
    } else return undefined;
    // Texts, in slot order (TREE_TABLE_TEXTS).
    let bits = 0;
    const base = k * TREE_TABLE_TEXT_SLOTS;
    texts[base] = byteSize;
    if (id >= 0) {
      appendValue(text, t.attrStart[id], t.attrEnd[id]);
      bits |= 1 << TREE_TABLE_TEXTS.id;
    }
    texts[base + 1] = byteSize;
    if (score >= 0) {
      appendValue(text, t.attrStart[score], t.attrEnd[score]);
      bits |= 1 << TREE_TABLE_TEXTS.score;
    }
    texts[base + 2] = byteSize;
    if (recordCount >= 0) {
      const from = byteSize;
      appendValue(text, t.attrStart[recordCount], t.attrEnd[recordCount]);
      if (utf8Number(bytes, from, byteSize) === undefined) return undefined;
      bits |= 1 << TREE_TABLE_TEXTS.recordCount;
    }
    texts[base + 3] = byteSize;
    if (defaultChild >= 0) {
      appendValue(text, t.attrStart[defaultChild], t.attrEnd[defaultChild]);
      bits |= 1 << TREE_TABLE_TEXTS.defaultChild;
    }
    texts[base + 4] = byteSize;
    if (valueAttr >= 0) {
      appendValue(text, t.attrStart[valueAttr], t.attrEnd[valueAttr]);
      bits |= 1 << TREE_TABLE_TEXTS.value;
    }
    texts[base + 5] = byteSize;
    present[k] = bits;
    for (let j = childRows.length - 1; j >= 0; j--) {
      stackRow.push(childRows[j]);
      stackParent.push(k);
      stackDepth.push(depth + 1);
    }
  }
  // Subtree ends, children before parents (a child's index is above its parent's).
  for (let k = 0; k < size; k++) end[k] = k + 1;
  for (let k = size - 1; k > 0; k--) if (end[k] > end[parent[k]]) end[parent[k]] = end[k];
  return {
    size,
    end: end.slice(0, size),
    childCount: childCount.slice(0, size),
    predicate: predicate.slice(0, size),
    field: field.slice(0, size),
    fields: s.fields,
    usedFields,
    texts: texts.slice(0, size * TREE_TABLE_TEXT_SLOTS + 1),
    present: present.slice(0, size),
    bytes: bytes.slice(0, byteSize),
  };
}
