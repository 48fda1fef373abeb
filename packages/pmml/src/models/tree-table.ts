import { TREE_TABLE_PREDICATES, TREE_TABLE_TEXT_SLOTS, TREE_TABLE_TEXTS, utf8Number, type TreeTable } from "@porta/ir";
import { decodeReferences, textOf } from "../xml-check.ts";
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
  /** Where each field name was first read in the document, its text as written there (-1: written with a reference). */
  fieldAt: number[];
  /** Byte length of each name as written at fieldAt. */
  fieldLength: number[];
  fieldIds: Map<string, number>;
  /** Interned field names by a hash of their text, for lookups that make no string. */
  fieldsByHash: Map<number, number[]>;
  /** Per field: the last tree (a counter) that used it, for usedFields. */
  fieldTree: Int32Array;
  trees: number;
  /** Memory the trees' columns are carved from (one allocation for many small tables), and how much of it is taken. */
  arena: ArrayBuffer;
  arenaUsed: number;
}

const states = new WeakMap<NodeTable, ReaderState>();

function stateOf(t: NodeTable): ReaderState {
  let s = states.get(t);
  if (s === undefined) {
    s = {
      roles: new Int8Array(0),
      fields: [],
      fieldAt: [],
      fieldLength: [],
      fieldIds: new Map(),
      fieldsByHash: new Map(),
      fieldTree: new Int32Array(64),
      trees: 0,
      arena: new ArrayBuffer(0),
      arenaUsed: 0,
    };
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

/** Appends attribute `a`'s value, references decoded, as UTF-8. */
function appendValue(t: NodeTable, a: number): void {
  const doc = t.bytes;
  const start = t.attrStart[a],
    stop = t.attrEnd[a];
  if (t.attrReferences[a] !== 0) {
    appendString(decodeReferences(textOf(doc, start, stop), ""));
    return;
  }
  ensureBytes(stop - start);
  const out = bytes;
  let at = byteSize;
  for (let i = start; i < stop; i++) out[at++] = doc[i];
  byteSize = at;
}

function appendString(value: string): void {
  ensureBytes(value.length * 3);
  byteSize += encoder.encodeInto(value, bytes.subarray(byteSize)).written;
}

/** The field id of attribute value [start, end): interned by its text, a new name made only once. */
function fieldId(doc: Buffer, start: number, stop: number, plain: boolean, s: ReaderState): number {
  const length = stop - start;
  let hash = length;
  for (let i = start; i < stop; i++) hash = (Math.imul(hash, 31) + doc[i]) | 0;
  if (plain) {
    const candidates = s.fieldsByHash.get(hash);
    if (candidates !== undefined) {
      for (const id of candidates) {
        const at = s.fieldAt[id];
        let k = 0;
        while (k < length && doc[at + k] === doc[start + k]) k++;
        if (k === length) return id;
      }
    }
  }
  const name = plain ? textOf(doc, start, stop) : decodeReferences(textOf(doc, start, stop), "");
  let id = s.fieldIds.get(name);
  if (id === undefined) {
    id = s.fields.push(name) - 1;
    s.fieldAt.push(-1);
    s.fieldLength.push(0);
    s.fieldIds.set(name, id);
    if (s.fieldTree.length <= id) s.fieldTree = grow(s.fieldTree, s.fieldTree.length * 2);
  }
  // Its text as written here, when it is the name itself, answers the next lookups without a string.
  if (plain && s.fieldAt[id] < 0) {
    s.fieldAt[id] = start;
    s.fieldLength[id] = length;
    const candidates = s.fieldsByHash.get(hash);
    if (candidates === undefined) s.fieldsByHash.set(hash, [id]);
    else candidates.push(id);
  }
  return id;
}

/** SimplePredicate operator names as bytes, by TREE_TABLE_PREDICATES code (none for True). */
const OPERATOR_BYTES = TREE_TABLE_PREDICATES.map((name, code) => (code === 0 ? new Uint8Array(0) : Uint8Array.from(name, (ch) => ch.charCodeAt(0))));

/** The SimplePredicate operator code (TREE_TABLE_PREDICATES) of attribute value [start, end), -1 for no operator. */
function operatorCode(doc: Buffer, start: number, stop: number): number {
  for (let code = 1; code < OPERATOR_BYTES.length; code++) {
    const name = OPERATOR_BYTES[code];
    const n = name.length;
    if (n !== stop - start || name[0] !== doc[start]) continue;
    let k = 1;
    while (k < n && doc[start + k] === name[k]) k++;
    if (k === n) return code;
  }
  return -1;
}

/** Open Nodes above the one being read: their rows and node indices. */
let openRow = new Int32Array(64),
  openNode = new Int32Array(64);

/**
 * The tree, read in document order (pre-order, first child first: the table's order): each
 * Node's attributes and predicate, then its first Node child, else its next Node sibling or an
 * ancestor's. Any Node outside the table's rules stops the reading (undefined).
 */
function read(t: NodeTable, rootRow: number, s: ReaderState): TreeTable | undefined {
  const doc = t.bytes;
  const { kind, name, first, next, attrName, attrStart, attrEnd } = t;
  // Every name id is below names.length (the document is read): roles covers them, -1 until asked.
  if (s.roles.length < t.names.length) roleOf(t, s, t.names.length - 1);
  const roles = s.roles;
  const tree = ++s.trees;
  const usedFields: string[] = [];
  let size = 0;
  let depth = 0;
  let lastField = -1;
  byteSize = 0;
  let row = rootRow;
  for (;;) {
    if (size === end.length) growNodes();
    const k = size++;
    const up = depth > 0 ? openNode[depth - 1] : -1;
    parent[k] = up;
    childCount[k] = 0;
    if (up >= 0) childCount[up]++;
    // Attributes: the first of each name, as XmlElement.attr finds them.
    let id = -1,
      score = -1,
      recordCount = -1,
      defaultChild = -1;
    for (let a = t.a[row], last = a + t.b[row]; a < last; a++) {
      let r = roles[attrName[a]];
      if (r < 0) r = roleOf(t, s, attrName[a]);
      switch (r) {
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
    // Children: the predicate is the first predicate element; Node children come after, in document order.
    let predicateRow = 0,
      predicateRole = 0,
      firstNode = 0;
    for (let c = first[row]; c !== 0; c = next[c]) {
      if (kind[c] !== ELEMENT) continue;
      let r = roles[name[c]];
      if (r < 0) r = roleOf(t, s, name[c]);
      if (r === Role.Node) {
        if (firstNode === 0) firstNode = c;
      } else if (r === Role.True || r === Role.SimplePredicate || r === Role.OtherPredicate) {
        if (predicateRow === 0) {
          predicateRow = c;
          predicateRole = r;
        }
      } else if (r === Role.Refused) return undefined;
    }
    let fieldAttr = -1,
      operatorAttr = -1,
      valueAttr = -1;
    if (predicateRole === Role.True) {
      predicate[k] = 0;
      field[k] = -1;
    } else if (predicateRole === Role.SimplePredicate) {
      for (let a = t.a[predicateRow], last = a + t.b[predicateRow]; a < last; a++) {
        let r = roles[attrName[a]];
        if (r < 0) r = roleOf(t, s, attrName[a]);
        switch (r) {
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
      const op = operatorCode(doc, attrStart[operatorAttr], attrEnd[operatorAttr]);
      if (op < 0) return undefined;
      predicate[k] = op;
      // Siblings split on one field: the last one read is tried first.
      const fs = attrStart[fieldAttr],
        fe = attrEnd[fieldAttr];
      let f = -1;
      if (lastField >= 0) {
        const at = s.fieldAt[lastField];
        if (at >= 0 && s.fieldLength[lastField] === fe - fs) {
          let j = 0;
          while (j < fe - fs && doc[at + j] === doc[fs + j]) j++;
          if (j === fe - fs) f = lastField;
        }
      }
      if (f < 0) f = fieldId(doc, fs, fe, t.attrReferences[fieldAttr] === 0, s);
      lastField = f;
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
      appendValue(t, id);
      bits |= 1 << TREE_TABLE_TEXTS.id;
    }
    texts[base + 1] = byteSize;
    if (score >= 0) {
      appendValue(t, score);
      bits |= 1 << TREE_TABLE_TEXTS.score;
    }
    texts[base + 2] = byteSize;
    if (recordCount >= 0) {
      const from = byteSize;
      appendValue(t, recordCount);
      if (utf8Number(bytes, from, byteSize) === undefined) return undefined;
      bits |= 1 << TREE_TABLE_TEXTS.recordCount;
    }
    texts[base + 3] = byteSize;
    if (defaultChild >= 0) {
      appendValue(t, defaultChild);
      bits |= 1 << TREE_TABLE_TEXTS.defaultChild;
    }
    texts[base + 4] = byteSize;
    if (valueAttr >= 0) {
      appendValue(t, valueAttr);
      bits |= 1 << TREE_TABLE_TEXTS.value;
    }
    texts[base + 5] = byteSize;
    present[k] = bits;
    // Next: the first Node child, else the next Node sibling of this node or of an ancestor.
    if (firstNode !== 0) {
      if (depth + 1 >= MAX_TABLE_DEPTH) return undefined;
      if (depth === openRow.length) {
        openRow = grow(openRow, depth * 2);
        openNode = grow(openNode, depth * 2);
      }
      openRow[depth] = row;
      openNode[depth] = k;
      depth++;
      row = firstNode;
      continue;
    }
    let sibling = 0;
    for (;;) {
      if (depth === 0) break;
      for (let c = next[row]; c !== 0; c = next[c]) {
        if (kind[c] === ELEMENT && (roles[name[c]] === Role.Node || (roles[name[c]] < 0 && roleOf(t, s, name[c]) === Role.Node))) {
          sibling = c;
          break;
        }
      }
      if (sibling !== 0) break;
      depth--;
      row = openRow[depth];
    }
    if (sibling === 0) break;
    row = sibling;
  }
  // Subtree ends, children before parents (a child's index is above its parent's).
  for (let k = 0; k < size; k++) end[k] = k + 1;
  for (let k = size - 1; k > 0; k--) if (end[k] > end[parent[k]]) end[parent[k]] = end[k];
  // The columns, copied into memory carved from the document's arena: 4-byte columns first.
  const textCount = size * TREE_TABLE_TEXT_SLOTS + 1;
  const need = 4 * (3 * size + textCount) + 2 * size + byteSize;
  if (s.arena.byteLength - s.arenaUsed < need) {
    s.arena = new ArrayBuffer(Math.max(ARENA_BYTES, need + 3));
    s.arenaUsed = 0;
  }
  const memory = s.arena;
  let at = s.arenaUsed;
  const int32 = (from: Int32Array, n: number): Int32Array => {
    const out = new Int32Array(memory, at, n);
    out.set(from.subarray(0, n));
    at += 4 * n;
    return out;
  };
  const uint8 = (from: Uint8Array, n: number): Uint8Array => {
    const out = new Uint8Array(memory, at, n);
    out.set(from.subarray(0, n));
    at += n;
    return out;
  };
  const table: TreeTable = {
    size,
    end: int32(end, size),
    childCount: int32(childCount, size),
    field: int32(field, size),
    texts: int32(texts, textCount),
    predicate: uint8(predicate, size),
    present: uint8(present, size),
    bytes: uint8(bytes, byteSize),
    fields: s.fields,
    usedFields,
  };
  // The next tree's 4-byte columns start aligned.
  s.arenaUsed = (at + 3) & ~3;
  return table;
}

/** Size of the arena chunks the tables are carved from (a 1200-tree forest's tables are ~25 MB). */
const ARENA_BYTES = 1 << 22;
