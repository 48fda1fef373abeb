import { isAscii, isUtf8 } from "node:buffer";
import { ParseError, type Limits } from "@porta/ir";

/**
 * One linear pass over the document that decides, before any parser builds a tree, whether the
 * document is acceptable: well-formed XML 1.0 without any DTD markup, every character and
 * reference legal, nesting and element count within the limits.
 *
 * Why hand-written: fast-xml-parser's validator (used before) read attribute values one character
 * at a time into a growing string (a 50 MB attribute took minutes), its parser stopped at 100
 * levels with a plain Error, and a prolog check that looks for `<!DOCTYPE` with a regular expression can be
 * fooled by a processing instruction holding `<` (issue 11). This scanner follows the XML 1.0
 * grammar for what it skips — comments end at `-->`, PIs at `?>`, CDATA at `]]>`, attribute
 * values at their own quote — so nothing can hide a declaration from it, and it jumps over long
 * runs with indexOf where the grammar allows.
 *
 * It reads the document's UTF-8 bytes, not a decoded string (issue 14: decoding a 100 MB forest
 * was 0.4 s and 100 MB of string, for markup that is ASCII): every character XML gives a meaning
 * is ASCII, and no byte of a multi-byte UTF-8 character is (they are all 0x80 and above, which the
 * scanner reads as name characters, as it read every non-ASCII code unit of a string). Bytes that
 * are not UTF-8 are first decoded with replacement characters and encoded again (documentBytes),
 * as reading them as text did. Offsets are byte offsets; what a message shows (names, excerpts,
 * line and column in UTF-16 code units) is decoded from them as the string reading showed it.
 */
export function checkXmlDocument(input: string | Uint8Array, limits: Pick<Limits, "xmlElements" | "documentDepth">, sink?: XmlSink): XmlCounts {
  return typeof input === "string" ? checkXmlBytes(Buffer.from(input, "utf8"), limits, sink, input) : checkXmlBytes(documentBytes(input), limits, sink);
}

/**
 * checkXmlDocument of bytes documentBytes made (or a string's encoding, `text` being that
 * string: its lone surrogates, which encoding replaced, are refused from it).
 */
export function checkXmlBytes(bytes: Buffer, limits: Pick<Limits, "xmlElements" | "documentDepth">, sink?: XmlSink, text?: string): XmlCounts {
  // Characters XML refuses are met by the structural scan, which reads every byte outside names
  // (C0 controls), or found by native searches (lone surrogates in a string; U+FFFE and U+FFFF,
  // only in a document that is not all ASCII). Whatever error comes first, the document's first
  // refused character is reported instead (checkCharacters), as a check of every character before the scan did.
  if (text !== undefined && !(text as string & { isWellFormed(): boolean }).isWellFormed()) checkCharacters(bytes, text);
  if (!isAscii(bytes) && (bytes.indexOf(U_FFFE) >= 0 || bytes.indexOf(U_FFFF) >= 0)) checkCharacters(bytes, text);
  const scanner = new Scanner(bytes, limits, false, sink, text);
  scanner.run();
  return { elements: scanner.elements, attributes: scanner.attributes };
}

/**
 * A document's bytes as the scanner reads them: UTF-8 as given (a Buffer over the same memory),
 * or, when they are not UTF-8, decoded with replacement characters (U+FFFD) and encoded again,
 * which is what reading the file as text made of them.
 */
export function documentBytes(input: Uint8Array): Buffer {
  const bytes = Buffer.isBuffer(input) ? input : Buffer.from(input.buffer, input.byteOffset, input.byteLength);
  return isUtf8(bytes) ? bytes : Buffer.from(bytes.toString("utf8"), "utf8");
}

/** Bytes [start, end) of a document as text. */
export function textOf(bytes: Buffer, start: number, end: number): string {
  return bytes.toString("utf8", start, end);
}

/** At most `units` UTF-16 code units of the text from byte `start` on (an excerpt; at most 3 bytes a unit). */
function excerptOf(bytes: Buffer, start: number, units: number): string {
  return textOf(bytes, start, Math.min(bytes.length, start + 3 * units + 3)).slice(0, units);
}

/**
 * What a scan reports, as it goes, to a tree builder that rides along (xml.ts): one pass over
 * the document instead of a scan and a second parse. Offsets are byte offsets; an element's
 * events come only after its checks passed, and the builder's tree is used only when the whole scan did.
 */
