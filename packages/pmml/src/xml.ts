import { DEFAULT_LIMITS, ParseError, type Limits } from "@porta/ir";
import { checkXmlDocument, decodeReferences } from "./xml-check.ts";

/** The limits the XML reader enforces (from @porta/ir's one Limits module). */
export type XmlLimits = Pick<Limits, "documentBytes" | "xmlElements" | "documentDepth">;

const XML_WHITESPACE_ONLY = /^[ \t\r\n]*$/;

const ELEMENT = 0, TEXT = 1, CDATA = 2;

/**
 * One node of the document tree: an element (name, raw attributes as a flat name/value list,
 * children), a text run, or a CDATA section. One class, one shape: a million small elements are
 * a million cheap objects, not a million dictionaries.
 */
class XmlNode {
  constructor(
    readonly kind: typeof ELEMENT | typeof TEXT | typeof CDATA,
    readonly name: string,
    /** [name, raw value, name, raw value, …]; references are decoded when read. */
    readonly attrs: string[] | null,
    readonly children: XmlNode[],
    /** Raw text (TEXT, CDATA). */
    readonly text: string,
  ) {}
}

const NO_CHILDREN: XmlNode[] = Object.freeze([]) as unknown as XmlNode[];

/**
 * A read-only view of one element of the document tree (buildTree). Views are made on demand
 * while the document is converted to IR, so no second tree is ever built.
 */
export class XmlElement {
  readonly name: string;
  private readonly node: XmlNode;
  private decoded: Readonly<Record<string, string>> | undefined;
  /** The path is built when asked for (errors, IR nodes that keep it), not for every element: a DataField with a million Values would otherwise build a million strings nobody reads. */
  private pathText: string | undefined;

  /**
   * `parent` and `step` (`Value[3]`, or a bare name for child()) describe the path; the root is
   * made with its path as `step` and no parent.
   */
  constructor(node: XmlNode, step: string, private readonly parent?: XmlElement, private readonly index?: number) {
    this.node = node;
    this.name = node.name;
    this.pathText = parent === undefined ? step : undefined;
  }

  get path(): string {
    return (this.pathText ??= `${this.parent!.path}/${this.name}${this.index === undefined ? "" : `[${this.index}]`}`);
  }

  /** Every attribute, references decoded (namespace declarations left out, prefixes dropped). */
  get attrs(): Readonly<Record<string, string>> {
    if (this.decoded === undefined) {
      const out: Record<string, string> = Object.create(null) as Record<string, string>;
      const a = this.node.attrs;
      if (a !== null) for (let k = 0; k < a.length; k += 2) out[a[k]] = this.decode(a[k], a[k + 1]);
      this.decoded = out;
    }
    return this.decoded;
  }

  attr(name: string): string | undefined {
    const a = this.node.attrs;
    if (a === null) return undefined;
    for (let k = 0; k < a.length; k += 2) if (a[k] === name) return this.decode(name, a[k + 1]);
    return undefined;
  }

  private decode(name: string, raw: string): string {
    return raw.indexOf("&") < 0 ? raw : decodeReferences(raw, `${this.path}/@${name}`);
  }

  /** Child elements in document order, optionally only those named `name`. */
  children(name?: string): XmlElement[] {
    const out: XmlElement[] = [];
    const counts = new Map<string, number>();
    for (const node of this.node.children) {
      if (node.kind !== ELEMENT) continue;
      const n = (counts.get(node.name) ?? 0) + 1;
      counts.set(node.name, n);
      if (name === undefined || node.name === name) out.push(new XmlElement(node, node.name, this, n));
    }
    return out;
  }

  child(name: string): XmlElement | undefined {
    for (const node of this.node.children) {
      if (node.kind === ELEMENT && node.name === name) return new XmlElement(node, name, this);
    }
    return undefined;
  }

  /** Concatenated text content of this element (not of its children), references decoded, CDATA as is. */
  text(): string {
    let s = "";
    for (const node of this.node.children) {
      if (node.kind === TEXT) s += decodeReferences(node.text, this.path);
      else if (node.kind === CDATA) s += node.text;
    }
    return s;
  }

  /** Number of child nodes, elements and text alike (cheap size measure for inspect). */
  get childCount(): number {
    return this.node.children.length;
  }
}

/**
 * Parses XML safely: one linear pre-scan (xml-check.ts) refuses DTD markup anywhere, illegal
 * characters and references, malformed structure, and documents past the size, element-count
 * and depth limits, each with its own typed error; only then is the tree built (buildTree), which
 * never expands an entity, as a second line of defence.
 */
export function parseXml(text: string, limits: XmlLimits = DEFAULT_LIMITS): XmlElement {
  // Characters are a lower bound on UTF-8 bytes: the exact count is only needed near the limit.
  if (text.length > limits.documentBytes || (text.length * 3 > limits.documentBytes && Buffer.byteLength(text, "utf8") > limits.documentBytes)) {
    const bytes = Buffer.byteLength(text, "utf8");
    throw new ParseError("DOCUMENT_TOO_LARGE", `the document has ${bytes} bytes, more than the limit of ${limits.documentBytes} (limit documentBytes)`, { path: "/", value: bytes });
  }
  checkXmlDocument(text, limits);
  return readXmlTree(text, limits);
}

