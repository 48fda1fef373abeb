import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parsePmml } from "@porta/pmml";
import { callsRegex } from "./convert-js.ts";

const FIXTURES = join(import.meta.dirname, "..", "..", "..", "fixtures", "pmml");

/** A regression over `text` whose OutputField or DefineFunction holds `body`. */
function documentWith(place: "output" | "function", body: string): string {
  const fn =
    place === "function"
      ? `<DefineFunction name="f" optype="continuous" dataType="double"><ParameterField name="t" dataType="string"/>${body}</DefineFunction>`
      : "";
  const output =
    place === "output" ? `<Output><OutputField name="o" feature="transformedValue" dataType="double" optype="continuous">${body}</OutputField></Output>` : "";
  return `<PMML xmlns="http://www.dmg.org/PMML-4_4" version="4.4"><Header/>
    <DataDictionary><DataField name="text" optype="categorical" dataType="string"/><DataField name="y" optype="continuous" dataType="double"/></DataDictionary>
    <TransformationDictionary>${fn}</TransformationDictionary>
    <RegressionModel functionName="regression"><MiningSchema><MiningField name="text"/><MiningField name="y" usageType="target"/></MiningSchema>${output}
    <RegressionTable intercept="1"/></RegressionModel></PMML>`;
}

describe("callsRegex: whether a browser module needs RE2JS", () => {
  it("no for a tree without string functions, yes for matches and replace in derived fields", () => {
    expect(callsRegex(parsePmml(readFileSync(join(FIXTURES, "iris-tree.pmml"), "utf8")))).toBe(false);
    expect(callsRegex(parsePmml(readFileSync(join(FIXTURES, "text-regex.pmml"), "utf8")))).toBe(true);
  });

  it("yes for a TextIndex in an OutputField and for matches inside a DefineFunction", () => {
    const textIndex = `<TextIndex textField="text" wordSeparatorCharacterRE="\\s+"><Constant dataType="string">x</Constant></TextIndex>`;
    expect(callsRegex(parsePmml(documentWith("output", textIndex)))).toBe(true);
    const matches = `<Apply function="if"><Apply function="matches"><FieldRef field="t"/><Constant dataType="string">a</Constant></Apply><Constant dataType="double">1</Constant><Constant dataType="double">0</Constant></Apply>`;
    expect(callsRegex(parsePmml(documentWith("function", matches)))).toBe(true);
    expect(callsRegex(parsePmml(documentWith("function", `<Apply function="length"><FieldRef field="t"/></Apply>`)))).toBe(false);
  });
});
