import { XMLParser } from "fast-xml-parser";
import { DEFAULT_LIMITS, ParseError, type Limits } from "@porta/ir";
import { checkXmlDocument, decodeReferences } from "./xml-check.ts";

/** The limits the XML reader enforces (from @porta/ir's one Limits module). */
export type XmlLimits = Pick<Limits, "documentBytes" | "xmlElements" | "documentDepth">;

type RawNode = Record<string, unknown>;

const XML_WHITESPACE_ONLY = /^[ \t\r\n]*$/;

/**
 * A read-only view of one element of fast-xml-parser's order-preserving output. Views are made
 * on demand while the document is converted to IR, so no second tree is ever built.
 */
export class XmlElement {
  readonly name: string;
  readonly attrs: Readonly<Record<string, string>>;
  private readonly raw: RawNode[];
  /** The path is built when asked for (errors, IR nodes that keep it), not for every element: a DataField with a million Values would otherwise build a million strings nobody reads. */
  private pathText: string | undefined;

  /**
   * `parent` and `step` (`Value[3]`, or a bare name for child()) describe the path; the root is
   * made with its path as `step` and no parent.
   */
  constructor(node: RawNode, step: string, private readonly parent?: XmlElement, private readonly index?: number) {
    this.name = tagOf(node);
    this.raw = (node[this.name] as RawNode[] | undefined) ?? [];
    this.pathText = parent === undefined ? step : undefined;
    const attrs = node[":@"] as Record<string, string> | undefined;
    this.attrs = attrs === undefined ? NO_ATTRIBUTES : decodeAttributes(attrs, this);
  }

  get path(): string {
    return (this.pathText ??= `${this.parent!.path}/${this.name}${this.index === undefined ? "" : `[${this.index}]`}`);
  }

  attr(name: string): string | undefined {
    return this.attrs[name];
  }

  /** Child elements in document order, optionally only those named `name`. */
  children(name?: string): XmlElement[] {
    const out: XmlElement[] = [];
    const counts = new Map<string, number>();
    for (const node of this.raw) {
      if (isCharacterData(node)) continue;
      const tag = tagOf(node);
      const n = (counts.get(tag) ?? 0) + 1;
      counts.set(tag, n);
      if (name === undefined || tag === name) out.push(new XmlElement(node, tag, this, n));
    }
    return out;
  }

  child(name: string): XmlElement | undefined {
    for (const node of this.raw) {
      if (!isCharacterData(node) && tagOf(node) === name) return new XmlElement(node, name, this);
    }
    return undefined;
  }

  /** Concatenated text content of this element (not of its children), references decoded, CDATA as is. */
  text(): string {
    let s = "";
    for (const node of this.raw) {
      if ("#text" in node) s += decodeReferences(String(node["#text"]), this.path);
      else if ("#cdata" in node) for (const part of node["#cdata"] as RawNode[]) s += String(part["#text"] ?? "");
    }
    return s;
  }

  /** Number of child nodes, elements and text alike (cheap size measure for inspect). */
  get childCount(): number {
    return this.raw.length;
  }
}

/** Text and CDATA nodes of the order-preserving output (CDATA is kept apart so that it is not decoded). */
function isCharacterData(node: RawNode): boolean {
  return "#text" in node || "#cdata" in node;
}

const NO_ATTRIBUTES: Readonly<Record<string, string>> = Object.freeze({});

function decodeAttributes(raw: Record<string, string>, el: XmlElement): Readonly<Record<string, string>> {
  let decoded: Record<string, string> | undefined;
  for (const name in raw) {
    const value = raw[name];
    if (value.indexOf("&") < 0) continue;
    decoded ??= { ...raw };
    decoded[name] = decodeReferences(value, `${el.path}/@${name}`);
  }
  return decoded ?? raw;
}

function tagOf(node: RawNode): string {
  for (const k in node) if (k !== ":@") return k;
  return "";
}

/**
 * Parses XML safely: one linear pre-scan (xml-check.ts) refuses DTD markup anywhere, illegal
 * characters and references, malformed structure, and documents past the size, element-count
 * and depth limits, each with its own typed error; only then does fast-xml-parser build the tree,
 * with its own entity processing off as a second line of defence.
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
 * second line of defence (a DTD that reached the parser still expands nothing); callers use parseXml.
 */
export function readXmlTree(text: string, limits: Pick<Limits, "documentDepth">): XmlElement {
  const parser = new XMLParser({
    preserveOrder: true,
    ignoreAttributes: false,
    attributeNamePrefix: "",
    removeNSPrefix: true,
    parseTagValue: false,
    parseAttributeValue: false,
    // Attribute values are data ("  a" is not "a"); only whitespace-only text between elements is dropped.
    trimValues: false,
    tagValueProcessor: (_tag: string, value: string) => (XML_WHITESPACE_ONLY.test(value) ? "" : value),
    ignoreDeclaration: true,
    ignorePiTags: true,
    // Entities stay as written and are decoded by XmlElement (decodeReferences): were a DTD ever
    // to get past the scan, its entities would still never be expanded.
    processEntities: false,
    htmlEntities: false,
    // CDATA apart from text, so that its `&amp;` stays literal when text is decoded.
    cdataPropName: "#cdata",
    commentPropName: false,
    // The scan has enforced documentDepth; the parser's own default (100) would otherwise refuse
    // real tree models with a plain Error.
    maxNestedTags: limits.documentDepth + 1,
    // Callbacks get a matcher rather than a path string built per tag (measurably faster).
    jPath: false,
  });
  let nodes: RawNode[];
  try {
    nodes = parser.parse(text) as RawNode[];
  } catch (e) {
    // What the scan let through and the parser still rejects (a processing instruction whose
    // target is no XML name, say) is malformed XML, never a plain Error.
    if (e instanceof ParseError) throw e;
    throw new ParseError("XML_MALFORMED", `the document is not well-formed XML: ${e instanceof Error ? e.message : String(e)}`, { path: "/", value: null });
  }
  const roots = nodes.filter((n) => !isCharacterData(n));
  if (roots.length !== 1) {
    throw new ParseError("XML_NO_ROOT", `expected one root element, found ${roots.length}`, { path: "/", value: roots.length });
  }
  const root = roots[0];
  return new XmlElement(root, `/${tagOf(root)}`);
}