/**
 * The tree of a document that checkXmlDocument accepted. Exported for the test that proves the
 * second line of defence (a DTD that reached the reader still expands nothing); callers use parseXml.
 */
export function readXmlTree(text: string, _limits: Pick<Limits, "documentDepth">): XmlElement {
  const nodes = buildTree(text);
  const roots = nodes.filter((n) => n.kind === ELEMENT);
  if (roots.length !== 1) {
    throw new ParseError("XML_NO_ROOT", `expected one root element, found ${roots.length}`, { path: "/", value: roots.length });
  }
  const root = roots[0];
  return new XmlElement(root, `/${root.name}`);
}

const GT = 62, SLASH = 47, BANG = 33, QUESTION = 63, DQUOTE = 34, LBRACKET = 91, RBRACKET = 93;

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
function buildTree(text: string): XmlNode[] {
  const top: XmlNode[] = [];
  const stack: XmlNode[][] = [top];
  const names = new NameTable();
  const n = text.length;
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  while (i < n) {
    const lt = text.indexOf("<", i);
    const textEnd = lt < 0 ? n : lt;
    if (textEnd > i && stack.length > 1) {
      const t = text.slice(i, textEnd);
      if (!XML_WHITESPACE_ONLY.test(t)) stack[stack.length - 1].push(new XmlNode(TEXT, "", null, NO_CHILDREN, t));
    }
    if (lt < 0) break;
    const c1 = text.charCodeAt(lt + 1);
    if (c1 === QUESTION) {
      i = text.indexOf("?>", lt + 2) + 2;
    } else if (c1 === BANG) {
      if (text.startsWith("--", lt + 2)) {
        i = text.indexOf("-->", lt + 4) + 3;
      } else if (text.startsWith("[CDATA[", lt + 2)) {
        const close = text.indexOf("]]>", lt + 9);
        stack[stack.length - 1].push(new XmlNode(CDATA, "", null, NO_CHILDREN, text.slice(lt + 9, close)));
        i = close + 3;
      } else {
        i = skipDeclaration(text, lt);
      }
    } else if (c1 === SLASH) {
      if (stack.length > 1) stack.pop();
      i = text.indexOf(">", lt + 2) + 1;
    } else {
      i = startTag(text, lt, stack, names);
    }
    if (i <= 0) break; // an unclosed construct in text the scan did not check (the defence test)
  }
  return top;
}

/** `<!…>` with an internal subset in brackets: skipped, never interpreted. */
function skipDeclaration(text: string, at: number): number {
  let depth = 0;
  for (let j = at + 2; j < text.length; j++) {
    const c = text.charCodeAt(j);
    if (c === LBRACKET) depth++;
    else if (c === RBRACKET) depth--;
    else if (c === GT && depth <= 0) return j + 1;
  }
  return text.length;
}

/**
 * Element and attribute names seen so far: a name is read by comparing the text with the names
 * already known, so a million `<Value value=…>` make no name strings (most of a large document's
 * garbage otherwise, and the garbage collector was most of its load time).
 */
class NameTable {
  private readonly names: string[] = [];

  /** The name spanning [start, end) of `text`, as one shared string per distinct name. */
  read(text: string, start: number, end: number): string {
    const length = end - start;
    for (const name of this.names) if (name.length === length && text.startsWith(name, start)) return name;
    const name = text.slice(start, end);
    if (this.names.length < 256) this.names.push(name);
    return name;
  }
}

/** A start tag at `<`: its node is appended to the open element (and opened unless `/>`). */
function startTag(text: string, lt: number, stack: XmlNode[][], names: NameTable): number {
  const n = text.length;
  let j = lt + 1;
  while (j < n && isNameChar(text.charCodeAt(j))) j++;
  const name = localName(names.read(text, lt + 1, j));
  let attrs: string[] | null = null;
  for (;;) {
    while (j < n && isSpace(text.charCodeAt(j))) j++;
    const c = text.charCodeAt(j);
    if (c === GT || c === SLASH || j >= n) {
      // An empty element shares the one empty child list (most elements of a big document are).
      const node = new XmlNode(ELEMENT, name, attrs, c === GT ? [] : NO_CHILDREN, "");
      stack[stack.length - 1].push(node);
      if (c === GT) stack.push(node.children);
      return c === SLASH ? j + 2 : j + 1;
    }
    const nameStart = j;
    while (j < n && isNameChar(text.charCodeAt(j))) j++;
    const attrName = names.read(text, nameStart, j);
    while (j < n && text.charCodeAt(j) !== DQUOTE && text.charCodeAt(j) !== 39) j++;
    const valueEnd = text.indexOf(text[j], j + 1);
    if (valueEnd < 0) return n;
    if (attrName !== "xmlns" && !attrName.startsWith("xmlns:")) (attrs ??= []).push(localName(attrName), text.slice(j + 1, valueEnd));
    j = valueEnd + 1;
  }
}
