/**
 * What Porta accepts that the spec does not spell out, because real producers write it (the
 * README's "Producer notes" table): each rule scored by both backends, which must agree.
 */
import { describe, expect, it } from "vitest";
import { parsePmml } from "@porta/pmml";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { bothBackends, scoreBoth } from "./producers/both-backends.ts";
import { porta, ROOT, tempFiles } from "./porta-cli.ts";
import { SchemaError } from "@porta/ir";
import { loadModel } from "@porta/runtime";

const doc = (body: string, fields: string, version = "4.4.1", ns = "http://www.dmg.org/PMML-4_4") =>
  `<PMML version="${version}" xmlns="${ns}"><Header/><DataDictionary>${fields}</DataDictionary>${body}</PMML>`;

describe("nyoka: a MiningField written twice is merged (first writer of each attribute wins)", () => {
  const fields = `<DataField name="region" optype="categorical" dataType="string"><Value value="east"/><Value value="north"/></DataField>
    <DataField name="y" optype="continuous" dataType="double"/>`;
  const body = (schema: string) => `<RegressionModel functionName="regression"><MiningSchema>${schema}<MiningField name="y" usageType="target"/></MiningSchema>
    <RegressionTable intercept="1"><CategoricalPredictor name="region" value="east" coefficient="10"/><CategoricalPredictor name="region" value="north" coefficient="100"/></RegressionTable>
    </RegressionModel>`;

  it("the imputation of the first occurrence applies; disagreeing optype overrides cancel out, with a notice", () => {
    const text = doc(
      body(
        `<MiningField name="region" optype="continuous" missingValueReplacement="north" missingValueTreatment="asMode"/><MiningField name="region" optype="categorical"/>`,
      ),
      fields,
    );
    expect(scoreBoth(text, [{ region: "east" }, { region: null }])).toEqual([{ y: 11 }, { y: 101 }]);
    const pipeline = parsePmml(text);
    expect(pipeline.model.miningSchema.filter((f) => f.name === "region")).toHaveLength(1);
    expect(pipeline.notices?.join("\n")).toMatch(/MiningField "region" is written 2 times .*merged/);
  });

  it("a replacement written on the second occurrence applies too", () => {
    const text = doc(body(`<MiningField name="region"/><MiningField name="region" missingValueReplacement="east"/>`), fields);
    expect(scoreBoth(text, [{ region: null }])).toEqual([{ y: 11 }]);
  });

  it("occurrences with different usageTypes cannot be reconciled: SchemaError PMML_DUPLICATE_FIELD", () => {
    const text = doc(body(`<MiningField name="region"/><MiningField name="region" usageType="supplementary"/>`), fields);
    expect(() => parsePmml(text)).toThrow(SchemaError);
    expect(() => parsePmml(text)).toThrow(/PMML_DUPLICATE_FIELD|different usageTypes/);
  });
});

describe("a nested model sees its parent's treated value (JPMML ModelEvaluationContext; sklearn ensembles impute on the top MiningSchema)", () => {
  const fields = `<DataField name="x" optype="continuous" dataType="double"/><DataField name="y" optype="continuous" dataType="double"/>`;
  const segment = (id: number, schema: string) => `<Segment id="${id}"><True/><TreeModel functionName="regression">
      <MiningSchema><MiningField name="x"${schema}/></MiningSchema>
      <Node><True/><Node score="1"><SimplePredicate field="x" operator="lessOrEqual" value="5"/></Node><Node score="2"><SimplePredicate field="x" operator="greaterThan" value="5"/></Node></Node>
    </TreeModel></Segment>`;
  const forest = (nestedSchema: string) =>
    doc(
      `<MiningModel functionName="regression">
      <MiningSchema><MiningField name="x" missingValueReplacement="7" missingValueTreatment="asMean"/><MiningField name="y" usageType="target"/></MiningSchema>
      <Segmentation multipleModelMethod="sum">${segment(1, nestedSchema)}${segment(2, nestedSchema)}</Segmentation>
    </MiningModel>`,
      fields,
    );

  it("a plain segment MiningField passes the parent's replacement on", () => {
    expect(scoreBoth(forest(""), [{ x: 1 }, { x: 9 }, { x: null }])).toEqual([{ y: 2 }, { y: 4 }, { y: 4 }]);
  });

  it("R randomForest: segments with invalidValueTreatment=asIs under a returnInvalid top compile, and an invalid value fails the row on both backends", () => {
    const text = forest(` invalidValueTreatment="asIs"`).replace(
      '<DataField name="x" optype="continuous" dataType="double"/>',
      '<DataField name="x" optype="continuous" dataType="double"><Interval closure="closedClosed" leftMargin="0" rightMargin="100"/></DataField>',
    );
    const { interp, js } = bothBackends(text);
    expect(js.backend).toBe("js");
    expect(scoreBoth(text, [{ x: 1 }, { x: null }])).toEqual([{ y: 2 }, { y: 4 }]);
    for (const m of [interp, js]) expect(() => m.score({ x: 1000 })).toThrow(/PMML_INVALID_VALUE|invalid/);
  });

  it("a segment MiningField with the top-level model's own treatment agrees", () => {
    expect(scoreBoth(forest(` missingValueReplacement="7" missingValueTreatment="asMean"`), [{ x: null }])).toEqual([{ y: 4 }]);
  });
});

