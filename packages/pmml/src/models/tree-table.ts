import { TREE_TABLE_PREDICATES, TREE_TABLE_TEXT_SLOTS, TREE_TABLE_TEXTS, utf8Number, type TreeTable } from "@porta/ir";
import { decodeReferences, textOf } from "../xml-check.ts";
import type { NodeTable, XmlCapture, XmlElement } from "../xml.ts";

/**
 * TreeModels read straight from the document into TreeTables (see @porta/ir's
 * models/tree-table.ts) while it is scanned: a TreeCapture rides along the XML table builder
 * (xml.ts) and, for each TreeModel's Node tree, writes the table's columns from the scanner's
 * events, with no table row, view, IR object or string per node (a 1200-tree forest has 614k
 * nodes and 3 million attributes). A tree is held so when every Node is plain: its predicate
 * (the first predicate child) is True or a SimplePredicate with a field and a known operator,
 * and comes before its child Nodes; it has no ScoreDistribution and no embedded model
 * (Partition, Regression, DecisionTree); its recordCount, if any, is a number; and Nodes nest at
 * most MAX_TABLE_DEPTH deep. Any other tree's rows are added to the document's tables after all
 * (the builder reads its part of the document again), and the object reader (tree.ts) reads it,
 * with its errors. The node texts the IR keeps (id, score, recordCount, defaultChild, a
 * SimplePredicate's value) are copied as UTF-8, references decoded.
 */
export class TreeCapture implements XmlCapture {
  private t!: NodeTable;
  private doc!: Buffer;
  /** The trees held, by the row of their root Node. */
  readonly trees = new Map<number, TreeTable>();
  private roles = new Int8Array(0);
  private readonly fields: string[] = [];
  /** Where each field name was read first as written, without a reference (-1: none yet), and its byte length. */
  private readonly fieldAt: number[] = [];
  private readonly fieldLength: number[] = [];
  private readonly fieldIds = new Map<string, number>();
  /** Field ids by a hash of their text as written, for lookups that make no string. */
  private readonly fieldsByHash = new Map<number, number[]>();
  /** Per field: the last tree (a counter) that used it, for usedFields. */
  private fieldTree = new Int32Array(64);
  /** Trees begun (the current one's number). */
  private treeCount = 0;
  /** Memory the trees' columns are carved from (one allocation for many small tables), and how much of it is taken. */
  private arena = new ArrayBuffer(0);
  private arenaUsed = 0;

  // The tree being read.
  private ok = false;
  private size = 0;
  private usedFields: string[] = [];
  private lastField = -1;
  /** Open elements inside the tree: a Node (its index), the SimplePredicate of a Node (-2 - its index), or ignored (-1). */
  private frames = new Int32Array(64);
  private depth = 0;
  /** Node nesting of the open elements (Nodes among the frames). */
  private nodeDepth = 0;
  /** The element opened last, whose attributes are being read: a Node (index), a SimplePredicate (-2 - its Node), or none (-1). */
  private pending = -1;
  /** Its attributes: the first of each role (bit r of attrSeen: there is one), where their values are, and whether they hold references. */
  private attrSeen = 0;
  private readonly attrStart = new Int32Array(ATTRIBUTE_ROLES);
  private readonly attrEnd = new Int32Array(ATTRIBUTE_ROLES);
  private readonly attrRefs = new Uint8Array(ATTRIBUTE_ROLES);
  /** Per node: whether its predicate has been read. */
  private hasPredicate = new Uint8Array(1024);

  start(table: NodeTable): void {
    this.t = table;
    this.doc = table.bytes;
    captures.set(table, this);
  }

  begins(name: number, parent: number): boolean {
    if (this.role(name) !== Role.Node || parent === 0 || this.t.names[this.t.name[parent]] !== "TreeModel") return false;
    this.ok = true;
    this.treeCount++;
    this.size = 0;
    this.usedFields = [];
    this.lastField = -1;
    this.depth = 0;
    this.nodeDepth = 0;
    byteSize = 0;
    this.openNode(-1);
    return true;
  }

