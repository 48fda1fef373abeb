import { DEFAULT_LIMITS, ParseError, type Limits } from "@porta/ir";
import { checkXmlBytes, decodeReferences, documentBytes, textOf, type XmlCounts, type XmlSink } from "./xml-check.ts";

/** The limits the XML reader enforces (from @porta/ir's one Limits module). */
export type XmlLimits = Pick<Limits, "documentBytes" | "xmlElements" | "documentDepth">;

/** NodeTable.kind of a row. */
export const ELEMENT = 0,
  TEXT = 1,
  CDATA = 2;

/**
 * The document tree as tables of byte offsets into the document: one row per node (an element, a text run
 * or a CDATA section) and one per attribute, in typed arrays that grow by doubling. No object or
 * string is made per element while the tree is built: names are ids into one list of shared
 * strings and attribute values stay offsets until read. A million-node forest made a million
 * node objects, attribute arrays and value strings before, and collecting them was half its load.
 * Row 0 is the document itself; 0 in `first`/`next` means none.
 */
export class NodeTable {
  size = 1;
  kind: Uint8Array;
  /** Element: its local name's id in `names`. */
  name: Int32Array;
  /** Element: first attribute row and attribute count; text and CDATA: start and end offsets. */
  a: Int32Array;
  b: Int32Array;
  first: Int32Array;
  next: Int32Array;
  attrSize = 0;
  attrName: Int32Array;
  attrStart: Int32Array;
  attrEnd: Int32Array;
  /** 0 when the value holds no reference (`&…;`): it is then its text as written. */
  attrReferences: Uint8Array;
  readonly names: string[] = [];
  /** Attribute values read through sharedAttr, each kept once (see there). */
  readonly shared = new Map<string, string>();
  /**
   * While building: the open elements' rows (the document at the bottom) and the last child
   * of each, so that a node is linked in without a per-row column for it: columns are paid for in
   * fresh memory, about a tenth of a large document's tables.
   */
  private readonly openRows: number[] = [0];
  private readonly lastChild: number[] = [0];

  /** Sized by the pre-scan's counts when there are some (text runs still grow the tables). */
  constructor(
    /** The document's UTF-8 bytes (xml-check.ts's documentBytes). */
    readonly bytes: Buffer,
    counts: XmlCounts | undefined,
  ) {
    const nodes = (counts?.elements ?? 0) + 1024,
      attrs = (counts?.attributes ?? 0) + 1024;
    this.kind = new Uint8Array(nodes);
    this.name = new Int32Array(nodes);
    this.a = new Int32Array(nodes);
    this.b = new Int32Array(nodes);
    this.first = new Int32Array(nodes);
    this.next = new Int32Array(nodes);
    this.attrName = new Int32Array(attrs);
    this.attrStart = new Int32Array(attrs);
    this.attrEnd = new Int32Array(attrs);
    this.attrReferences = new Uint8Array(attrs);
  }

  /** Appends a node as the last child of the innermost open element (or of the document); returns its row. */
  add(kind: number, name: number, a: number, b: number): number {
    if (this.size === this.kind.length) this.growNodes();
    const row = this.size++;
    this.kind[row] = kind;
    this.name[row] = name;
    this.a[row] = a;
    this.b[row] = b;
    const d = this.openRows.length - 1;
    const previous = this.lastChild[d];
    if (previous === 0) this.first[this.openRows[d]] = row;
    else this.next[previous] = row;
    this.lastChild[d] = row;
    return row;
  }

  /** Opens the element just added: the nodes added next are its children. */
  enter(row: number): void {
    this.openRows.push(row);
    this.lastChild.push(0);
  }

  /** Closes the innermost open element (the document is never closed). */
  leave(): void {
    if (this.openRows.length === 1) return;
    this.openRows.pop();
    this.lastChild.pop();
  }

  /** The innermost open element's row; 0: none, the document. */
  get innermost(): number {
    return this.openRows[this.openRows.length - 1];
  }

