import { ParseError, type Limits } from "@porta/ir";

/**
 * One linear pass over the document text that decides, before any parser builds a tree, whether
 * the document is acceptable: well-formed XML 1.0 without any DTD markup, every character and
 * reference legal, nesting and element count within the limits.
 *
 * Why hand-written: fast-xml-parser's validator (used before) read attribute values one character
 * at a time into a growing string (a 50 MB attribute took minutes), its parser stopped at 100
 * levels with a plain Error, and a prolog check that looks for `<!DOCTYPE` with a regular expression can be
 * fooled by a processing instruction holding `<` (issue 11). This scanner follows the XML 1.0
 * grammar for what it skips — comments end at `-->`, PIs at `?>`, CDATA at `]]>`, attribute
 * values at their own quote — so nothing can hide a declaration from it, and it jumps over long
 * runs with indexOf where the grammar allows.
 */
export function checkXmlDocument(text: string, limits: Pick<Limits, "xmlElements" | "documentDepth">, sink?: XmlSink): XmlCounts {
  checkCharacters(text);
  const scanner = new Scanner(text, limits, false, sink);
  scanner.run();
  return { elements: scanner.elements, attributes: scanner.attributes };
}

/**
 * What the scan found, as it goes, for a tree builder that rides along (xml.ts): one pass over
 * the text instead of a scan and a second parse. Offsets are into the text; an element's events
 * come only after its checks passed, and the builder's tree is used only when the whole scan did.
 */
export interface XmlSink {
  /** A start tag's name [start, end). */
  open(nameStart: number, nameEnd: number): void;
  /** An attribute of the element just opened: its name and its value between the quotes. */
  attribute(nameStart: number, nameEnd: number, valueStart: number, valueEnd: number): void;
  /** The end of the innermost open element (an end tag, or `/>`). */
  close(): void;
  /** Character data inside the root element (references as written) that is not whitespace only (indentation is not reported). */
  text(start: number, end: number): void;
  /** A CDATA section's content. */
  cdata(start: number, end: number): void;
}

/** How many elements and attributes an accepted document has: the tree builder sizes its tables by them. */
export interface XmlCounts {
  elements: number;
  attributes: number;
}

/** Code points XML 1.0 §2.2 allows (Char): the reference check and the raw-text check share it. */
function isXmlChar(cp: number): boolean {
  return cp === 0x9 || cp === 0xa || cp === 0xd || (cp >= 0x20 && cp <= 0xd7ff) || (cp >= 0xe000 && cp <= 0xfffd) || (cp >= 0x10000 && cp <= 0x10ffff);
}