  open(name: number): void {
    if (!this.ok) return;
    this.flush();
    if (this.depth === this.frames.length) this.frames = grow(this.frames, this.depth * 2);
    const top = this.frames[this.depth - 1];
    if (top < 0) {
      // Inside an ignored element or a SimplePredicate: nothing there is read.
      this.frames[this.depth++] = -1;
      return;
    }
    switch (this.role(name)) {
      case Role.Node:
        // A child Node before its parent's predicate: the texts would not be in node order.
        if (this.hasPredicate[top] === 0) this.ok = false;
        else this.openNode(top);
        return;
      case Role.True:
        if (this.hasPredicate[top] === 0) {
          this.hasPredicate[top] = 1;
          predicate[top] = 0;
          field[top] = -1;
          // No value: its slot is empty.
          texts[top * TREE_TABLE_TEXT_SLOTS + TREE_TABLE_TEXTS.value + 1] = byteSize;
        }
        this.frames[this.depth++] = -1;
        return;
      case Role.SimplePredicate:
        if (this.hasPredicate[top] === 0) {
          this.hasPredicate[top] = 1;
          this.frames[this.depth++] = -2 - top;
          this.pending = -2 - top;
          this.attrSeen = 0;
        } else this.frames[this.depth++] = -1;
        return;
      case Role.OtherPredicate:
        if (this.hasPredicate[top] === 0) this.ok = false;
        else this.frames[this.depth++] = -1;
        return;
      case Role.Refused:
        this.ok = false;
        return;
      default:
        this.frames[this.depth++] = -1;
    }
  }

  attribute(name: number, valueStart: number, valueEnd: number, references: boolean): void {
    if (!this.ok || this.pending === -1) return;
    const r = this.role(name) - FIRST_ATTRIBUTE_ROLE;
    if (r < 0 || (this.attrSeen & (1 << r)) !== 0) return;
    this.attrSeen |= 1 << r;
    this.attrStart[r] = valueStart;
    this.attrEnd[r] = valueEnd;
    this.attrRefs[r] = references ? 1 : 0;
  }

  close(): void {
    if (!this.ok) return;
    this.flush();
    const top = this.frames[--this.depth];
    if (top >= 0) {
      if (this.hasPredicate[top] === 0) this.ok = false;
      this.nodeDepth--;
    }
  }

  end(row: number): boolean {
    this.close();
    if (!this.ok) return false;
    this.trees.set(row, this.table());
    return true;
  }

  finish(): void {
    // Scratch grown for a large tree is not kept for the life of the process.
    if (end.length > SCRATCH_NODES || bytes.length > SCRATCH_BYTES) {
      end = new Int32Array(1024);
      childCount = new Int32Array(1024);
      predicate = new Uint8Array(1024);
      field = new Int32Array(1024);
      present = new Uint8Array(1024);
      texts = new Int32Array(1024 * TREE_TABLE_TEXT_SLOTS + 1);
      parent = new Int32Array(1024);
      bytes = new Uint8Array(1 << 16);
    }
  }

  /** A new Node under node `up` (-1: the root): its index, its frame, and its attributes read next. */
  private openNode(up: number): void {
    if (++this.nodeDepth > MAX_TABLE_DEPTH) {
      this.ok = false;
      return;
    }
    if (this.size === end.length) growNodes();
    if (this.size === this.hasPredicate.length) this.hasPredicate = grow(this.hasPredicate, this.size * 2);
    const k = this.size++;
    parent[k] = up;
    childCount[k] = 0;
    if (up >= 0) childCount[up]++;
    this.hasPredicate[k] = 0;
    if (this.depth === this.frames.length) this.frames = grow(this.frames, this.depth * 2);
    this.frames[this.depth++] = k;
    this.pending = k;
    this.attrSeen = 0;
  }