  addAttribute(name: number, start: number, end: number, references: boolean): void {
    if (this.attrSize === this.attrName.length) {
      this.attrName = grown(this.attrName);
      this.attrStart = grown(this.attrStart);
      this.attrEnd = grown(this.attrEnd);
      this.attrReferences = grown(this.attrReferences);
    }
    this.attrName[this.attrSize] = name;
    this.attrStart[this.attrSize] = start;
    this.attrEnd[this.attrSize] = end;
    this.attrReferences[this.attrSize] = references ? 1 : 0;
    this.attrSize++;
  }

  private growNodes(): void {
    this.kind = grown(this.kind);
    this.name = grown(this.name);
    this.a = grown(this.a);
    this.b = grown(this.b);
    this.first = grown(this.first);
    this.next = grown(this.next);
  }
}

function grown<T extends Uint8Array | Int32Array>(array: T): T {
  const out = new (array.constructor as new (n: number) => T)(array.length * 2);
  out.set(array);
  return out;
}

/** Steps (`/Node[2]`) already made, by name, at their index (0: no index); small indices only. */
const steps = new Map<string, string[]>();
const SHARED_STEP_INDICES = 32;

/**
 * `/name[index]`, one shared string per name and small index: the IR keeps a path per tree node
 * and predicate, and a path made of its parent's and a shared step is one string object (V8
 * joins long strings without copying) instead of four, most of a large forest's heap before.
 */
export function pathStep(name: string, index: number | undefined): string {
  const i = index ?? 0;
  let byIndex = steps.get(name);
  if (byIndex === undefined || i >= SHARED_STEP_INDICES) {
    // Names come from documents and the cache lives as long as the process: it keeps few, short ones.
    if (i >= SHARED_STEP_INDICES || steps.size >= 256 || name.length > 64) return i === 0 ? `/${name}` : `/${name}[${i}]`;
    byIndex = [];
    steps.set(name, byIndex);
  }
  return (byIndex[i] ??= i === 0 ? `/${name}` : `/${name}[${i}]`);
}

/**
 * A read-only view of one element of the document tree (buildTree). Views are made on demand
 * while the document is converted to IR, so no second tree is ever built.
 */
export class XmlElement {
  readonly name: string;
  private decoded: Readonly<Record<string, string>> | undefined;
  /** The path is built when asked for (errors, IR nodes that keep it), not for every element: a DataField with a million Values would otherwise build a million strings nobody reads. */
  private pathText: string | undefined;

  /**
   * `parent` and `step` (`Value[3]`, or a bare name for child()) describe the path; the root is
   * made with its path as `step` and no parent.
   */
  constructor(
    /** The document's tables and this element's row in them, for readers that walk the rows themselves (models/tree-table.ts). */
    readonly table: NodeTable,
    readonly row: number,
    step: string,
    private readonly parent?: XmlElement,
    private readonly index?: number,
  ) {
    this.name = table.names[table.name[row]];
    this.pathText = parent === undefined ? step : undefined;
  }

  get path(): string {
    return (this.pathText ??= this.parent!.path + this.step);
  }

  /** The last step of the path (`/Node[2]`): a shared string; the root's is its whole path. */
  get step(): string {
    return this.parent === undefined ? this.path : pathStep(this.name, this.index);
  }

  /** Every attribute, references decoded (namespace declarations left out, prefixes dropped). */
  get attrs(): Readonly<Record<string, string>> {
    if (this.decoded === undefined) {
      const out: Record<string, string> = Object.create(null) as Record<string, string>;
      const t = this.table;
      for (let k = t.a[this.row], end = k + t.b[this.row]; k < end; k++) {
        const name = t.names[t.attrName[k]];
        out[name] = this.decode(name, textOf(t.bytes, t.attrStart[k], t.attrEnd[k]));
      }
      this.decoded = out;
    }
    return this.decoded;
  }

