import { describe, expect, it } from "vitest";
import { ParseError } from "@porta/ir";
import { parseXml, readXmlTree, type XmlElement } from "./xml.ts";

function parseError(fn: () => unknown): ParseError {
  try {
    fn();
  } catch (e) {
    if (e instanceof ParseError) return e;
    throw e;
  }
  throw new Error("expected a ParseError");
}

describe("XML 1.0 §2.8 prolog: DTD markup is refused wherever it appears", () => {
  const dtd = `<!DOCTYPE a [<!ENTITY e "EXPANDED">]>`;
  it.each([
    ["after a PI holding '<'", `<?pi <b?>${dtd}<a>&e;</a>`],
    ["after an XML declaration, a comment and a PI", `<?xml version="1.0"?><!-- < --><?pi <a>?>${dtd}<a>&e;</a>`],
    ["after a BOM", `\uFEFF${dtd}<a>&e;</a>`],
    ["inside content", `<a>${dtd}</a>`],
    ["an ENTITY declaration inside content", `<a><b/><!ENTITY e "x"></a>`],
    ["an ATTLIST after the root element", `<a/><!ATTLIST a b CDATA "x">`],
  ])("%s → XML_DOCTYPE_FORBIDDEN", (_what, doc) => {
    expect(parseError(() => parseXml(doc)).code).toBe("XML_DOCTYPE_FORBIDDEN");
  });

  it("'<!DOCTYPE' inside a comment, a PI, CDATA or an attribute value's reference is only text", () => {
    const root = parseXml(`\uFEFF<?xml version="1.0"?><!-- ${dtd} --><?pi ${dtd}?><a b="&lt;!DOCTYPE"><![CDATA[${dtd}]]></a>`);
    expect(root.attr("b")).toBe("<!DOCTYPE");
    expect(root.text()).toBe(dtd);
  });

  it("second line of defence: were a DTD to reach the parser, its entities are never expanded", () => {
    const root = readXmlTree(`${dtd}<a>&e;</a>`, { documentDepth: 10 });
    expect(parseError(() => root.text()).code).toBe("XML_UNDECLARED_ENTITY");
  });
});

describe("XML 1.0 §4.6 / §4.1: predefined entities and character references are decoded by the view", () => {
  it("in attribute values and text, CDATA left as written", () => {
    const root = parseXml(`<a v="&lt;&gt;&amp;&apos;&quot;|&#10;|&#x41;&#66;|&#x1F600;|&amp;amp;"><b>x&#9;y&amp;<![CDATA[&amp;]]></b></a>`);
    expect(root.attr("v")).toBe(`<>&'"|\n|AB|\u{1F600}|&amp;`);
    expect(root.child("b")!.text()).toBe("x\ty&&amp;");
  });

  it("an entity that is not predefined is XML_UNDECLARED_ENTITY", () => {
    const e = parseError(() => parseXml(`<a v="&nbsp;"/>`));
    expect(e).toMatchObject({ code: "XML_UNDECLARED_ENTITY", value: "&nbsp;", path: "/a/@v" });
  });

  it("a bare '&' and '&#X41;' (uppercase X is not in the grammar) are XML_MALFORMED", () => {
    expect(parseError(() => parseXml(`<a>fish & chips</a>`)).code).toBe("XML_MALFORMED");
    expect(parseError(() => parseXml(`<a>&#X41;</a>`)).code).toBe("XML_MALFORMED");
  });
});

describe("XML 1.0 well-formedness is checked by the scan (no validator pass)", () => {
  it.each([
    ["a truncated document", `<a><b>`],
    ["mismatched end tag", `<a></b>`],
    ["a duplicate attribute", `<a x="1" x="2"/>`],
    ["an unquoted attribute", `<a x=1/>`],
    ["'<' in an attribute value", `<a x="<"/>`],
    ["two roots", `<a/><b/>`],
    ["text after the root", `<a/>x`],
    ["an unclosed comment", `<a><!-- </a>`],
    ["an XML declaration not at the start", `<a/><?xml version="1.0"?>`],
  ])("%s → XML_MALFORMED", (_what, doc) => {
    expect(parseError(() => parseXml(doc)).code).toBe("XML_MALFORMED");
  });

  it("no element → XML_NO_ROOT", () => {
    expect(parseError(() => parseXml(`<?xml version="1.0"?><!-- -->`)).code).toBe("XML_NO_ROOT");
  });
});

