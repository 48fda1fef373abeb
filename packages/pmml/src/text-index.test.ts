import { describe, expect, it } from "vitest";
import type { TextIndexExpr } from "@porta/ir";
import { parsePmml } from "./parse.ts";
import { pmmlDocument, scorer } from "./testing.ts";

const FIELDS = `<DataField name="t" optype="categorical" dataType="string"/><DataField name="out" optype="continuous" dataType="double"/>`;

function model(textIndex: string): string {
  return pmmlDocument(
    FIELDS,
    `
    <RegressionModel functionName="regression">
      <MiningSchema><MiningField name="t"/><MiningField name="out" usageType="target"/></MiningSchema>
      <LocalTransformations><DerivedField name="d" optype="continuous" dataType="double">${textIndex}</DerivedField></LocalTransformations>
      <RegressionTable intercept="0"><NumericPredictor name="d" coefficient="1"/></RegressionTable>
    </RegressionModel>`,
  );
}

function parsed(textIndex: string): TextIndexExpr {
  const pipeline = parsePmml(model(textIndex));
  const expr = pipeline.model.localTransformations[0].expr;
  if (expr.kind !== "textIndex") throw new Error(`expected a textIndex, got ${expr.kind}`);
  return expr;
}

describe("TextIndex reader (PMML 4.4 §Transformations)", () => {
  it("reads the attribute defaults of PMML 4.4 (wordSeparatorCharacterRE \\s+ since 4.4)", () => {
    expect(parsed(`<TextIndex textField="t"><Constant>x</Constant></TextIndex>`)).toMatchObject({
      kind: "textIndex",
      textField: "t",
      localTermWeights: "termFrequency",
      isCaseSensitive: false,
      maxLevenshteinDistance: 0,
      countHits: "allHits",
      wordSeparatorCharacterRE: "\\s+",
      tokenize: true,
      normalizations: [],
    });
  });

  it("keeps a Constant term's exact text: '1.50' and '007' are not numbers", () => {
    const f = scorer(model(`<TextIndex textField="t"><Constant>1.50</Constant></TextIndex>`));
    expect(f({ t: "1.50 is not 1.5, 1.50 is" }).out).toBe(2);
    expect(parsed(`<TextIndex textField="t"><Constant>007</Constant></TextIndex>`).term).toMatchObject({ kind: "constant", value: "007" });
  });

  it("reads normalisation rows by the inField/outField/regexField columns, prefixed cells included", () => {
    const ti = parsed(`<TextIndex textField="t">
      <TextIndexNormalization inField="data:from" outField="data:to" regexField="re" recursive="true" isCaseSensitive="true">
        <InlineTable xmlns:data="http://jpmml.org/jpmml-model/InlineTable">
          <row><data:from>a+</data:from><data:to>b</data:to><re>TRUE</re></row>
          <row><data:from>c</data:from><data:to>d</data:to></row>
        </InlineTable>
      </TextIndexNormalization>
      <Extension name="ignored"/>
      <Constant>b</Constant></TextIndex>`);
    expect(ti.normalizations).toEqual([
      {
        rows: [
          { search: "a+", replacement: "b", regex: true },
          { search: "c", replacement: "d", regex: false },
        ],
        recursive: true,
        isCaseSensitive: true,
        path: expect.stringContaining("TextIndexNormalization"),
      },
    ]);
  });

  it("a DerivedField without dataType over a TextIndex is numeric (double), as JPMML infers", () => {
    const xml = model(`<TextIndex textField="t"><Constant>x</Constant></TextIndex>`).replace(
      '<DerivedField name="d" optype="continuous" dataType="double">',
      '<DerivedField name="d">',
    );
    const pipeline = parsePmml(xml);
    expect(pipeline.model.localTransformations[0]).toMatchObject({ dataType: "double", opType: "continuous" });
    expect(scorer(xml)({ t: "x y x" }).out).toBe(2);
  });

  it("reads JPMML's x-wordRE", () => {
    expect(parsed(`<TextIndex textField="t" x-wordRE="(?u)\\b\\w\\w+\\b"><Constant>x</Constant></TextIndex>`).wordRE).toBe("(?u)\\b\\w\\w+\\b");
  });

  it("rejects unknown enumeration values with the attribute's path", () => {
    expect(() => parsed(`<TextIndex textField="t" countHits="someHits"><Constant>x</Constant></TextIndex>`)).toThrow(
      expect.objectContaining({ code: "PMML_BAD_ATTRIBUTE" }),
    );
    expect(() => parsed(`<TextIndex textField="t" localTermWeights="idf"><Constant>x</Constant></TextIndex>`)).toThrow(
      expect.objectContaining({ code: "PMML_BAD_ATTRIBUTE" }),
    );
  });
});