  attr(name: string): string | undefined {
    const t = this.table;
    for (let k = t.a[this.row], end = k + t.b[this.row]; k < end; k++) {
      if (t.names[t.attrName[k]] === name) return this.decode(name, textOf(t.bytes, t.attrStart[k], t.attrEnd[k]));
    }
    return undefined;
  }

  /**
   * attr() for values that repeat across a document (field names, class labels): the same text
   * comes back as one string, so a million split predicates do not keep a million copies of `x12`.
   * Short values only, and a bounded number of them: the table lives as long as one parse.
   */
  sharedAttr(name: string): string | undefined {
    const v = this.attr(name);
    if (v === undefined || v.length > 64) return v;
    const shared = this.table.shared;
    const known = shared.get(v);
    if (known !== undefined) return known;
    if (shared.size < 65536) shared.set(v, v);
    return v;
  }

  private decode(name: string, raw: string): string {
    return raw.indexOf("&") < 0 ? raw : decodeReferences(raw, `${this.path}/@${name}`);
  }

  /** Child elements in document order, optionally only those named `name`. */
  children(name?: string): XmlElement[] {
    const t = this.table;
    const out: XmlElement[] = [];
    if (name !== undefined) {
      // A step's index counts only the siblings of its own name, so one counter serves.
      let n = 0;
      for (let c = t.first[this.row]; c !== 0; c = t.next[c]) {
        if (t.kind[c] === ELEMENT && t.names[t.name[c]] === name) out.push(new XmlElement(t, c, name, this, ++n));
      }
      return out;
    }
    // Keyed by the local name, not its id: `p:Node` and `Node` (or any name past the table's 256) have ids of their own.
    const counts = new Map<string, number>();
    for (let c = t.first[this.row]; c !== 0; c = t.next[c]) {
      if (t.kind[c] !== ELEMENT) continue;
      const name = t.names[t.name[c]];
      const n = (counts.get(name) ?? 0) + 1;
      counts.set(name, n);
      out.push(new XmlElement(t, c, "", this, n));
    }
    return out;
  }

  /** The first child element whose name passes `test`, indexed as children() would, without a view per sibling. */
  find(test: (name: string) => boolean): XmlElement | undefined {
    const t = this.table;
    for (let c = t.first[this.row]; c !== 0; c = t.next[c]) {
      if (t.kind[c] !== ELEMENT) continue;
      const name = t.names[t.name[c]];
      if (!test(name)) continue;
      let n = 1;
      for (let s = t.first[this.row]; s !== c; s = t.next[s]) if (t.kind[s] === ELEMENT && t.names[t.name[s]] === name) n++;
      return new XmlElement(t, c, "", this, n);
    }
    return undefined;
  }

  child(name: string): XmlElement | undefined {
    const t = this.table;
    for (let c = t.first[this.row]; c !== 0; c = t.next[c]) {
      if (t.kind[c] === ELEMENT && t.names[t.name[c]] === name) return new XmlElement(t, c, name, this);
    }
    return undefined;
  }

  /**
   * Whether this element's children named `name` and `other`'s are alike, pair by pair, in their
   * attributes (names and values as written, in order): a reader that reads only those attributes
   * reads the same from both (a forest's trees repeat one MiningSchema).
   */
  sameChildAttributes(other: XmlElement, name: string): boolean {
    const t = this.table;
    if (other.table !== t) return false;
    const bytes = t.bytes;
    let c = t.first[this.row],
      d = t.first[other.row];
    for (;;) {
      while (c !== 0 && !(t.kind[c] === ELEMENT && t.names[t.name[c]] === name)) c = t.next[c];
      while (d !== 0 && !(t.kind[d] === ELEMENT && t.names[t.name[d]] === name)) d = t.next[d];
      if (c === 0 || d === 0) return c === d;
      const n = t.b[c];
      if (t.b[d] !== n) return false;
      for (let j = 0; j < n; j++) {
        const x = t.a[c] + j,
          y = t.a[d] + j;
        // Name ids: one per qualified name (past the name table's 256, one per occurrence: then unlike).
        if (t.attrName[x] !== t.attrName[y] || t.attrReferences[x] !== t.attrReferences[y]) return false;
        const length = t.attrEnd[x] - t.attrStart[x];
        if (t.attrEnd[y] - t.attrStart[y] !== length) return false;
        for (let k = 0; k < length; k++) if (bytes[t.attrStart[x] + k] !== bytes[t.attrStart[y] + k]) return false;
      }
      c = t.next[c];
      d = t.next[d];
    }
  }

