import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { porta, tempFiles } from "./porta-cli.ts";
import { ParseError, loadModel } from "porta";

// Issue 11: every hostile input gets a typed error in bounded time and memory. Small cases are
// fixtures under fixtures/hostile/; large ones are generated here at test time.

const HOSTILE = join(import.meta.dirname, "..", "fixtures", "hostile");
const { file } = tempFiles("porta-hostile-");
const ROWS = file("rows.csv", "x\n1\n");

/** The CLI contract for a refused document: the given exit code, one typed line, no stack, no "internal error". */
function expectOneTypedLine(r: { code: number; stdout: string; stderr: string }, exit: number, code: string): void {
  expect(r.code).toBe(exit);
  const lines = r.stderr.trim().split("\n");
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(new RegExp(`^porta: \\w+Error ${code} `));
  expect(r.stderr).not.toMatch(/internal error|\n\s+at /);
}

describe("DTDs are refused wherever they appear, whatever the prolog holds (issue 11, task 1)", () => {
  it.each([
    ["dtd-behind-pi.pmml", "an internal entity behind a PI holding '<'"],
    ["billion-laughs-behind-pi.pmml", "billion laughs behind the same PI"],
    ["xxe-behind-pi.pmml", "an external entity behind the same PI"],
    ["dtd-after-comment-and-pi.pmml", "a DOCTYPE after a declaration, a comment and a PI with markup"],
    ["doctype-in-content.pmml", "a DOCTYPE inside the root element"],
    ["entity-in-content.pmml", "an ENTITY declaration inside the root element"],
  ])("%s (%s): XML_DOCTYPE_FORBIDDEN from the library, validate and score", async (name) => {
    const path = join(HOSTILE, name);
    await expect(loadModel(path)).rejects.toBeInstanceOf(ParseError);
    await expect(loadModel(path, { backend: "interp" })).rejects.toMatchObject({ code: "XML_DOCTYPE_FORBIDDEN" });
    expectOneTypedLine(await porta("validate", path), 65, "XML_DOCTYPE_FORBIDDEN");
    // Scoring is where the entity text used to come out (exit 0); the three reported cases are scored.
    if (name.includes("behind-pi")) {
      const scored = await porta("score", path, "--input", ROWS, "--no-cache");
      expectOneTypedLine(scored, 65, "XML_DOCTYPE_FORBIDDEN");
      expect(scored.stdout).not.toMatch(/ENTITY-TEXT|lol/);
    }
  });

  it("a BOM, XML declaration, comment and PI mentioning <!DOCTYPE, and CDATA holding one, are accepted", async () => {
    const r = await porta("validate", join(HOSTILE, "prolog-comment-pi-cdata-ok.pmml"));
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^ok:/);
  });
});

describe("a definition that reaches itself is refused at load: SchemaError PMML_CYCLE naming the cycle (issue 11, task 3)", () => {
  it.each([
    ["cycle-function-self.pmml", "f() -> f()", "/PMML/TransformationDictionary/DefineFunction[1]"],
    ["cycle-function-mutual.pmml", "f() -> g() -> f()", "/PMML/TransformationDictionary/DefineFunction[1]"],
    ["cycle-derived-self.pmml", "a -> a", "/PMML/TransformationDictionary/DerivedField[1]"],
    ["cycle-derived-three.pmml", "a -> b -> c -> a", "/PMML/TransformationDictionary/DerivedField[1]"],
    ["cycle-local-mutual.pmml", "l1 -> l2 -> l1", "/PMML/RegressionModel[1]/LocalTransformations/DerivedField[1]"],
  ])("%s: %s", async (name, cycle, path) => {
    const file = join(HOSTILE, name);
    for (const backend of ["interp", "js"] as const) {
      await expect(loadModel(file, { backend })).rejects.toMatchObject({ name: "SchemaError", code: "PMML_CYCLE", value: cycle, path });
    }
    const r = await porta("validate", file);
    expectOneTypedLine(r, 66, "PMML_CYCLE");
    expect(r.stderr).toContain(cycle);
  });
});

