import { describe, expect, it } from "vitest";
import { parseXml, type XmlElement } from "./xml.ts";

// Issue 14: the scanner reads a document's UTF-8 bytes (a file's, never decoded whole) instead of
// a decoded string. Every outcome below, accepted trees and errors alike (code, message with line
// and column, path, value), is what the string reading gave before (recorded from it), for the
// document given as bytes and as text: refused characters wherever they hide (and the first one
// reported ahead of an earlier structural error, a NUL ahead of all), bytes that are not UTF-8
// (read as their replacement characters), non-ASCII names, values and columns, the reference window.

const B = (s: string) => Buffer.from(s, "utf8");
const R = (...parts: (string | number[])[]) => Buffer.concat(parts.map((p) => (typeof p === "string" ? Buffer.from(p, "utf8") : Buffer.from(p))));

const DOCUMENTS: Record<string, Buffer> = {
  text_ctrl: B("<a>\x01</a>"),
  comment_ctrl: B("<a><!-- \x02 --></a>"),
  pi_ctrl: B("<a><?pi \x03?></a>"),
  cdata_ctrl: B("<a><![CDATA[\x04]]></a>"),
  attr_ctrl: B('<a b="\x05"/>'),
  tag_ctrl: B("<a\x06/>"),
  late_ctrl_wins: B("<a></b>\x07"),
  fffe_name: B("<a\uFFFE/>"),
  ffff_text: B("<a>\uFFFF</a>"),
  nul_wins: B("<a>\x01\x00</a>"),
  decl_ctrl: B('<?xml version="1.0"\x08?><a/>'),
  noroot_ctrl: B("<!-- \x01 -->"),
  noroot: B("<!-- x -->"),
  surrogate_bytes: R('<a v="', [0xed, 0xa0, 0x80], '">', [0xed, 0xb0, 0x80], "</a>"),
  invalid_utf8_attr: R('<a v="', [0xff], '" w="', [0xc3], '"/>'),
  invalid_utf8_name: R("<a", [0xff], "></a", [0xfe], ">"),
  nonascii_column: B('<ä>\n  <b c="é"/>😀 é</c></ä>'),
  nonascii_excerpt: B("<ä>😀é<</ä>"),
  ref_window_ok: B("<a>&" + "é".repeat(40) + ";</a>"),
  ref_window_long: B("<a>&" + "é".repeat(70) + ";</a>"),
  ref_window_astral: B("<a>&" + "😀".repeat(31) + "x;</a>"),
  ref_window_astral2: B("<a>&" + "x".repeat(61) + "😀;</a>"),
  ref_window_astral3: B("<a>&" + "x".repeat(60) + "😀;</a>"),
  ctrl_in_ref: B("<a>&am\x01p;</a>"),
  bom: B("\uFEFF<a b='1'>t&amp;<![CDATA[c]]></a>"),
  doctype: B("<!DOCTYPE a [<!ENTITY e 'x'>]><a>&e;</a>"),
  doctype_nonascii: B("<!DOCTYPE é [<!ENTITY e 'x'>]><a>&e;</a>"),
  dup_attr: B('<a é="1" é="2"/>'),
  end_mismatch_nonascii: B("<é></è>"),
  truncated: B("<a><b>"),
  text_outside: B("<a/>é"),
  tab_ok: B('<a v="\t\n\r">\t</a>'),
  lt_in_attr: B('<a v="<"/>'),
  deep_ok: B("<a><b><c/></b></a>"),
  charref_bad: B("<a>&#1;</a>"),
  charref_fffe: B('<a v="&#xFFFE;"/>'),
};