  /** Concatenated text content of this element (not of its children), references decoded, CDATA as is. */
  text(): string {
    const t = this.table;
    let s = "";
    for (let c = t.first[this.row]; c !== 0; c = t.next[c]) {
      if (t.kind[c] === TEXT) s += decodeReferences(textOf(t.bytes, t.a[c], t.b[c]), this.path);
      else if (t.kind[c] === CDATA) s += textOf(t.bytes, t.a[c], t.b[c]);
    }
    return s;
  }

  /** Number of child nodes, elements and text alike (cheap size measure for inspect). */
  get childCount(): number {
    const t = this.table;
    let n = 0;
    for (let c = t.first[this.row]; c !== 0; c = t.next[c]) n++;
    return n;
  }
}

/**
 * Parses XML safely: one linear pre-scan (xml-check.ts) refuses DTD markup anywhere, illegal
 * characters and references, malformed structure, and documents past the size, element-count
 * and depth limits, each with its own typed error; only then is the tree built (buildTree), which
 * never expands an entity, as a second line of defence. The document is text or its bytes (a
 * file's, read as UTF-8 without a decoded copy: see xml-check.ts).
 */
export function parseXml(input: string | Uint8Array, limits: XmlLimits = DEFAULT_LIMITS, capture?: XmlCapture): XmlElement {
  let bytes: Buffer;
  if (typeof input === "string") {
    // Characters are a lower bound on UTF-8 bytes: the exact count is only needed near the limit.
    if (input.length > limits.documentBytes || (input.length * 3 > limits.documentBytes && Buffer.byteLength(input, "utf8") > limits.documentBytes)) {
      tooLarge(Buffer.byteLength(input, "utf8"), limits);
    }
    bytes = Buffer.from(input, "utf8");
  } else {
    bytes = documentBytes(input);
    if (bytes.length > limits.documentBytes) tooLarge(bytes.length, limits);
  }
  // The tree is built by the scan itself (one pass over the document) and used only once the scan has accepted the whole document.
  const builder = new TableBuilder(bytes, capture);
  try {
    checkXmlBytes(bytes, limits, builder, typeof input === "string" ? input : undefined);
  } finally {
    capture?.finish();
  }
  return rootOf(builder.table);
}

/**
 * A reader that takes some subtrees' events instead of the tables (models/tree-table.ts reads
 * TreeModels' Node trees so): those subtrees get no rows (their root does, with its attributes),
 * unless the reader gives one back at its end.
 */
export interface XmlCapture {
  /** The document's tables, before any event. */
  start(table: NodeTable): void;
  /** Whether the element just opened (name id `name`, inside row `parent`; 0: the document) is the root of a subtree the capture reads. */
  begins(name: number, parent: number): boolean;
  /** Events inside the subtree as XmlSink's, names as ids (the root's attributes too). */
  open(name: number): void;
  attribute(name: number, valueStart: number, valueEnd: number, references: boolean): void;
  close(): void;
  /** The subtree's root (row `row`) closes: true when the capture holds the subtree; false: its rows are added after all. */
  end(row: number): boolean;
  /** The scan is over (accepted or not). */
  finish(): void;
}

function tooLarge(bytes: number, limits: XmlLimits): never {
  throw new ParseError("DOCUMENT_TOO_LARGE", `the document has ${bytes} bytes, more than the limit of ${limits.documentBytes} (limit documentBytes)`, {
    path: "/",
    value: bytes,
  });
}