  /** The pending element's attributes are all read: a Node's texts, or a SimplePredicate's field, operator and value. */
  private flush(): void {
    const p = this.pending;
    if (p === -1) return;
    this.pending = -1;
    if (p >= 0) {
      // A Node: id, score, recordCount, defaultChild, in slot order.
      const base = p * TREE_TABLE_TEXT_SLOTS;
      let bits = 0;
      for (let s = 0; s < 4; s++) {
        texts[base + s] = byteSize;
        const r = NODE_SLOT_ROLES[s];
        if ((this.attrSeen & (1 << r)) === 0) continue;
        const from = byteSize;
        this.append(r);
        bits |= 1 << s;
        if (s === TREE_TABLE_TEXTS.recordCount && utf8Number(bytes, from, byteSize) === undefined) this.ok = false;
      }
      texts[base + TREE_TABLE_TEXTS.value] = byteSize;
      present[p] = bits;
      return;
    }
    // A SimplePredicate of node k.
    const k = -2 - p;
    if ((this.attrSeen & ((1 << FIELD) | (1 << OPERATOR))) !== ((1 << FIELD) | (1 << OPERATOR))) {
      this.ok = false;
      return;
    }
    const f = this.attrStart[FIELD],
      o = this.attrStart[OPERATOR];
    const op = operatorCode(this.doc, o, this.attrEnd[OPERATOR]);
    if (op < 0) {
      this.ok = false;
      return;
    }
    predicate[k] = op;
    const id = this.fieldOf(f, this.attrEnd[FIELD], this.attrRefs[FIELD] === 0);
    field[k] = id;
    if (this.fieldTree[id] !== this.treeCount) {
      this.fieldTree[id] = this.treeCount;
      this.usedFields.push(this.fields[id]);
    }
    if ((this.attrSeen & (1 << VALUE)) !== 0) {
      this.append(VALUE);
      present[k] |= 1 << TREE_TABLE_TEXTS.value;
    }
    texts[k * TREE_TABLE_TEXT_SLOTS + TREE_TABLE_TEXTS.value + 1] = byteSize;
  }

  /** Appends the value of the pending element's attribute of role r (references decoded) as UTF-8. */
  private append(r: number): void {
    const doc = this.doc;
    const start = this.attrStart[r],
      stop = this.attrEnd[r];
    if (this.attrRefs[r] !== 0) {
      appendString(decodeReferences(textOf(doc, start, stop), ""));
      return;
    }
    ensureBytes(stop - start);
    const out = bytes;
    let at = byteSize;
    for (let i = start; i < stop; i++) out[at++] = doc[i];
    byteSize = at;
  }

  private role(name: number): number {
    let roles = this.roles;
    if (name >= roles.length) {
      const grown = new Int8Array(Math.max(this.t.names.length, name + 1, roles.length * 2)).fill(-1);
      grown.set(roles);
      this.roles = roles = grown;
    }
    let r = roles[name];
    if (r < 0) {
      const local = this.t.names[name];
      r = Object.hasOwn(ROLES, local) ? ROLES[local] : Role.Other;
      roles[name] = r;
    }
    return r;
  }

  /** The field id of the value [start, end) (plain: it holds no reference): interned by its text, a name made only once. */
  private fieldOf(start: number, stop: number, plain: boolean): number {
    const doc = this.doc;
    const length = stop - start;
    // Siblings split on one field: the last one read is tried first.
    const last = this.lastField;
    if (plain && last >= 0 && this.fieldLength[last] === length && this.fieldAt[last] >= 0) {
      const at = this.fieldAt[last];
      let k = 0;
      while (k < length && doc[at + k] === doc[start + k]) k++;
      if (k === length) return last;
    }
    let hash = length;
    for (let i = start; i < stop; i++) hash = (Math.imul(hash, 31) + doc[i]) | 0;
    if (plain) {
      const candidates = this.fieldsByHash.get(hash);
      if (candidates !== undefined) {
        for (const id of candidates) {
          if (this.fieldLength[id] !== length) continue;
          const at = this.fieldAt[id];
          let k = 0;
          while (k < length && doc[at + k] === doc[start + k]) k++;
          if (k === length) return (this.lastField = id);
        }
      }
    }
    const name = plain ? textOf(doc, start, stop) : decodeReferences(textOf(doc, start, stop), "");
    let id = this.fieldIds.get(name);
    if (id === undefined) {
      id = this.fields.push(name) - 1;
      this.fieldAt.push(-1);
      this.fieldLength.push(0);
      this.fieldIds.set(name, id);
      if (this.fieldTree.length <= id) this.fieldTree = grow(this.fieldTree, this.fieldTree.length * 2);
    }
    // Its text as written here, when it is the name itself, answers the next lookups without a string.
    if (plain && this.fieldAt[id] < 0) {
      this.fieldAt[id] = start;
      this.fieldLength[id] = length;
      const candidates = this.fieldsByHash.get(hash);
      if (candidates === undefined) this.fieldsByHash.set(hash, [id]);
      else candidates.push(id);
    }
    return (this.lastField = id);
  }

