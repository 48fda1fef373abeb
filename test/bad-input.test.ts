import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { porta, tempFiles } from "./porta-cli.ts";
import { ParseError, SchemaError, loadModel } from "porta";

const TREE = join(import.meta.dirname, "..", "fixtures", "pmml", "iris-tree.pmml");
const { dir, file } = tempFiles("porta-bad-");

const VALID = `<?xml version="1.0"?>
<PMML version="4.4" xmlns="http://www.dmg.org/PMML-4_4"><Header/>
<DataDictionary><DataField name="x" optype="continuous" dataType="double"/><DataField name="y" optype="continuous" dataType="double"/></DataDictionary>
<RegressionModel functionName="regression"><MiningSchema><MiningField name="x"/><MiningField name="y" usageType="target"/></MiningSchema>
<RegressionTable intercept="1"><NumericPredictor name="x" coefficient="2"/></RegressionTable></RegressionModel></PMML>`;

describe("bad input gives a typed error, a one-line message and a non-zero exit (no stack unless --debug)", () => {
  it("a truncated file", async () => {
    const path = file("truncated.pmml", VALID.slice(0, VALID.length - 40));
    await expect(loadModel(path)).rejects.toMatchObject({ code: "XML_MALFORMED" });
    const r = await porta("validate", path);
    expect(r.code).not.toBe(0);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
    expect(r.stderr).toMatch(/ParseError XML_MALFORMED/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it("XML that is not PMML", async () => {
    const path = file("other.xml", "<?xml version='1.0'?><html><body/></html>");
    await expect(loadModel(path)).rejects.toMatchObject({ code: "PMML_NOT_PMML", value: "html" });
    const r = await porta("validate", path);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/PMML_NOT_PMML/);
  });

  it("a DOCTYPE with entity declarations (billion laughs) is refused before any expansion", async () => {
    const laughs = `<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]><PMML version="4.4">&lol2;</PMML>`;
    const path = file("doctype.pmml", laughs);
    await expect(loadModel(path)).rejects.toBeInstanceOf(ParseError);
    await expect(loadModel(path)).rejects.toMatchObject({ code: "XML_DOCTYPE_FORBIDDEN" });
    const r = await porta("validate", path);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/DOCTYPE/);
  });

  it("an external entity (XXE) is refused", async () => {
    const path = file("xxe.pmml", `<?xml version="1.0"?><!DOCTYPE p [<!ENTITY x SYSTEM "file:///etc/passwd">]><PMML version="4.4">&x;</PMML>`);
    await expect(loadModel(path)).rejects.toMatchObject({ code: "XML_DOCTYPE_FORBIDDEN" });
  });

  it("a 50 MB garbage file fails fast with a typed error", async () => {
    const size = 50 * 1024 * 1024;
    const garbage = Buffer.alloc(size);
    for (let i = 0; i < size; i++) garbage[i] = 33 + (((i * 2654435761) >>> 7) % 90);
    garbage[0] = "%".charCodeAt(0);
    const path = file("garbage.bin", garbage);
    await expect(loadModel(path)).rejects.toMatchObject({ code: "UNKNOWN_FORMAT" });
    const r = await porta("validate", path);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/UNKNOWN_FORMAT/);
    // The same garbage behind a "<" goes through the XML checks and fails there.
    garbage[0] = "<".charCodeAt(0);
    const xmlish = file("garbage.xml", garbage);
    await expect(loadModel(xmlish)).rejects.toBeInstanceOf(ParseError);
  });

  it("a model referencing an undeclared field", async () => {
    const path = file("undeclared.pmml", VALID.replace('<NumericPredictor name="x"', '<NumericPredictor name="nope"'));
    await expect(loadModel(path)).rejects.toBeInstanceOf(SchemaError);
    await expect(loadModel(path)).rejects.toMatchObject({ code: "PMML_UNDECLARED_FIELD", value: "nope" });
    const r = await porta("validate", path);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/PMML_UNDECLARED_FIELD.*"nope"/);
  });

  it("an undeclared MiningField names the MiningSchema path", async () => {
    const path = file("undeclared-mining.pmml", VALID.replace('<MiningField name="x"/>', '<MiningField name="x"/><MiningField name="ghost"/>'));
    await expect(loadModel(path)).rejects.toMatchObject({ code: "PMML_UNDECLARED_FIELD", value: "ghost", path: "/PMML/RegressionModel[1]/MiningSchema" });
  });

  it("--debug adds the stack trace", async () => {
    const path = file("truncated2.pmml", VALID.slice(0, 100));
    const r = await porta("--debug", "validate", path);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/\n\s+at /);
  });

  it("a missing model file", async () => {
    const r = await porta("validate", join(dir, "absent.pmml"));
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/MODEL_NOT_FOUND/);
  });

  it("a malformed input CSV or JSON is a typed error too", async () => {
    const r = await porta("score", TREE, "--input", file("rows.json", "[{"));
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/INPUT_JSON_MALFORMED/);
  });
});