/**
 * Builds the node tables from the pre-scan's events. Sized from the text's length for dense
 * documents (an element per 16 characters, an attribute per 8; grown past that): a large
 * zero-filled buffer gets its memory from the OS as rows are written, so room never used costs
 * nothing, while growing copies every table (a 100 MB forest's attributes grew once, ~0.2 s).
 */
class TableBuilder implements XmlSink {
  readonly table: NodeTable;
  private readonly names: NameTable;
  /** The innermost open element's row, whose attributes are being read. */
  private current = 0;
  /** Open elements of the subtree the capture reads (its root included); 0: none. */
  private captured = 0;
  /** Where the captured root's start tag's last attribute (or its name) ends. */
  private capturedTagAt = 0;

  constructor(
    private readonly source: Buffer,
    private readonly capture?: XmlCapture,
  ) {
    this.table = new NodeTable(source, { elements: source.length >> 4, attributes: source.length >> 3 });
    this.names = new NameTable(this.table.names);
    capture?.start(this.table);
  }

  open(nameStart: number, nameEnd: number): void {
    const t = this.table;
    const name = this.names.read(this.source, nameStart, nameEnd);
    if (this.captured > 0) {
      this.captured++;
      this.capture!.open(name);
      return;
    }
    const parent = t.innermost;
    this.current = t.add(ELEMENT, name, t.attrSize, 0);
    t.enter(this.current);
    if (this.capture?.begins(name, parent)) {
      this.captured = 1;
      this.capturedTagAt = nameEnd;
    }
  }

  attribute(nameStart: number, nameEnd: number, valueStart: number, valueEnd: number, references: boolean): void {
    if (this.names.isNamespaceDeclaration(this.source, nameStart, nameEnd)) return;
    const name = this.names.read(this.source, nameStart, nameEnd);
    if (this.captured > 1) {
      this.capture!.attribute(name, valueStart, valueEnd, references);
      return;
    }
    this.table.addAttribute(name, valueStart, valueEnd, references);
    this.table.b[this.current]++;
    if (this.captured === 1) {
      // The captured root's attributes are rows too (its element is read through the tables).
      this.capture!.attribute(name, valueStart, valueEnd, references);
      this.capturedTagAt = valueEnd + 1;
    }
  }

  close(contentEnd: number): void {
    if (this.captured > 1) {
      this.captured--;
      this.capture!.close();
      return;
    }
    if (this.captured === 1) {
      this.captured = 0;
      // A subtree the capture does not hold gets its rows after all, from its part of the document.
      if (!this.capture!.end(this.table.innermost)) addRows(this.table, this.names, this.source.indexOf(GT, this.capturedTagAt) + 1, contentEnd);
    }
    this.table.leave();
    this.current = this.table.innermost;
  }

  text(start: number, end: number): void {
    if (this.captured === 0) this.table.add(TEXT, 0, start, end);
  }

  cdata(start: number, end: number): void {
    if (this.captured === 0) this.table.add(CDATA, 0, start, end);
  }
}

/**
 * The tree of a document that checkXmlDocument accepted. Exported for the test that proves the
 * second line of defence (a DTD that reached the reader still expands nothing); callers use parseXml.
 */
export function readXmlTree(input: string | Uint8Array, _limits: Pick<Limits, "documentDepth">, counts?: XmlCounts): XmlElement {
  return rootOf(buildTree(typeof input === "string" ? Buffer.from(input, "utf8") : documentBytes(input), counts));
}

/** The one root element of a built tree. */
function rootOf(table: NodeTable): XmlElement {
  let roots = 0,
    root = 0;
  for (let c = table.first[0]; c !== 0; c = table.next[c]) {
    if (table.kind[c] === ELEMENT) {
      roots++;
      root = c;
    }
  }
  if (roots !== 1) {
    throw new ParseError("XML_NO_ROOT", `expected one root element, found ${roots}`, { path: "/", value: roots });
  }
  return new XmlElement(table, root, `/${table.names[table.name[root]]}`);
}