describe("XML 1.0 §2.2 / §4.1: characters and character references outside Char are typed ParseErrors (issue 11, task 4)", () => {
  it.each([
    ["nul-in-attribute.pmml", "XML_NUL_CHARACTER", "/PMML/Header", "U+0000"],
    ["nul-in-content.pmml", "XML_NUL_CHARACTER", "/PMML/TreeModel/Node", "U+0000"],
    ["charref-surrogate.pmml", "XML_INVALID_CHAR_REF", "/PMML/DataDictionary/DataField/Value/@value", "&#xD800;"],
    ["charref-zero.pmml", "XML_INVALID_CHAR_REF", "/PMML/DataDictionary/DataField/Value/@value", "&#0;"],
    ["charref-beyond-unicode.pmml", "XML_INVALID_CHAR_REF", "/PMML/DataDictionary/DataField/Value/@value", "&#x110000;"],
  ])("%s → %s at %s, value %s", async (name, code, path, value) => {
    const file = join(HOSTILE, name);
    await expect(loadModel(file)).rejects.toMatchObject({ name: "ParseError", code, path, value });
    expectOneTypedLine(await porta("validate", file), 65, code);
  });

  it("other C0 controls, U+FFFE and lone surrogates are XML_INVALID_CHARACTER; tab, LF, CR and astral characters are fine", async () => {
    const doc = (text: string) =>
      `<PMML version="4.4"><Header description="${text}"/><DataDictionary><DataField name="x" optype="continuous" dataType="double"/><DataField name="y" optype="continuous" dataType="double"/></DataDictionary><RegressionModel functionName="regression"><MiningSchema><MiningField name="x"/><MiningField name="y" usageType="target"/></MiningSchema><RegressionTable intercept="1"/></RegressionModel></PMML>`;
    for (const [bad, value] of [
      ["\u0001", "U+0001"],
      ["\u001F", "U+001F"],
      ["\uFFFE", "U+FFFE"],
      ["\uD800x", "U+D800"],
      ["x\uDC00", "U+DC00"],
    ]) {
      await expect(loadModel(doc(bad))).rejects.toMatchObject({ code: "XML_INVALID_CHARACTER", value, path: "/PMML/Header" });
    }
    await expect(loadModel(doc("\t\n\r \u{1F600} &#x9;&#xA;&#xD;&#x10FFFF;"))).resolves.toBeDefined();
  });
});

describe("size: large documents finish in linear time with a correct parse or a typed error (issue 11, task 5)", () => {
  const doc = (dictionaryField: string, header = "<Header/>") =>
    `<?xml version="1.0"?><PMML version="4.4">${header}<DataDictionary>${dictionaryField}<DataField name="y" optype="continuous" dataType="double"/></DataDictionary><RegressionModel functionName="regression"><MiningSchema><MiningField name="x"/><MiningField name="y" usageType="target"/></MiningSchema><RegressionTable intercept="1"><CategoricalPredictor name="x" value="v7" coefficient="2"/></RegressionTable></RegressionModel></PMML>`;

  // Generous bounds: they catch quadratic behaviour (minutes), not a slow machine; the measured
  // rate on an idle core is well above 5 MB/s.
  it("a 50 MB attribute value is read whole, references in it decoded", async () => {
    const big = "a".repeat(50 * 1024 * 1024 - 10) + "&amp;&#x42;";
    const text = doc(`<DataField name="x" optype="categorical" dataType="string"><Value value="v7"/></DataField>`, `<Header description="${big}"/>`);
    const t = performance.now();
    const model = await loadModel(text, { backend: "interp" });
    expect(model.score({ x: "v7" })).toEqual({ y: 3 });
    expect(performance.now() - t).toBeLessThan(20_000);
    const { parsePmml } = await import("@porta/pmml");
    const description = parsePmml(text).header.description!;
    expect(description.length).toBe(50 * 1024 * 1024 - 10 + 2);
    expect(description.endsWith("a&B")).toBe(true);
  });

  it("a DataField with 1,000,000 Value elements parses with every value, on both backends", async () => {
    const values: string[] = [];
    for (let i = 0; i < 1_000_000; i++) values.push(`<Value value="v${i}"/>`);
    const text = doc(`<DataField name="x" optype="categorical" dataType="string">${values.join("")}</DataField>`);
    for (const backend of ["interp", "js"] as const) {
      const t = performance.now();
      const model = await loadModel(text, { backend });
      expect(model.score({ x: "v7" })).toEqual({ y: 3 });
      expect(model.inputFields[0].values).toHaveLength(1_000_000);
      expect(performance.now() - t).toBeLessThan(20_000);
    }
  });

  it("xmlElements bounds the element count: XML_TOO_MANY_ELEMENTS, counted by the scan before any tree is built", async () => {
    const { parsePmml } = await import("@porta/pmml");
    const values = Array.from({ length: 100 }, (_, i) => `<Value value="v${i}"/>`).join("");
    const text = doc(`<DataField name="x" optype="categorical" dataType="string">${values}</DataField>`);
    const elements = (text.match(/<[A-Za-z]/g) ?? []).length;
    expect(parsePmml(text, { limits: { xmlElements: elements } }).dataFields[0].validValues).toHaveLength(100);
    expect(() => parsePmml(text, { limits: { xmlElements: elements - 1 } })).toThrow(
      expect.objectContaining({
        name: "ParseError",
        code: "XML_TOO_MANY_ELEMENTS",
        value: elements,
        path: "/PMML/RegressionModel/RegressionTable/CategoricalPredictor",
      }),
    );
  });

  it("documentBytes bounds the document: DOCUMENT_TOO_LARGE, counted in UTF-8 bytes", async () => {
    const { parsePmml } = await import("@porta/pmml");
    const text = doc(`<DataField name="x" optype="categorical" dataType="string"><Value value="é"/></DataField>`);
    const bytes = Buffer.byteLength(text);
    expect(() => parsePmml(text, { limits: { documentBytes: bytes } })).not.toThrow();
    expect(() => parsePmml(text, { limits: { documentBytes: bytes - 1 } })).toThrow(expect.objectContaining({ code: "DOCUMENT_TOO_LARGE", value: bytes }));
  });
});
