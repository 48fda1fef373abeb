import { UnsupportedFeatureError } from "@porta/ir";
import { parsePmml } from "@porta/pmml";
import { describe, expect, it } from "vitest";
import { pmmlToPfa } from "./index.ts";
import { converted, pmml } from "./score.test-helper.ts";

const FIELDS = `<DataField name="s" optype="categorical" dataType="string"/><DataField name="y" optype="categorical" dataType="string"/>`;

/**
 * A TreeModel answering the derived field `t` = `expression` as an OutputField (a node per expected
 * text is not needed), `functions` (DefineFunctions) beside it.
 */
function model(expression: string, functions = ""): string {
  return pmml(
    FIELDS,
    `<TreeModel functionName="classification">
      <MiningSchema><MiningField name="s"/><MiningField name="y" usageType="target"/></MiningSchema>
      <Output><OutputField name="t" feature="transformedValue" dataType="string"><FieldRef field="t"/></OutputField></Output>
      <Node score="a"><True/></Node>
    </TreeModel>`,
    `${functions}<DerivedField name="t" optype="categorical" dataType="string">${expression}</DerivedField>`,
  );
}

describe("string built-ins → PFA (PMML 4.4 §Built-in functions: uppercase, lowercase, trimBlanks, substring)", () => {
  const rows = ["  Hello World \t", "abc", "", "\u0001x\u0000", "\u00a0nbsp\u00a0", "straße", "a😀bc😀", null];

  it("trimBlanks strips what Java's trim strips (every char up to U+0020, not NBSP); uppercase and lowercase as Java", () => {
    const m = converted(model(`<Apply function="trimBlanks"><Apply function="uppercase"><FieldRef field="s"/></Apply></Apply>`));
    const lower = converted(model(`<Apply function="lowercase"><FieldRef field="s"/></Apply>`));
    for (const s of rows) {
      expect(m.score({ s }), JSON.stringify(s)).toEqual(m.reference({ s }));
      expect(lower.score({ s }), JSON.stringify(s)).toEqual(lower.reference({ s }));
    }
    expect(m.score({ s: " \u0001ab c\u0020" }).t).toBe("AB C");
  });

  it("substring(input, startPos, length) is 1-based, clipped at the end and counted in Java chars (UTF-16 units)", () => {
    const m = converted(model(`<Apply function="substring"><FieldRef field="s"/><Constant>2</Constant><Constant>3</Constant></Apply>`));
    for (const s of ["abcdef", "ab", "a", "", "  Hello", "a😀bc", null]) expect(m.score({ s }), JSON.stringify(s)).toEqual(m.reference({ s }));
    // "a😀bc": the emoji is two Java chars, so chars 2..4 are the emoji and "b".
    expect(m.score({ s: "a😀bc" }).t).toBe("😀b");
    expect(m.score({ s: "abcdef" }).t).toBe("bcd");
  });

  it("a DefineFunction's constant parameters are substring positions (SAS's normalisation functions)", () => {
    const m = converted(
      model(
        `<Apply function="norm"><Constant>4</Constant><FieldRef field="s"/></Apply>`,
        `<DefineFunction name="norm" optype="categorical" dataType="string"><ParameterField name="w"/><ParameterField name="x"/>
           <Apply function="trimBlanks"><Apply function="uppercase"><Apply function="substring"><FieldRef field="x"/><Constant>1</Constant><FieldRef field="w"/></Apply></Apply></Apply>
         </DefineFunction>`,
      ),
    );
    for (const s of [" bachelor", "hs grad", "x", null]) expect(m.score({ s }), JSON.stringify(s)).toEqual(m.reference({ s }));
    expect(m.score({ s: " bachelor" }).t).toBe("BAC");
  });

  it("refuses a position that is not a constant, and a number as the input (its Java text has no PFA formatting)", () => {
    const positional = model(
      `<Apply function="substring"><FieldRef field="s"/><Apply function="+"><Constant>1</Constant><Constant>1</Constant></Apply><Constant>1</Constant></Apply>`,
    );
    expect(() => pmmlToPfa(parsePmml(positional))).toThrow(UnsupportedFeatureError);
    expect(() => pmmlToPfa(parsePmml(positional))).toThrow(/Apply\[@function=substring\]: a startPos or length that is no constant/);
    const numeric = model(`<Apply function="uppercase"><Constant dataType="double">1.5</Constant></Apply>`);
    expect(() => pmmlToPfa(parsePmml(numeric))).toThrow(/Apply\[@function=uppercase\]: a non-string input/);
  });
});