const LT = 60,
  GT = 62,
  SLASH = 47,
  BANG = 33,
  QUESTION = 63,
  DQUOTE = 34,
  LBRACKET = 91,
  RBRACKET = 93;

function isSpace(c: number): boolean {
  return c === 0x20 || c === 0x9 || c === 0xa || c === 0xd;
}

/** The name characters the scan admitted (XML NameChar; every non-ASCII unit). */
function isNameChar(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 95 || c === 58 || c === 45 || c === 46 || c >= 0x80;
}

/** A qualified name without its prefix: Porta reads PMML by local names (namespaces are labels). */
function localName(qname: string): string {
  const colon = qname.indexOf(":");
  return colon < 0 ? qname : qname.slice(colon + 1);
}

/**
 * Builds the node tree in one pass with an explicit stack, from text the scan has
 * already proven well-formed. Hand-written because it is the hot path of loading large documents:
 * a general-purpose parser spent most of a million-element DataDictionary's load building its
 * tree. Attribute values and text stay as written (XmlElement decodes references); whitespace-only
 * text, comments, PIs and the XML declaration are dropped; namespace prefixes and `xmlns`
 * declarations are left out. Any other `<!…>` (a DTD, which the scan refuses) is skipped whole,
 * so even then nothing is ever expanded.
 */
function buildTree(bytes: Buffer, counts: XmlCounts | undefined): NodeTable {
  const table = new NodeTable(bytes, counts);
  const start = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0;
  addRows(table, new NameTable(table.names), start, bytes.length);
  return table;
}

/**
 * Adds the rows of bytes [from, to) of the table's document under its innermost open element,
 * as the scan's events would have (buildTree's reading): for a subtree a capture gave back, the
 * scan has accepted the part already (its attributes' references are then looked for here).
 */
function addRows(table: NodeTable, names: NameTable, from: number, to: number): void {
  const bytes = table.bytes;
  const n = to;
  let i = from;
  while (i < n) {
    let lt = bytes.indexOf(LT, i);
    if (lt >= n) lt = -1;
    const textEnd = lt < 0 ? n : lt;
    if (textEnd > i && table.innermost !== 0 && !whitespaceOnly(bytes, i, textEnd)) table.add(TEXT, 0, i, textEnd);
    if (lt < 0) break;
    const c1 = bytes[lt + 1];
    if (c1 === QUESTION) {
      i = bytes.indexOf("?>", lt + 2) + 2;
    } else if (c1 === BANG) {
      if (startsWithAscii(bytes, lt + 2, "--")) {
        i = bytes.indexOf("-->", lt + 4) + 3;
      } else if (startsWithAscii(bytes, lt + 2, "[CDATA[")) {
        const close = bytes.indexOf("]]>", lt + 9);
        table.add(CDATA, 0, lt + 9, close < 0 ? n : close);
        i = close < 0 ? n : close + 3;
      } else {
        i = skipDeclaration(bytes, lt);
      }
    } else if (c1 === SLASH) {
      table.leave();
      i = bytes.indexOf(GT, lt + 2) + 1;
    } else {
      i = startTag(table, lt, names);
    }
    if (i <= 0) break; // an unclosed construct in text the scan did not check (the defence test)
  }
}

function holdsReference(bytes: Uint8Array, start: number, end: number): boolean {
  for (let k = start; k < end; k++) if (bytes[k] === 38) return true;
  return false;
}

function startsWithAscii(bytes: Uint8Array, at: number, s: string): boolean {
  if (at + s.length > bytes.length) return false;
  for (let k = 0; k < s.length; k++) if (bytes[at + k] !== s.charCodeAt(k)) return false;
  return true;
}

function whitespaceOnly(bytes: Uint8Array, start: number, end: number): boolean {
  for (let k = start; k < end; k++) if (!isSpace(bytes[k])) return false;
  return true;
}