/** C0 controls other than tab, LF and CR, and the two non-characters U+FFFE and U+FFFF (XML 1.0 §2.2). */
const FORBIDDEN_CHARACTER = /[\u0001-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/**
 * Raw characters outside XML's Char production. A NUL has its own code: it is the usual sign of
 * a binary or UTF-16 file read as UTF-8, and C-based tools downstream truncate at it. The native
 * searches run at memory speed; the structural scan below never looks at characters again.
 */
function checkCharacters(text: string): void {
  const nul = text.indexOf("\u0000");
  if (nul >= 0) {
    throw new ParseError("XML_NUL_CHARACTER", `the document contains a NUL character (U+0000) at ${lineColumn(text, nul)}; XML does not allow it anywhere`, {
      path: pathAtOffset(text, nul),
      value: "U+0000",
    });
  }
  let at = text.search(FORBIDDEN_CHARACTER);
  // isWellFormed (ES2024, Node 20) answers natively; the regex only locates the surrogate.
  if (at < 0 && !(text as string & { isWellFormed(): boolean }).isWellFormed()) at = text.search(LONE_SURROGATE);
  if (at >= 0) {
    const value = `U+${text.charCodeAt(at).toString(16).toUpperCase().padStart(4, "0")}`;
    throw new ParseError("XML_INVALID_CHARACTER", `the document contains ${value} at ${lineColumn(text, at)}, which XML does not allow`, {
      path: pathAtOffset(text, at),
      value,
    });
  }
}

/** `line L, column C` (1-based) of an offset; only computed on the error path. */
export function lineColumn(text: string, offset: number): string {
  let line = 1,
    lineStart = 0;
  for (let i = text.indexOf("\n"); i >= 0 && i < offset; i = text.indexOf("\n", i + 1)) {
    line++;
    lineStart = i + 1;
  }
  return `line ${line}, column ${offset - lineStart + 1}`;
}

/**
 * The element path (`/PMML/DataDictionary/DataField`) open at an offset, for errors found before
 * the structural scan (characters). It re-scans up to the offset with every check off; cost only
 * on the error path.
 */
function pathAtOffset(text: string, offset: number): string {
  const s = new Scanner(text.slice(0, offset), { xmlElements: Infinity, documentDepth: Infinity }, true);
  try {
    s.run();
  } catch {
    // A prefix is usually not a whole document; the stack at the stop is what we want.
  }
  return s.path();
}

const LT = 60,
  GT = 62,
  AMP = 38,
  SLASH = 47,
  BANG = 33,
  QUESTION = 63,
  EQ = 61,
  DQUOTE = 34,
  SQUOTE = 39,
  SEMI = 59,
  RBRACKET = 93;

function isSpace(c: number): boolean {
  return c === 0x20 || c === 0x9 || c === 0xa || c === 0xd;
}

/** XML NameStartChar, with every non-ASCII code unit admitted (names are compared, not classified, past ASCII). */
function isNameStart(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95 || c === 58 || c >= 0x80;
}

function isNameChar(c: number): boolean {
  return isNameStart(c) || (c >= 48 && c <= 57) || c === 45 || c === 46;
}

/** The five entities XML predefines (§4.6); with DTDs refused, no other name can be declared. */
export const PREDEFINED_ENTITIES: Readonly<Record<string, string>> = Object.freeze({ lt: "<", gt: ">", amp: "&", apos: "'", quot: '"' });

class Scanner {
  private readonly n: number;
  /**
   * Open elements as offsets of their names in the text: no string is made per element (a
   * million small elements would otherwise be a million short-lived strings for the GC).
   */
  private readonly openStart: number[] = [];
  private readonly openEnd: number[] = [];
  private depth = 0;
  /** Name offsets of the current tag's attributes, reused across tags, for the duplicate check. */
  private readonly attrOffsets: number[] = [];
  elements = 0;
  attributes = 0;
  private rootSeen = false;
  private rootClosed = false;

  constructor(
    private readonly text: string,
    private readonly limits: Pick<Limits, "xmlElements" | "documentDepth">,
    private readonly lenient = false,
    private readonly sink?: XmlSink,
  ) {
    this.n = text.length;
  }

  /** The open elements, as a path; long chains keep their two ends. */
  path(suffix = ""): string {
    const s = this.openNames();
    if (s.length === 0) return "/" + suffix.replace(/^\//, "");
    const parts = s.length <= 12 ? s : [...s.slice(0, 6), `…(${s.length - 10} more)…`, ...s.slice(-4)];
    return "/" + parts.join("/") + suffix;
  }

  private openNames(): string[] {
    const names: string[] = [];
    for (let k = 0; k < this.depth; k++) names.push(this.text.slice(this.openStart[k], this.openEnd[k]));
    return names;
  }

  private lastOpenName(): string {
    return this.text.slice(this.openStart[this.depth - 1], this.openEnd[this.depth - 1]);
  }

  private sameName(aStart: number, aEnd: number, bStart: number, bEnd: number): boolean {
    if (aEnd - aStart !== bEnd - bStart) return false;
    for (let k = 0; k < aEnd - aStart; k++) if (this.text.charCodeAt(aStart + k) !== this.text.charCodeAt(bStart + k)) return false;
    return true;
  }

  private fail(code: string, message: string, offset: number, value: unknown, suffix = ""): never {
    throw new ParseError(code, `${message} (${lineColumn(this.text, offset)})`, { path: this.path(suffix), value });
  }

  private malformed(message: string, offset: number): never {
    const excerpt = this.text.slice(offset, offset + 40);
    this.fail("XML_MALFORMED", `not well-formed XML: ${message}`, offset, excerpt);
  }

  run(): void {
    const text = this.text;
    let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
    // The XML declaration may only open the document (§2.8); elsewhere `<?xml` is a reserved PI target.
    if (text.startsWith("<?xml", i) && (isSpace(text.charCodeAt(i + 5)) || text.startsWith("?>", i + 5))) {
      const end = text.indexOf("?>", i + 5);
      if (end < 0) this.malformed("the XML declaration is not closed", i);
      i = end + 2;
    }
    while (i < this.n) {
      const c = text.charCodeAt(i);
      if (c === LT) {
        i = this.markup(i);
      } else {
        i = this.charData(i);
      }
    }
    if (this.lenient) return;
    if (this.depth > 0) {
      const open = this.lastOpenName();
      this.fail("XML_MALFORMED", `not well-formed XML: the document ends inside <${open}> (truncated?)`, this.n, open);
    }
    if (!this.rootSeen) throw new ParseError("XML_NO_ROOT", "the document has no root element", { path: "/", value: 0 });
  }

  /** Text up to the next `<`: references checked; outside the root only whitespace is allowed. */
  private charData(start: number): number {
    const text = this.text;
    const inRoot = this.depth > 0;
    let i = start;
    // Indentation first, in a loop of its own: most character data of a large document is the
    // whitespace between tags, which needs no other check and is reported to no one.
    while (i < this.n && isSpace(text.charCodeAt(i))) i++;
    if (i >= this.n || text.charCodeAt(i) === LT) return i;
    for (; i < this.n; i++) {
      const c = text.charCodeAt(i);
      if (c === LT) break;
      if (!inRoot) {
        if (!isSpace(c)) this.malformed(this.rootClosed ? "text after the root element" : "text before the root element", i);
        continue;
      }
      if (c === AMP) i = this.reference(i, "") - 1;
      // `]]>` may not appear in content (§2.4): it would end a CDATA section that is not open.
      else if (c === GT && i >= start + 2 && text.charCodeAt(i - 1) === RBRACKET && text.charCodeAt(i - 2) === RBRACKET)
        this.malformed("']]>' in content", i - 2);
    }
    if (inRoot && this.sink !== undefined) this.sink.text(start, i);
    return i;
  }

  /** A reference at `&`; returns the offset after its `;`. */
  private reference(at: number, attrSuffix: string): number {
    const text = this.text;
    // References are short; the `;` is looked for in a bounded window so that many stray `&`
    // cannot each search the rest of a large document (quadratic time).
    let semi = -1;
    for (let j = at + 1, end = Math.min(this.n, at + 64); j < end; j++) {
      const c = text.charCodeAt(j);
      if (c === SEMI) {
        semi = j;
        break;
      }
      if (c === LT || c === AMP || c === DQUOTE || c === SQUOTE || isSpace(c)) break;
    }
    if (semi < 0) this.malformed("'&' that does not start a reference (write &amp;)", at);
    const body = text.slice(at + 1, semi);
    if (body.charCodeAt(0) === 35 /* # */) {
      const hex = body.charCodeAt(1) === 120 /* x */;
      const digits = body.slice(hex ? 2 : 1);
      if (!(hex ? /^[0-9A-Fa-f]+$/ : /^[0-9]+$/).test(digits)) this.malformed(`'&${body};' is not a character reference`, at);
      const cp = parseInt(digits, hex ? 16 : 10);
      if (!isXmlChar(cp)) {
        this.fail(
          "XML_INVALID_CHAR_REF",
          `the character reference &${body}; names a code point XML does not allow (XML 1.0 §4.1, Char)`,
          at,
          `&${body};`,
          attrSuffix,
        );
      }
      return semi + 1;
    }
    if (!Object.hasOwn(PREDEFINED_ENTITIES, body)) {
      if (body.length === 0 || !isNameStart(body.charCodeAt(0)) || ![...body].every((ch) => isNameChar(ch.charCodeAt(0)))) {
        this.malformed("'&' that does not start a reference (write &amp;)", at);
      }
      this.fail(
        "XML_UNDECLARED_ENTITY",
        `the entity &${body}; is not one of XML's five predefined entities (DTDs, which declare others, are not accepted)`,
        at,
        `&${body};`,
        attrSuffix,
      );
    }
    return semi + 1;
  }

  /** Markup at `<`; returns the offset after it. */
  private markup(at: number): number {
    const text = this.text;
    const c1 = text.charCodeAt(at + 1);
    if (c1 === QUESTION) {
      // A PI's content is not parsed (§2.6): no quoting, it ends at the first `?>`.
      if (text.startsWith("xml", at + 2) && (isSpace(text.charCodeAt(at + 5)) || text.startsWith("?>", at + 5))) {
        this.malformed("an XML declaration is only allowed at the start of the document", at);
      }
      if (!isNameStart(text.charCodeAt(at + 2))) this.malformed("a processing instruction without a target", at);
      const end = text.indexOf("?>", at + 2);
      if (end < 0) this.malformed("a processing instruction is not closed", at);
      return end + 2;
    }
    if (c1 === BANG) {
      if (text.startsWith("--", at + 2)) {
        const end = text.indexOf("-->", at + 4);
        if (end < 0) this.malformed("a comment is not closed", at);
        return end + 3;
      }
      if (text.startsWith("[CDATA[", at + 2)) {
        if (this.depth === 0) this.malformed("CDATA outside the root element", at);
        const end = text.indexOf("]]>", at + 9);
        if (end < 0) this.malformed("a CDATA section is not closed", at);
        this.sink?.cdata(at + 9, end);
        return end + 3;
      }
      // Any other `<!` is DTD markup (DOCTYPE, ENTITY, ELEMENT, ATTLIST, NOTATION) or garbage;
      // refused wherever it appears, prolog or content, before any parser sees it.
      if (this.lenient) return at + 2;
      const decl = /^<!([A-Za-z]*)/.exec(text.slice(at, at + 20))![1].toUpperCase();
      if (decl === "DOCTYPE" || decl === "ENTITY" || decl === "ELEMENT" || decl === "ATTLIST" || decl === "NOTATION") {
        this.fail(
          "XML_DOCTYPE_FORBIDDEN",
          `DTD markup (<!${decl}) is not accepted: it enables entity expansion and external entities`,
          at,
          text.slice(at, at + 80),
        );
      }
      this.malformed("'<!' that starts neither a comment nor CDATA", at);
    }
    if (c1 === SLASH) return this.endTag(at);
    return this.startTag(at);
  }

  private name(at: number): number {
    const text = this.text;
    if (!isNameStart(text.charCodeAt(at))) this.malformed("a name was expected", at);
    let i = at + 1;
    while (i < this.n && isNameChar(text.charCodeAt(i))) i++;
    return i;
  }

  private startTag(at: number): number {
    const text = this.text;
    if (this.depth === 0 && this.rootSeen && !this.lenient) this.malformed("a second root element", at);
    const nameEnd = this.name(at + 1);
    this.openStart[this.depth] = at + 1;
    this.openEnd[this.depth] = nameEnd;
    this.depth++;
    this.elements++;
    if (this.elements > this.limits.xmlElements) {
      this.fail("XML_TOO_MANY_ELEMENTS", `the document has more than ${this.limits.xmlElements} elements (limit xmlElements)`, at, this.elements);
    }
    this.rootSeen = true;
    if (this.depth > this.limits.documentDepth) {
      this.fail("XML_TOO_DEEP", `elements nest deeper than the limit of ${this.limits.documentDepth} (limit documentDepth)`, at, this.depth);
    }
    this.sink?.open(at + 1, nameEnd);
    let i = nameEnd;
    // Reused without truncation (setting length 0 gives the backing store up, and the next push
    // allocates it again, once per tag): `seen` entries are this tag's.
    const attrs = this.attrOffsets;
    let seen = 0;
    for (;;) {
      const spaceStart = i;
      while (i < this.n && isSpace(text.charCodeAt(i))) i++;
      if (i >= this.n) this.malformed(`the tag <${text.slice(at + 1, nameEnd)}> is not closed`, at);
      const c = text.charCodeAt(i);
      if (c === GT) return i + 1;
      if (c === SLASH) {
        if (text.charCodeAt(i + 1) !== GT) this.malformed(`'/' not followed by '>' in <${text.slice(at + 1, nameEnd)}>`, i);
        this.depth--;
        if (this.depth === 0) this.rootClosed = true;
        this.sink?.close();
        return i + 2;
      }
      if (i === spaceStart) this.malformed(`attributes of <${text.slice(at + 1, nameEnd)}> must be separated by whitespace`, i);
      const attrStart = i;
      const attrEnd = this.name(i);
      for (let k = 0; k < seen; k += 2) {
        if (this.sameName(attrs[k], attrs[k + 1], attrStart, attrEnd))
          this.malformed(`the attribute ${text.slice(attrStart, attrEnd)} appears twice in <${text.slice(at + 1, nameEnd)}>`, i);
      }
      attrs[seen++] = attrStart;
      attrs[seen++] = attrEnd;
      this.attributes++;
      i = attrEnd;
      while (i < this.n && isSpace(text.charCodeAt(i))) i++;
      if (text.charCodeAt(i) !== EQ) this.malformed(`the attribute ${text.slice(attrStart, attrEnd)} of <${text.slice(at + 1, nameEnd)}> has no value`, i);
      i++;
      while (i < this.n && isSpace(text.charCodeAt(i))) i++;
      const quote = text.charCodeAt(i);
      if (quote !== DQUOTE && quote !== SQUOTE)
        this.malformed(`the value of ${text.slice(attrStart, attrEnd)} in <${text.slice(at + 1, nameEnd)}> is not quoted`, i);
      const valueStart = i + 1;
      i = this.attributeValue(valueStart, quote, attrStart, attrEnd);
      this.sink?.attribute(attrStart, attrEnd, valueStart, i - 1);
    }
  }

  /** Characters of an attribute value after its opening quote; returns the offset after the closing quote. */
  private attributeValue(start: number, quote: number, attrStart: number, attrEnd: number): number {
    const text = this.text;
    for (let i = start; i < this.n; i++) {
      const c = text.charCodeAt(i);
      if (c === quote) return i + 1;
      if (c === LT) this.malformed(`'<' in the value of ${text.slice(attrStart, attrEnd)}`, i);
      if (c === AMP) i = this.reference(i, `/@${text.slice(attrStart, attrEnd)}`) - 1;
    }
    this.malformed(`the value of ${text.slice(attrStart, attrEnd)} is not closed`, start - 1);
  }

  private endTag(at: number): number {
    const text = this.text;
    const nameEnd = this.name(at + 2);
    let i = nameEnd;
    while (i < this.n && isSpace(text.charCodeAt(i))) i++;
    if (text.charCodeAt(i) !== GT) this.malformed(`the end tag </${text.slice(at + 2, nameEnd)}> is not closed`, at);
    if (this.depth === 0 || !this.sameName(this.openStart[this.depth - 1], this.openEnd[this.depth - 1], at + 2, nameEnd)) {
      if (this.lenient) return i + 1;
      const name = text.slice(at + 2, nameEnd);
      this.malformed(this.depth === 0 ? `the end tag </${name}> closes nothing` : `the end tag </${name}> does not match <${this.lastOpenName()}>`, at);
    }
    this.depth--;
    if (this.depth === 0) this.rootClosed = true;
    this.sink?.close();
    return i + 1;
  }
}

/** `&…;` in text that the scanner accepted. */
const REFERENCE = /&(#x[0-9A-Fa-f]+|#[0-9]+|[^;&]+);/g;

/**
 * Replaces the predefined entities and character references in text or an attribute value.
 * The tree builder (xml.ts) keeps text and attribute values as written and never expands an
 * entity (a second line of defence against DTD entities), so this is where they are decoded. The scanner has already refused anything else; an unknown name here is still a typed
 * error rather than text passed through.
 */
export function decodeReferences(raw: string, path: string): string {
  if (raw.indexOf("&") < 0) return raw;
  return raw.replace(REFERENCE, (ref: string, body: string) => {
    if (body.charCodeAt(0) === 35) {
      const cp = body.charCodeAt(1) === 120 ? parseInt(body.slice(2), 16) : parseInt(body.slice(1), 10);
      if (!isXmlChar(cp))
        throw new ParseError("XML_INVALID_CHAR_REF", `the character reference ${ref} names a code point XML does not allow`, { path, value: ref });
      return String.fromCodePoint(cp);
    }
    const replacement = Object.hasOwn(PREDEFINED_ENTITIES, body) ? PREDEFINED_ENTITIES[body] : undefined;
    if (replacement === undefined)
      throw new ParseError("XML_UNDECLARED_ENTITY", `the entity ${ref} is not one of XML's five predefined entities`, { path, value: ref });
    return replacement;
  });
}
