import { XMLParser, XMLValidator } from "fast-xml-parser";
import { ParseError } from "@porta/ir";

/** Limits that keep a hostile document from exhausting memory or the stack. */
export interface XmlLimits {
  /** Largest document accepted, in characters. */
  maxChars: number;
  /** Deepest element nesting accepted. */
  maxDepth: number;
}

export const DEFAULT_XML_LIMITS: XmlLimits = { maxChars: 512 * 1024 * 1024, maxDepth: 4096 };

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

  constructor(node: RawNode, readonly path: string) {
    this.name = tagOf(node);
    this.raw = (node[this.name] as RawNode[] | undefined) ?? [];
    this.attrs = (node[":@"] as Record<string, string> | undefined) ?? {};
  }

  attr(name: string): string | undefined {
    return this.attrs[name];
  }

  /** Child elements in document order, optionally only those named `name`. */
  children(name?: string): XmlElement[] {
    const out: XmlElement[] = [];
    const counts = new Map<string, number>();
    for (const node of this.raw) {
      if ("#text" in node) continue;
      const tag = tagOf(node);
      const n = (counts.get(tag) ?? 0) + 1;
      counts.set(tag, n);
      if (name === undefined || tag === name) out.push(new XmlElement(node, `${this.path}/${tag}[${n}]`));
    }
    return out;
  }

  child(name: string): XmlElement | undefined {
    for (const node of this.raw) {
      if (!("#text" in node) && tagOf(node) === name) return new XmlElement(node, `${this.path}/${name}`);
    }
    return undefined;
  }

  /** Concatenated text content of this element (not of its children). */
  text(): string {
    let s = "";
    for (const node of this.raw) if ("#text" in node) s += String(node["#text"]);
    return s;
  }

  /** Number of child nodes, elements and text alike (cheap size measure for inspect). */
  get childCount(): number {
    return this.raw.length;
  }
}

function tagOf(node: RawNode): string {
  for (const k in node) if (k !== ":@") return k;
  return "";
}

/**
 * Parses XML safely: DTDs (and with them entity expansion and external entities) are refused,
 * the text is validated for well-formedness first, and size and nesting are bounded.
 */
export function parseXml(text: string, limits: XmlLimits = DEFAULT_XML_LIMITS): XmlElement {
  if (text.length > limits.maxChars) {
    throw new ParseError("XML_TOO_LARGE", `document has ${text.length} characters, more than the limit of ${limits.maxChars}`, { path: "/", value: text.length });
  }
  rejectDtd(text);
  const depth = maxDepth(text);
  if (depth > limits.maxDepth) {
    throw new ParseError("XML_TOO_DEEP", `elements nest ${depth} deep, more than the limit of ${limits.maxDepth}`, { path: "/", value: depth });
  }
  const validation = XMLValidator.validate(text, { allowBooleanAttributes: false });
  if (validation !== true) {
    const { code, msg, line, col } = validation.err;
    throw new ParseError("XML_MALFORMED", `not well-formed XML: ${msg} (line ${line}, column ${col})`, { path: "/", value: code });
  }
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
    processEntities: true,
    // Needed for numeric character references (&#10;, &#x41;); fast-xml-parser ties them to this flag.
    htmlEntities: true,
    commentPropName: false,
  });
  const nodes = parser.parse(text) as RawNode[];
  const roots = nodes.filter((n) => !("#text" in n));
  if (roots.length !== 1) {
    throw new ParseError("XML_NO_ROOT", `expected one root element, found ${roots.length}`, { path: "/", value: roots.length });
  }
  const root = roots[0];
  return new XmlElement(root, `/${tagOf(root)}`);
}

function rejectDtd(text: string): void {
  // A DOCTYPE can only precede the root element; looking at the prolog is enough.
  const rootStart = findRootStart(text);
  const prolog = text.slice(0, rootStart < 0 ? Math.min(text.length, 65536) : rootStart);
  const at = prolog.search(/<!DOCTYPE/i);
  if (at >= 0) {
    throw new ParseError("XML_DOCTYPE_FORBIDDEN", "DOCTYPE declarations are not accepted (they enable entity expansion and external entities)", { path: "/", value: prolog.slice(at, at + 80) });
  }
  if (/<!ENTITY/i.test(prolog)) {
    throw new ParseError("XML_ENTITY_FORBIDDEN", "ENTITY declarations are not accepted", { path: "/", value: "<!ENTITY" });
  }
}

/** Index of the first `<` that opens an element (not `<?`, `<!`). */
function findRootStart(text: string): number {
  let i = 0;
  for (;;) {
    i = text.indexOf("<", i);
    if (i < 0 || i + 1 >= text.length) return -1;
    const c = text.charCodeAt(i + 1);
    if (c !== 63 /* ? */ && c !== 33 /* ! */) return i;
    if (text.startsWith("<!--", i)) {
      const end = text.indexOf("-->", i + 4);
      if (end < 0) return -1;
      i = end + 3;
    } else {
      i += 2;
    }
  }
}

/** Maximum element nesting, by a cheap scan of tags (comments and CDATA skipped). */
function maxDepth(text: string): number {
  let depth = 0, max = 0, i = 0;
  const n = text.length;
  while (i < n) {
    i = text.indexOf("<", i);
    if (i < 0) break;
    const c = text.charCodeAt(i + 1);
    if (c === 47 /* / */) {
      depth--;
    } else if (c === 33 /* ! */) {
      if (text.startsWith("<!--", i)) { const e = text.indexOf("-->", i); i = e < 0 ? n : e + 3; continue; }
      if (text.startsWith("<![CDATA[", i)) { const e = text.indexOf("]]>", i); i = e < 0 ? n : e + 3; continue; }
    } else if (c !== 63 /* ? */) {
      const close = text.indexOf(">", i);
      if (close < 0) break;
      if (text.charCodeAt(close - 1) !== 47) {
        depth++;
        if (depth > max) max = depth;
      }
      i = close + 1;
      continue;
    }
    i++;
  }
  return max;
}