/** `<!…>` with an internal subset in brackets: skipped, never interpreted. */
function skipDeclaration(bytes: Uint8Array, at: number): number {
  let depth = 0;
  for (let j = at + 2; j < bytes.length; j++) {
    const c = bytes[j];
    if (c === LBRACKET) depth++;
    else if (c === RBRACKET) depth--;
    else if (c === GT && depth <= 0) return j + 1;
  }
  return bytes.length;
}

/**
 * Element and attribute names seen so far: a name is read by comparing the document's bytes with
 * the names already known, so a million `<Value value=…>` make no name strings. Ids index the
 * local names (prefix dropped) in the table's list; past 256 distinct names a new name is no
 * longer kept (a hostile document's names cannot grow the lookup) and each occurrence gets an id of its own.
 */
class NameTable {
  /**
   * Known qualified names by length and first byte (a key a name's first two reads give; names
   * up to 63 bytes in an array, longer ones in a map): where each was first seen, and its id.
   */
  private readonly short: ({ at: number; id: number }[] | undefined)[] = new Array(64 * 256);
  private readonly long = new Map<number, { at: number; id: number }[]>();
  private known = 0;

  constructor(private readonly names: string[]) {}

  /** The id of the name spanning [start, end) of `bytes`. */
  read(bytes: Buffer, start: number, end: number): number {
    const length = end - start;
    const key = length * 256 + bytes[start];
    const bucket = length < 64 ? this.short[key] : this.long.get(key);
    if (bucket !== undefined) {
      for (let e = 0; e < bucket.length; e++) {
        const entry = bucket[e];
        let k = 1;
        while (k < length && bytes[entry.at + k] === bytes[start + k]) k++;
        if (k >= length) return entry.id;
      }
    }
    const id = this.names.push(localName(textOf(bytes, start, end))) - 1;
    if (this.known < 256) {
      this.known++;
      if (bucket !== undefined) bucket.push({ at: start, id });
      else if (length < 64) this.short[key] = [{ at: start, id }];
      else this.long.set(key, [{ at: start, id }]);
    }
    return id;
  }

  /** Whether a name is a namespace declaration (`xmlns`, `xmlns:p`), which the tree leaves out. */
  isNamespaceDeclaration(bytes: Uint8Array, start: number, end: number): boolean {
    return (
      bytes[start] === 120 &&
      bytes[start + 1] === 109 &&
      bytes[start + 2] === 108 &&
      bytes[start + 3] === 110 &&
      bytes[start + 4] === 115 &&
      start + 5 <= end &&
      (end - start === 5 || bytes[start + 5] === 58)
    );
  }
}

/** A start tag at `<`: its row is appended to the open element (and opened unless `/>`). */
function startTag(table: NodeTable, lt: number, names: NameTable): number {
  const bytes = table.bytes;
  const n = bytes.length;
  let j = lt + 1;
  while (j < n && isNameChar(bytes[j])) j++;
  const name = names.read(bytes, lt + 1, j);
  const firstAttr = table.attrSize;
  for (;;) {
    while (j < n && isSpace(bytes[j])) j++;
    const c = bytes[j];
    if (c === GT || c === SLASH || j >= n) {
      const row = table.add(ELEMENT, name, firstAttr, table.attrSize - firstAttr);
      if (c === GT) table.enter(row);
      return c === SLASH ? j + 2 : j + 1;
    }
    const nameStart = j;
    while (j < n && isNameChar(bytes[j])) j++;
    const nameEnd = j;
    while (j < n && bytes[j] !== DQUOTE && bytes[j] !== 39) j++;
    const valueEnd = j < n ? bytes.indexOf(bytes[j], j + 1) : -1;
    if (valueEnd < 0) return n;
    if (!names.isNamespaceDeclaration(bytes, nameStart, nameEnd))
      table.addAttribute(names.read(bytes, nameStart, nameEnd), j + 1, valueEnd, holdsReference(bytes, j + 1, valueEnd));
    j = valueEnd + 1;
  }
}