/** What the string reading gave for each document (its bytes decoded as UTF-8). */
const EXPECTED: Record<string, unknown> = {
  text_ctrl: {
    code: "XML_INVALID_CHARACTER",
    message: "the document contains U+0001 at line 1, column 4, which XML does not allow",
    path: "/a",
    value: "U+0001",
  },
  comment_ctrl: {
    code: "XML_INVALID_CHARACTER",
    message: "the document contains U+0002 at line 1, column 9, which XML does not allow",
    path: "/a",
    value: "U+0002",
  },
  pi_ctrl: {
    code: "XML_INVALID_CHARACTER",
    message: "the document contains U+0003 at line 1, column 9, which XML does not allow",
    path: "/a",
    value: "U+0003",
  },
  cdata_ctrl: {
    code: "XML_INVALID_CHARACTER",
    message: "the document contains U+0004 at line 1, column 13, which XML does not allow",
    path: "/a",
    value: "U+0004",
  },
  attr_ctrl: {
    code: "XML_INVALID_CHARACTER",
    message: "the document contains U+0005 at line 1, column 7, which XML does not allow",
    path: "/a",
    value: "U+0005",
  },
  tag_ctrl: {
    code: "XML_INVALID_CHARACTER",
    message: "the document contains U+0006 at line 1, column 3, which XML does not allow",
    path: "/a",
    value: "U+0006",
  },
  late_ctrl_wins: {
    code: "XML_INVALID_CHARACTER",
    message: "the document contains U+0007 at line 1, column 8, which XML does not allow",
    path: "/a",
    value: "U+0007",
  },
  fffe_name: {
    code: "XML_INVALID_CHARACTER",
    message: "the document contains U+FFFE at line 1, column 3, which XML does not allow",
    path: "/a",
    value: "U+FFFE",
  },
  ffff_text: {
    code: "XML_INVALID_CHARACTER",
    message: "the document contains U+FFFF at line 1, column 4, which XML does not allow",
    path: "/a",
    value: "U+FFFF",
  },
  nul_wins: {
    code: "XML_NUL_CHARACTER",
    message: "the document contains a NUL character (U+0000) at line 1, column 5; XML does not allow it anywhere",
    path: "/a",
    value: "U+0000",
  },
  decl_ctrl: {
    code: "XML_INVALID_CHARACTER",
    message: "the document contains U+0008 at line 1, column 20, which XML does not allow",
    path: "/",
    value: "U+0008",
  },
  noroot_ctrl: {
    code: "XML_INVALID_CHARACTER",
    message: "the document contains U+0001 at line 1, column 6, which XML does not allow",
    path: "/",
    value: "U+0001",
  },
  noroot: { code: "XML_NO_ROOT", message: "the document has no root element", path: "/", value: 0 },
  surrogate_bytes: { ok: '{"n":"a","a":{"v":"\ufffd\ufffd\ufffd"},"t":"\ufffd\ufffd\ufffd","c":[]}' },
  invalid_utf8_attr: { ok: '{"n":"a","a":{"v":"\ufffd","w":"\ufffd"},"t":"","c":[]}' },
  invalid_utf8_name: { ok: '{"n":"a\ufffd","a":{},"t":"","c":[]}' },
  nonascii_column: {
    code: "XML_MALFORMED",
    message: "not well-formed XML: the end tag </c> does not match <\u00e4> (line 2, column 17)",
    path: "/\u00e4",
    value: "</c></\u00e4>",
  },
  nonascii_excerpt: { code: "XML_MALFORMED", message: "not well-formed XML: a name was expected (line 1, column 8)", path: "/\u00e4", value: "</\u00e4>" },
  ref_window_ok: {
    code: "XML_UNDECLARED_ENTITY",
    message:
      "the entity &\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9; is not one of XML's five predefined entities (DTDs, which declare others, are not accepted) (line 1, column 4)",
    path: "/a",
    value:
      "&\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9;",
  },
  ref_window_long: {
    code: "XML_MALFORMED",
    message: "not well-formed XML: '&' that does not start a reference (write &amp;) (line 1, column 4)",
    path: "/a",
    value:
      "&\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9",
  },
  ref_window_astral: {
    code: "XML_MALFORMED",
    message: "not well-formed XML: '&' that does not start a reference (write &amp;) (line 1, column 4)",
    path: "/a",
    value:
      "&\ud83d\ude00\ud83d\ude00\ud83d\ude00\ud83d\ude00\ud83d\ude00\ud83d\ude00\ud83d\ude00\ud83d\ude00\ud83d\ude00\ud83d\ude00\ud83d\ude00\ud83d\ude00\ud83d\ude00\ud83d\ude00\ud83d\ude00\ud83d\ude00\ud83d\ude00\ud83d\ude00\ud83d\ude00\ud83d",
  },
  ref_window_astral2: {
    code: "XML_MALFORMED",
    message: "not well-formed XML: '&' that does not start a reference (write &amp;) (line 1, column 4)",
    path: "/a",
    value: "&xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
  },
  ref_window_astral3: {
    code: "XML_UNDECLARED_ENTITY",
    message:
      "the entity &xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\ud83d\ude00; is not one of XML's five predefined entities (DTDs, which declare others, are not accepted) (line 1, column 4)",
    path: "/a",
    value: "&xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\ud83d\ude00;",
  },
  ctrl_in_ref: {
    code: "XML_INVALID_CHARACTER",
    message: "the document contains U+0001 at line 1, column 7, which XML does not allow",
    path: "/a",
    value: "U+0001",
  },
  bom: { ok: '{"n":"a","a":{"b":"1"},"t":"t&c","c":[]}' },
  doctype: {
    code: "XML_DOCTYPE_FORBIDDEN",
    message: "DTD markup (<!DOCTYPE) is not accepted: it enables entity expansion and external entities (line 1, column 1)",
    path: "/",
    value: "<!DOCTYPE a [<!ENTITY e 'x'>]><a>&e;</a>",
  },
  doctype_nonascii: {
    code: "XML_DOCTYPE_FORBIDDEN",
    message: "DTD markup (<!DOCTYPE) is not accepted: it enables entity expansion and external entities (line 1, column 1)",
    path: "/",
    value: "<!DOCTYPE \u00e9 [<!ENTITY e 'x'>]><a>&e;</a>",
  },
  dup_attr: {
    code: "XML_MALFORMED",
    message: "not well-formed XML: the attribute \u00e9 appears twice in <a> (line 1, column 10)",
    path: "/a",
    value: '\u00e9="2"/>',
  },
  end_mismatch_nonascii: {
    code: "XML_MALFORMED",
    message: "not well-formed XML: the end tag </\u00e8> does not match <\u00e9> (line 1, column 4)",
    path: "/\u00e9",
    value: "</\u00e8>",
  },
  truncated: { code: "XML_MALFORMED", message: "not well-formed XML: the document ends inside <b> (truncated?) (line 1, column 7)", path: "/a/b", value: "b" },
  text_outside: { code: "XML_MALFORMED", message: "not well-formed XML: text after the root element (line 1, column 5)", path: "/", value: "\u00e9" },
  tab_ok: { ok: '{"n":"a","a":{"v":"\\t\\n\\r"},"t":"","c":[]}' },
  lt_in_attr: { code: "XML_MALFORMED", message: "not well-formed XML: '<' in the value of v (line 1, column 7)", path: "/a", value: '<"/>' },
  deep_ok: { ok: '{"n":"a","a":{},"t":"","c":[{"n":"b","a":{},"t":"","c":[{"n":"c","a":{},"t":"","c":[]}]}]}' },
  charref_bad: {
    code: "XML_INVALID_CHAR_REF",
    message: "the character reference &#1; names a code point XML does not allow (XML 1.0 \u00a74.1, Char) (line 1, column 4)",
    path: "/a",
    value: "&#1;",
  },
  charref_fffe: {
    code: "XML_INVALID_CHAR_REF",
    message: "the character reference &#xFFFE; names a code point XML does not allow (XML 1.0 \u00a74.1, Char) (line 1, column 7)",
    path: "/a/@v",
    value: "&#xFFFE;",
  },
};