describe("what the scan lets through and the parser rejects is typed", () => {
  it("a processing instruction whose target is no XML name is ParseError XML_MALFORMED (found by the property tests)", () => {
    expect(() => parseXml(`<?'xml version="1.0"?><PMML version="4.4"/>`)).toThrow(expect.objectContaining({ code: "XML_MALFORMED" }));
  });
});

describe("the node tables read back what the document says", () => {
  it("a prefixed and a plain name are one local name: path indexes count both, namespace declarations are left out", () => {
    const root = parseXml(`<p:PMML xmlns:p="urn:x" xmlns="urn:y"><p:Node id="1"/><x>t</x><Node p:id="2"/></p:PMML>`);
    expect(root.name).toBe("PMML");
    expect(root.attrs).toEqual({});
    expect(root.children().map((c) => c.path)).toEqual(["/PMML/Node[1]", "/PMML/x[1]", "/PMML/Node[2]"]);
    expect(root.children("Node").map((c) => [c.path, c.attr("id")])).toEqual([
      ["/PMML/Node[1]", "1"],
      ["/PMML/Node[2]", "2"],
    ]);
    expect(root.find((name) => name === "Node" || name === "x")?.path).toBe("/PMML/Node[1]");
  });

  it("find indexes the element it returns among its same-named siblings; text, CDATA and child counts are kept", () => {
    const root = parseXml(`<a><b/><c/><b x="&amp;"/>text &lt;<![CDATA[ <raw> ]]></a>`);
    const found = root.find((name) => name === "b");
    expect(found?.path).toBe("/a/b[1]");
    const second = root.children("b")[1];
    expect([second.path, second.attr("x"), second.attrs]).toEqual(["/a/b[2]", "&", { x: "&" }]);
    expect(root.text()).toBe("text < <raw> ");
    expect(root.childCount).toBe(5);
    expect(root.find(() => false)).toBeUndefined();
  });

  it("indentation is no text node; text keeps the whitespace around it", () => {
    const root = parseXml(`<a>\n  <b>  x y \n</b>\n  <c> </c>\n</a>`);
    expect(root.childCount).toBe(2);
    expect(root.text()).toBe("");
    expect(root.child("b")!.text()).toBe("  x y \n");
    expect(root.child("c")!.childCount).toBe(0);
  });

  it("more distinct names than the name table keeps are still read and indexed by name", () => {
    const names = Array.from({ length: 300 }, (_, i) => `e${i}`);
    const root = parseXml(`<r>${names.map((n) => `<${n} v="${n}"/>`).join("")}<e299 v="again"/></r>`);
    const last = root.children("e299");
    expect(last.map((e) => [e.path, e.attr("v")])).toEqual([
      ["/r/e299[1]", "e299"],
      ["/r/e299[2]", "again"],
    ]);
    expect(root.children().at(-1)?.path).toBe("/r/e299[2]");
  });
});

describe("the tree the scan builds as it goes equals the one the separate builder makes", () => {
  type Shape = { name: string; path: string; attrs: Record<string, string>; text: string; childCount: number; children: Shape[] };
  const shape = (el: XmlElement): Shape => ({
    name: el.name,
    path: el.path,
    attrs: { ...el.attrs },
    text: el.text(),
    childCount: el.childCount,
    children: el.children().map(shape),
  });
  it.each([
    ["a prolog, comments, PIs and a BOM", `\uFEFF<?xml version="1.0"?><!-- c --><?pi x?><PMML version="4.4"><!-- in --><Header/><?pi y?></PMML>`],
    ["namespaces, prefixes and references", `<p:PMML xmlns:p="urn:x" xmlns="urn:y" a='&lt;&#65;'><p:Node id="1"/><Node p:id="2">t &amp; u</Node></p:PMML>`],
    ["text split by a comment, whitespace runs, CDATA", `<a>\n  <b>x<!-- c -->y</b>\n  <c><![CDATA[ <raw> ]]>z</c>\t\r\n</a>`],
    ["empty elements and attributes spaced around '='", `<a><b x = "1" y='2'/><b></b><c/></a>`],
    ["text with whitespace around it, whitespace-only runs", `<a>\n  <b>  x y \n</b>\n  <c> </c>\t<d>\n z</d>\n</a>`],
  ])("%s", (_what, doc) => {
    expect(shape(parseXml(doc))).toEqual(shape(readXmlTree(doc, { documentDepth: 100 })));
  });
});