  /** The tree read, its columns copied into memory carved from the arena (4-byte columns first). */
  private table(): TreeTable {
    const size = this.size;
    texts[size * TREE_TABLE_TEXT_SLOTS] = byteSize;
    // Subtree ends, children before parents (a child's index is above its parent's).
    for (let k = 0; k < size; k++) end[k] = k + 1;
    for (let k = size - 1; k > 0; k--) if (end[k] > end[parent[k]]) end[parent[k]] = end[k];
    const textCount = size * TREE_TABLE_TEXT_SLOTS + 1;
    const need = 4 * (3 * size + textCount) + 2 * size + byteSize;
    if (this.arena.byteLength - this.arenaUsed < need) {
      this.arena = new ArrayBuffer(Math.max(ARENA_BYTES, need + 3));
      this.arenaUsed = 0;
    }
    const memory = this.arena;
    let at = this.arenaUsed;
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
    const ends = int32(end, size),
      children = int32(childCount, size),
      fieldColumn = int32(field, size),
      textColumn = int32(texts, textCount);
    const table: TreeTable = {
      size,
      end: ends,
      childCount: children,
      predicate: uint8(predicate, size),
      field: fieldColumn,
      fields: this.fields,
      usedFields: this.usedFields,
      texts: textColumn,
      present: uint8(present, size),
      bytes: uint8(bytes, byteSize),
    };
    // The next tree's 4-byte columns start aligned.
    this.arenaUsed = (at + 3) & ~3;
    return table;
  }
}

/** The node table the scan read for the tree whose root Node is `rootNode`, if it was held as one (see TreeCapture). */
export function readTreeTable(rootNode: XmlElement): TreeTable | undefined {
  return captures.get(rootNode.table)?.trees.get(rootNode.row);
}

/** Off: no tree is read as a node table (tests compare the two readings). */
export const treeTableReading = { enabled: true };

const captures = new WeakMap<NodeTable, TreeCapture>();

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
  // Attributes, from FIRST_ATTRIBUTE_ROLE on.
  Id: 6,
  Score: 7,
  RecordCount: 8,
  DefaultChild: 9,
  Field: 10,
  Operator: 11,
  Value: 12,
} as const;
type Role = (typeof Role)[keyof typeof Role];
const FIRST_ATTRIBUTE_ROLE = Role.Id;
const ATTRIBUTE_ROLES = Role.Value - Role.Id + 1;
/** Attribute slots (role - FIRST_ATTRIBUTE_ROLE): a Node's in text slot order, a SimplePredicate's. */
const NODE_SLOT_ROLES = [Role.Id, Role.Score, Role.RecordCount, Role.DefaultChild].map((r) => r - FIRST_ATTRIBUTE_ROLE);
const FIELD = Role.Field - FIRST_ATTRIBUTE_ROLE,
  OPERATOR = Role.Operator - FIRST_ATTRIBUTE_ROLE,
  VALUE = Role.Value - FIRST_ATTRIBUTE_ROLE;

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

function appendString(value: string): void {
  ensureBytes(value.length * 3);
  byteSize += encoder.encodeInto(value, bytes.subarray(byteSize)).written;
}

/** SimplePredicate operator names as bytes, by TREE_TABLE_PREDICATES code (none for True). */
const OPERATOR_BYTES = TREE_TABLE_PREDICATES.map((name, code) => (code === 0 ? new Uint8Array(0) : Uint8Array.from(name, (ch) => ch.charCodeAt(0))));

/** The SimplePredicate operator code (TREE_TABLE_PREDICATES) of attribute value [start, end) as written, -1 for no operator. */
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

/** Scratch kept between documents: up to this many nodes and text bytes. */
const SCRATCH_NODES = 1 << 16,
  SCRATCH_BYTES = 1 << 20;

/** Size of the arena chunks the tables are carved from (a 1200-tree forest's tables are ~40 MB). */
const ARENA_BYTES = 1 << 22;