function shape(el: XmlElement): unknown {
  return { n: el.name, a: el.attrs, t: el.text(), c: el.children().map(shape) };
}

function outcome(read: () => XmlElement): unknown {
  try {
    return { ok: JSON.stringify(shape(read())) };
  } catch (e) {
    const { code, message, path, value } = e as { code: string; message: string; path: string; value: unknown };
    return { code, message, path, value };
  }
}

/** Documents only a string can hold (lone surrogates), and what the string reading gave. */
const STRINGS: Record<string, string> = {
  lone_high: "<a>\uD800</a>",
  lone_low_attr: '<a v="x\uDC00"/>',
  lone_then_ctrl: "<a>\uD800\x01</a>",
  lone_after_malformed: "<a></b>\uDC00",
  lone_line2: "<a>\n<b>\u00e9\uD800</b></a>",
  pair_ok: "<a>\u{1F600}</a>",
};
const STRING_EXPECTED: Record<string, unknown> = {
  lone_high: {
    code: "XML_INVALID_CHARACTER",
    message: "the document contains U+D800 at line 1, column 4, which XML does not allow",
    path: "/a",
    value: "U+D800",
  },
  lone_low_attr: {
    code: "XML_INVALID_CHARACTER",
    message: "the document contains U+DC00 at line 1, column 8, which XML does not allow",
    path: "/a",
    value: "U+DC00",
  },
  lone_then_ctrl: {
    code: "XML_INVALID_CHARACTER",
    message: "the document contains U+0001 at line 1, column 5, which XML does not allow",
    path: "/a",
    value: "U+0001",
  },
  lone_after_malformed: {
    code: "XML_INVALID_CHARACTER",
    message: "the document contains U+DC00 at line 1, column 8, which XML does not allow",
    path: "/a",
    value: "U+DC00",
  },
  lone_line2: {
    code: "XML_INVALID_CHARACTER",
    message: "the document contains U+D800 at line 2, column 5, which XML does not allow",
    path: "/a/b",
    value: "U+D800",
  },
  pair_ok: { ok: null },
};

describe("the XML scanner over bytes reads every document as the string reading did", () => {
  for (const [name, bytes] of Object.entries(DOCUMENTS)) {
    it(name, () => {
      expect(outcome(() => parseXml(bytes))).toEqual(EXPECTED[name]);
      expect(outcome(() => parseXml(bytes.toString("utf8")))).toEqual(EXPECTED[name]);
      // A Uint8Array that is no Buffer, at an odd offset of its memory.
      const copy = new Uint8Array(bytes.length + 3);
      copy.set(bytes, 3);
      expect(outcome(() => parseXml(copy.subarray(3)))).toEqual(EXPECTED[name]);
    });
  }
  for (const [name, text] of Object.entries(STRINGS)) {
    it(`${name} (a string)`, () => {
      const got = outcome(() => parseXml(text));
      const want = STRING_EXPECTED[name] as { ok?: null };
      if (want.ok === null) expect(got).toHaveProperty("ok");
      else expect(got).toEqual(want);
    });
  }
});