describe("R pmml gbm multinomial: an OutputField with segmentId and an expression is evaluated where that segment was scored", () => {
  const fields = `<DataField name="x" optype="continuous" dataType="double"/>
    <DataField name="k" optype="categorical" dataType="string"><Value value="a"/><Value value="b"/></DataField>`;
  const text = (output: string) =>
    doc(
      `<MiningModel functionName="classification">
      <MiningSchema><MiningField name="x"/><MiningField name="k" usageType="predicted"/></MiningSchema>
      <Output>${output}</Output>
      <Segmentation multipleModelMethod="modelChain">
        <Segment id="s1"><True/><RegressionModel functionName="regression">
          <MiningSchema><MiningField name="x"/></MiningSchema>
          <Output><OutputField name="f1" optype="continuous" dataType="double" feature="predictedValue"/></Output>
          <RegressionTable intercept="0.5"><NumericPredictor name="x" coefficient="2"/></RegressionTable>
        </RegressionModel></Segment>
        <Segment id="s2"><True/><RegressionModel functionName="classification" normalizationMethod="softmax">
          <MiningSchema><MiningField name="f1"/><MiningField name="k" usageType="predicted"/></MiningSchema>
          <RegressionTable intercept="0" targetCategory="a"><NumericPredictor name="f1" coefficient="1"/></RegressionTable>
          <RegressionTable intercept="0" targetCategory="b"/>
        </RegressionModel></Segment>
      </Segmentation></MiningModel>`,
      fields,
    );

  it("link = the FieldRef to the segment's OutputField", () => {
    const score = bothBackends(
      text(`<OutputField name="link" optype="continuous" dataType="double" feature="transformedValue" segmentId="s1"><FieldRef field="f1"/></OutputField>
      <OutputField name="twice" optype="continuous" dataType="double" feature="transformedValue" segmentId="s1"><Apply function="*"><FieldRef field="f1"/><Constant>2</Constant></Apply></OutputField>`),
    ).interp.score({ x: 1.5 });
    expect(score.link).toBe(3.5);
    expect(score.twice).toBe(7);
  });

  it("as JPMML: value names the segment's field; neither value nor expression is PMML_MISSING_ATTRIBUTE", () => {
    expect(
      bothBackends(text(`<OutputField name="link" optype="continuous" dataType="double" feature="transformedValue" segmentId="s1" value="f1"/>`)).interp.score({
        x: 1,
      }).link,
    ).toBe(2.5);
    const bad = bothBackends(text(`<OutputField name="link" optype="continuous" dataType="double" feature="transformedValue" segmentId="s1"/>`)).interp;
    expect(() => bad.score({ x: 1 })).toThrow(/PMML_MISSING_ATTRIBUTE|names the segment's field/);
  });
});

describe("RegressionModel normalizationMethod=none over more than two tables", () => {
  const fields = `<DataField name="x" optype="continuous" dataType="double"/>
    <DataField name="k" optype="categorical" dataType="string"><Value value="a"/><Value value="b"/><Value value="c"/></DataField>`;
  const model = (last: string) =>
    doc(
      `<RegressionModel functionName="classification">
      <MiningSchema><MiningField name="x"/><MiningField name="k" usageType="target"/></MiningSchema>
      <Output><OutputField name="pa" optype="continuous" dataType="double" feature="probability" value="a"/><OutputField name="pc" optype="continuous" dataType="double" feature="probability" value="c"/></Output>
      <RegressionTable intercept="-0.5" targetCategory="a"><NumericPredictor name="x" coefficient="0.1"/></RegressionTable>
      <RegressionTable intercept="-0.7" targetCategory="b"><NumericPredictor name="x" coefficient="0.2"/></RegressionTable>
      ${last}</RegressionModel>`,
      fields,
    );

  it("a reference last table (no predictors) takes the residual 1 − Σ others, as JPMML", () => {
    const [r] = scoreBoth(model(`<RegressionTable intercept="0" targetCategory="c"/>`), [{ x: 1 }]);
    expect(r.pc).toBeCloseTo(1 - (-0.4 + -0.5), 15);
    expect(r.k).toBe("c");
  });

  it("a last table with predictors of its own is its own score (nyoka's one-vs-rest LinearSVC): the largest wins", () => {
    const [r] = scoreBoth(model(`<RegressionTable intercept="-0.9" targetCategory="c"><NumericPredictor name="x" coefficient="0.3"/></RegressionTable>`), [
      { x: 1 },
    ]);
    expect(r.pc).toBeCloseTo(-0.6, 15);
    expect(r.k).toBe("a");
  });
});

describe("porta inspect / score --verbose say what was read on trust", () => {
  it("an unknown PMML version scores, with the notice on inspect and on --verbose", async () => {
    const doc = readFileSync(join(ROOT, "fixtures", "pmml", "iris-tree.pmml"), "utf8").replace('version="4.4"', 'version="4.9"');
    expect(doc).toContain('version="4.9"');
    const file = tempFiles("porta-habits-").file("iris-4.9.pmml", doc);
    const inspect = await porta("inspect", file);
    expect(inspect.stdout).toMatch(/notice: PMML version "4\.9" is not one Porta knows/);
    const score = await porta("score", file, "--input", join(ROOT, "fixtures", "pmml", "iris.csv"), "--verbose", "--no-cache");
    expect(score.code).toBe(0);
    expect(score.stderr).toMatch(/PMML version "4\.9" is not one Porta knows/);
    expect(score.stdout.trim().split("\n")).toHaveLength(9);
  });
});

describe("limits reach every phase through loadModel", () => {
  it("documentDepth, regexSteps and rowDepth given to loadModel apply to a PMML model", async () => {
    const deep = (
      n: number,
    ) => `<PMML version="4.4" xmlns="http://www.dmg.org/PMML-4_4"><Header/><DataDictionary><DataField name="x" optype="continuous" dataType="double"/><DataField name="y" optype="continuous" dataType="double"/></DataDictionary>
      <TransformationDictionary><DerivedField name="d" optype="continuous" dataType="double">${'<Apply function="abs">'.repeat(n)}<FieldRef field="x"/>${"</Apply>".repeat(n)}</DerivedField></TransformationDictionary>
      <RegressionModel functionName="regression"><MiningSchema><MiningField name="x"/><MiningField name="y" usageType="target"/></MiningSchema><RegressionTable intercept="0"><NumericPredictor name="d" coefficient="1"/></RegressionTable></RegressionModel></PMML>`;
    await expect(loadModel(deep(30))).resolves.toBeDefined();
    await expect(loadModel(deep(30), { limits: { documentDepth: 10 } })).rejects.toMatchObject({ code: "XML_TOO_DEEP" });
    const model = await loadModel(deep(1), { backend: "interp", limits: { rowDepth: 2 } });
    const { errors } = model.scoreBatch([{ x: [[[1]]] }, { x: -2 }], { onError: "collect" });
    expect(errors.map((e) => e.code)).toEqual(["ROW_TOO_DEEP"]);
  });
});

describe("porta validate --limit", () => {
  it("a limit lowered on the command line refuses the document with that limit's typed error", async () => {
    const tree = join(ROOT, "fixtures", "pmml", "iris-tree.pmml");
    expect(await porta("validate", tree, "--limit", "documentDepth=50")).toMatchObject({ code: 0, stdout: expect.stringMatching(/^ok: pmml TreeModel/) });
    expect(await porta("validate", tree, "--limit", "documentDepth=2")).toMatchObject({
      code: 65,
      stderr: expect.stringMatching(/^porta: ParseError XML_TOO_DEEP/),
    });
  });
});