export interface XmlSink {
  /** A start tag's name [start, end). */
  open(nameStart: number, nameEnd: number): void;
  /** An attribute of the element just opened: its name, its value between the quotes, and whether the value holds a reference (`&…;`). */
  attribute(nameStart: number, nameEnd: number, valueStart: number, valueEnd: number, references: boolean): void;
  /** The end of the innermost open element (an end tag, or `/>`): the offset where its content ends (the end tag's `<`; `/>`'s `/`). */
  close(contentEnd: number): void;
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

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const U_FFFE = Buffer.from([0xef, 0xbf, 0xbe]),
  U_FFFF = Buffer.from([0xef, 0xbf, 0xbf]);

/**
 * Throws for the document's first raw character outside XML's Char production: C0 controls
 * other than tab, LF and CR, the two non-characters U+FFFE and U+FFFF (XML 1.0 §2.2), and in a
 * string, lone surrogates (bytes that are UTF-8 hold none). A NUL, anywhere, comes first, with a
 * code of its own: it is the usual sign of a binary or UTF-16 file read as UTF-8, and C-based
 * tools downstream truncate at it. Called on the error path (see checkXmlBytes).
 */
function checkCharacters(bytes: Buffer, text: string | undefined): void {
  const nul = bytes.indexOf(0);
  if (nul >= 0) {
    throw new ParseError("XML_NUL_CHARACTER", `the document contains a NUL character (U+0000) at ${lineColumn(bytes, nul)}; XML does not allow it anywhere`, {
      path: pathAtOffset(bytes, nul),
      value: "U+0000",
    });
  }
  let at = firstControl(bytes);
  let code = at >= 0 ? bytes[at] : -1;
  for (const [sequence, cp] of [
    [U_FFFE, 0xfffe],
    [U_FFFF, 0xffff],
  ] as const) {
    const k = bytes.indexOf(sequence);
    if (k >= 0 && (at < 0 || k < at)) {
      at = k;
      code = cp;
    }
  }
  if (at >= 0) invalidCharacter(code, lineColumn(bytes, at), pathAtOffset(bytes, at));
  // isWellFormed (ES2024, Node 20) answers natively; the regex only locates the surrogate.
  if (text !== undefined && !(text as string & { isWellFormed(): boolean }).isWellFormed()) {
    const k = text.search(LONE_SURROGATE);
    invalidCharacter(text.charCodeAt(k), lineColumnOfText(text, k), pathAtOffset(Buffer.from(text.slice(0, k), "utf8"), Infinity));
  }
}

function invalidCharacter(code: number, where: string, path: string): never {
  const value = `U+${code.toString(16).toUpperCase().padStart(4, "0")}`;
  throw new ParseError("XML_INVALID_CHARACTER", `the document contains ${value} at ${where}, which XML does not allow`, { path, value });
}

/** Whether byte c is a C0 control XML refuses (all but tab, LF and CR). */
function isForbiddenControl(c: number): boolean {
  return c < 0x20 && c !== 0x9 && c !== 0xa && c !== 0xd;
}

/**
 * The offset of the first forbidden C0 control, or -1. Four bytes at a time: a word holds a byte
 * below 0x20 exactly when (w - 0x20202020) & ~w & 0x80808080 is not 0, and only such words
 * (those with line breaks and tabs, mostly) are looked at byte by byte.
 */
function firstControl(bytes: Buffer): number {
  const n = bytes.length;
  let i = 0;
  // Bytes up to a 4-byte boundary of the underlying memory, then whole words, then the rest.
  while (i < n && (bytes.byteOffset + i) % 4 !== 0) {
    if (isForbiddenControl(bytes[i])) return i;
    i++;
  }
  const words = (n - i) >> 2;
  const view = new Int32Array(bytes.buffer, bytes.byteOffset + i, words);
  for (let w = 0; w < words; w++) {
    const x = view[w];
    if (((x - 0x20202020) & ~x & 0x80808080) !== 0) {
      const at = i + 4 * w;
      for (let k = at; k < at + 4; k++) if (isForbiddenControl(bytes[k])) return k;
    }
  }
  for (let k = i + 4 * words; k < n; k++) if (isForbiddenControl(bytes[k])) return k;
  return -1;
}

/** `line L, column C` (1-based; the column in UTF-16 code units) of a byte offset; only computed on the error path. */
export function lineColumn(bytes: Buffer, offset: number): string {
  let line = 1,
    lineStart = 0;
  for (let i = bytes.indexOf(10); i >= 0 && i < offset; i = bytes.indexOf(10, i + 1)) {
    line++;
    lineStart = i + 1;
  }
  return `line ${line}, column ${textOf(bytes, lineStart, offset).length + 1}`;
}

/** lineColumn of a string and an offset in its code units. */
function lineColumnOfText(text: string, offset: number): string {
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
function pathAtOffset(bytes: Buffer, offset: number): string {
  const s = new Scanner(bytes.subarray(0, Math.min(offset, bytes.length)), { xmlElements: Infinity, documentDepth: Infinity }, true);
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

/** Name characters of a byte (XML NameChar; every byte of a multi-byte character), as a table. */
const NAME_BYTES = Uint8Array.from({ length: 256 }, (_x, c) => (isNameChar(c) ? 1 : 0));

/** Bytes an attribute value's scan stops at: quotes, `<`, `&` and the controls XML refuses. */
const VALUE_STOPS = Uint8Array.from({ length: 256 }, (_x, c) => (c === DQUOTE || c === SQUOTE || c === LT || c === AMP || isForbiddenControl(c) ? 1 : 0));

/** Whether the ASCII text `s` is at byte `at`. */
function bytesAt(bytes: Uint8Array, at: number, s: string): boolean {
  if (at + s.length > bytes.length) return false;
  for (let k = 0; k < s.length; k++) if (bytes[at + k] !== s.charCodeAt(k)) return false;
  return true;
}

/** The five entities XML predefines (§4.6); with DTDs refused, no other name can be declared. */
export const PREDEFINED_ENTITIES: Readonly<Record<string, string>> = Object.freeze({ lt: "<", gt: ">", amp: "&", apos: "'", quot: '"' });

class Scanner {
  private readonly n: number;
  /**
   * Open elements as offsets of their names: no string is made per element (a million small
   * elements would otherwise be a million short-lived strings for the GC).
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
  /** Whether the attribute value read last held a reference. */
  private valueReferences = false;

  constructor(
    private readonly bytes: Buffer,
    private readonly limits: Pick<Limits, "xmlElements" | "documentDepth">,
    private readonly lenient = false,
    private readonly sink?: XmlSink,
    /** The document as a string, when it was given as one (its lone surrogates, see checkCharacters). */
    private readonly text?: string,
  ) {
    this.n = bytes.length;
  }

  /** A refused character was met (or an error is about to be reported): the document's first one is reported, if it has one. */
  private checkCharacters(): void {
    if (!this.lenient) checkCharacters(this.bytes, this.text);
  }

  /** Refused controls in bytes [start, end), which the scan skips without reading (comments, PIs, CDATA). */
  private checkRange(start: number, end: number): void {
    const bytes = this.bytes;
    for (let i = start; i < end; i++) if (bytes[i] < 0x20 && isForbiddenControl(bytes[i])) this.checkCharacters();
  }

  /** Bytes [start, end) as text. */
  private str(start: number, end: number): string {
    return textOf(this.bytes, start, end);
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
    for (let k = 0; k < this.depth; k++) names.push(this.str(this.openStart[k], this.openEnd[k]));
    return names;
  }

  private lastOpenName(): string {
    return this.str(this.openStart[this.depth - 1], this.openEnd[this.depth - 1]);
  }

  private sameName(aStart: number, aEnd: number, bStart: number, bEnd: number): boolean {
    if (aEnd - aStart !== bEnd - bStart) return false;
    const bytes = this.bytes;
    for (let k = 0; k < aEnd - aStart; k++) if (bytes[aStart + k] !== bytes[bStart + k]) return false;
    return true;
  }

  private fail(code: string, message: string, offset: number, value: unknown, suffix = ""): never {
    this.checkCharacters();
    throw new ParseError(code, `${message} (${lineColumn(this.bytes, offset)})`, { path: this.path(suffix), value });
  }

  private malformed(message: string, offset: number): never {
    this.fail("XML_MALFORMED", `not well-formed XML: ${message}`, offset, excerptOf(this.bytes, offset, 40));
  }

  run(): void {
    const bytes = this.bytes;
    // A byte order mark (U+FEFF, EF BB BF) may open the document.
    let i = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0;
    // The XML declaration may only open the document (§2.8); elsewhere `<?xml` is a reserved PI target.
    if (bytesAt(bytes, i, "<?xml") && (isSpace(bytes[i + 5]) || bytesAt(bytes, i + 5, "?>"))) {
      const end = bytes.indexOf("?>", i + 5);
      if (end < 0) this.malformed("the XML declaration is not closed", i);
      this.checkRange(i, end);
      i = end + 2;
    }
    while (i < this.n) {
      if (bytes[i] === LT) {
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
    if (!this.rootSeen) {
      this.checkCharacters();
      throw new ParseError("XML_NO_ROOT", "the document has no root element", { path: "/", value: 0 });
    }
  }

  /** Text up to the next `<`: references checked; outside the root only whitespace is allowed. */
  private charData(start: number): number {
    const bytes = this.bytes;
    const n = this.n;
    const inRoot = this.depth > 0;
    let i = start;
    // Indentation first, in a loop of its own: most character data of a large document is the
    // whitespace between tags, which needs no other check and is reported to no one.
    for (; i < n; i++) {
      const c = bytes[i];
      if (c !== 0x20 && c !== 0xa && c !== 0x9 && c !== 0xd) break;
    }
    if (i >= n || bytes[i] === LT) return i;
    for (; i < n; i++) {
      const c = bytes[i];
      if (c === LT) break;
      if (!inRoot) {
        if (!isSpace(c)) this.malformed(this.rootClosed ? "text after the root element" : "text before the root element", i);
        continue;
      }
      if (c === AMP) i = this.reference(i, "") - 1;
      // `]]>` may not appear in content (§2.4): it would end a CDATA section that is not open.
      else if (c === GT && i >= start + 2 && bytes[i - 1] === RBRACKET && bytes[i - 2] === RBRACKET) this.malformed("']]>' in content", i - 2);
      else if (c < 0x20 && isForbiddenControl(c)) this.checkCharacters();
    }
    if (inRoot && this.sink !== undefined) this.sink.text(start, i);
    return i;
  }

  /** A reference at `&`; returns the offset after its `;`. */
  private reference(at: number, attrSuffix: string): number {
    const bytes = this.bytes;
    // References are short; the `;` is looked for in a bounded window (63 UTF-16 code units, as
    // the string reading counted them) so that many stray `&` cannot each search the rest of a
    // large document (quadratic time).
    let semi = -1;
    for (let j = at + 1, unit = at + 1; j < this.n && unit < at + 64; j++) {
      const c = bytes[j];
      // A multi-byte character's lead byte counts its code units (two past U+FFFF); continuation bytes none.
      if (c >= 0x80) {
        if (c >= 0xc0) unit += c >= 0xf0 ? 2 : 1;
        continue;
      }
      if (c === SEMI) {
        semi = j;
        break;
      }
      if (c === LT || c === AMP || c === DQUOTE || c === SQUOTE || isSpace(c)) break;
      unit++;
    }
    if (semi < 0) this.malformed("'&' that does not start a reference (write &amp;)", at);
    const body = this.str(at + 1, semi);
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
    const bytes = this.bytes;
    const c1 = bytes[at + 1];
    if (c1 === QUESTION) {
      // A PI's content is not parsed (§2.6): no quoting, it ends at the first `?>`.
      if (bytesAt(bytes, at + 2, "xml") && (isSpace(bytes[at + 5]) || bytesAt(bytes, at + 5, "?>"))) {
        this.malformed("an XML declaration is only allowed at the start of the document", at);
      }
      if (!isNameStart(bytes[at + 2] ?? 0)) this.malformed("a processing instruction without a target", at);
      const end = bytes.indexOf("?>", at + 2);
      if (end < 0) this.malformed("a processing instruction is not closed", at);
      this.checkRange(at + 2, end);
      return end + 2;
    }
    if (c1 === BANG) {
      if (bytesAt(bytes, at + 2, "--")) {
        const end = bytes.indexOf("-->", at + 4);
        if (end < 0) this.malformed("a comment is not closed", at);
        this.checkRange(at + 4, end);
        return end + 3;
      }
      if (bytesAt(bytes, at + 2, "[CDATA[")) {
        if (this.depth === 0) this.malformed("CDATA outside the root element", at);
        const end = bytes.indexOf("]]>", at + 9);
        if (end < 0) this.malformed("a CDATA section is not closed", at);
        this.checkRange(at + 9, end);
        this.sink?.cdata(at + 9, end);
        return end + 3;
      }
      // Any other `<!` is DTD markup (DOCTYPE, ENTITY, ELEMENT, ATTLIST, NOTATION) or garbage;
      // refused wherever it appears, prolog or content, before any parser sees it.
      if (this.lenient) return at + 2;
      const decl = /^<!([A-Za-z]*)/.exec(this.str(at, Math.min(this.n, at + 20)))![1].toUpperCase();
      if (decl === "DOCTYPE" || decl === "ENTITY" || decl === "ELEMENT" || decl === "ATTLIST" || decl === "NOTATION") {
        this.fail(
          "XML_DOCTYPE_FORBIDDEN",
          `DTD markup (<!${decl}) is not accepted: it enables entity expansion and external entities`,
          at,
          excerptOf(bytes, at, 80),
        );
      }
      this.malformed("'<!' that starts neither a comment nor CDATA", at);
    }
    if (c1 === SLASH) return this.endTag(at);
    return this.startTag(at);
  }

  private name(at: number): number {
    const bytes = this.bytes;
    if (!isNameStart(bytes[at] ?? 0)) this.malformed("a name was expected", at);
    const n = this.n;
    let i = at + 1;
    while (i < n && NAME_BYTES[bytes[i]] === 1) i++;
    return i;
  }

  private startTag(at: number): number {
    const bytes = this.bytes;
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
      while (i < this.n && isSpace(bytes[i])) i++;
      if (i >= this.n) this.malformed(`the tag <${this.str(at + 1, nameEnd)}> is not closed`, at);
      const c = bytes[i];
      if (c === GT) return i + 1;
      if (c === SLASH) {
        if (bytes[i + 1] !== GT) this.malformed(`'/' not followed by '>' in <${this.str(at + 1, nameEnd)}>`, i);
        this.depth--;
        if (this.depth === 0) this.rootClosed = true;
        this.sink?.close(i);
        return i + 2;
      }
      if (i === spaceStart) this.malformed(`attributes of <${this.str(at + 1, nameEnd)}> must be separated by whitespace`, i);
      const attrStart = i;
      const attrEnd = this.name(i);
      for (let k = 0; k < seen; k += 2) {
        if (this.sameName(attrs[k], attrs[k + 1], attrStart, attrEnd))
          this.malformed(`the attribute ${this.str(attrStart, attrEnd)} appears twice in <${this.str(at + 1, nameEnd)}>`, i);
      }
      attrs[seen++] = attrStart;
      attrs[seen++] = attrEnd;
      this.attributes++;
      i = attrEnd;
      while (i < this.n && isSpace(bytes[i])) i++;
      if (bytes[i] !== EQ) this.malformed(`the attribute ${this.str(attrStart, attrEnd)} of <${this.str(at + 1, nameEnd)}> has no value`, i);
      i++;
      while (i < this.n && isSpace(bytes[i])) i++;
      const quote = bytes[i];
      if (quote !== DQUOTE && quote !== SQUOTE)
        this.malformed(`the value of ${this.str(attrStart, attrEnd)} in <${this.str(at + 1, nameEnd)}> is not quoted`, i);
      const valueStart = i + 1;
      this.valueReferences = false;
      i = this.attributeValue(valueStart, quote, attrStart, attrEnd);
      this.sink?.attribute(attrStart, attrEnd, valueStart, i - 1, this.valueReferences);
    }
  }

  /** Characters of an attribute value after its opening quote; returns the offset after the closing quote. */
  private attributeValue(start: number, quote: number, attrStart: number, attrEnd: number): number {
    const bytes = this.bytes;
    const n = this.n;
    for (let i = start; i < n; i++) {
      const c = bytes[i];
      // One table read a byte: quotes, `<`, `&` and refused controls stop.
      if (VALUE_STOPS[c] === 0) continue;
      if (c === quote) return i + 1;
      if (c === LT) this.malformed(`'<' in the value of ${this.str(attrStart, attrEnd)}`, i);
      if (c === AMP) {
        i = this.reference(i, `/@${this.str(attrStart, attrEnd)}`) - 1;
        this.valueReferences = true;
      } else if (c < 0x20) this.checkCharacters();
    }
    this.malformed(`the value of ${this.str(attrStart, attrEnd)} is not closed`, start - 1);
  }

  private endTag(at: number): number {
    const bytes = this.bytes;
    const nameEnd = this.name(at + 2);
    let i = nameEnd;
    while (i < this.n && isSpace(bytes[i])) i++;
    if (bytes[i] !== GT) this.malformed(`the end tag </${this.str(at + 2, nameEnd)}> is not closed`, at);
    if (this.depth === 0 || !this.sameName(this.openStart[this.depth - 1], this.openEnd[this.depth - 1], at + 2, nameEnd)) {
      if (this.lenient) return i + 1;
      const name = this.str(at + 2, nameEnd);
      this.malformed(this.depth === 0 ? `the end tag </${name}> closes nothing` : `the end tag </${name}> does not match <${this.lastOpenName()}>`, at);
    }
    this.depth--;
    if (this.depth === 0) this.rootClosed = true;
    this.sink?.close(at);
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
