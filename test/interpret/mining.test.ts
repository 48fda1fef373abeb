import { describe, expect, it } from "vitest";
import { parsePmml } from "@porta/pmml";
import { EvaluationError, SchemaError, UnsupportedFeatureError, interpret } from "@porta/ir";

/** PMML 4.4 §MultipleModels, checked on small documents written for each rule. */

const DICTIONARY = `
  <DataDictionary>
    <DataField name="x" optype="continuous" dataType="double"/>
    <DataField name="color" optype="categorical" dataType="string">
      <Value value="red"/><Value value="green"/>
    </DataField>
    <DataField name="y" optype="continuous" dataType="double"/>
    <DataField name="class" optype="categorical" dataType="string">
      <Value value="a"/><Value value="b"/><Value value="c"/>
    </DataField>
  </DataDictionary>`;

function doc(model: string, transformations = ""): string {
  return `<PMML version="4.4" xmlns="http://www.dmg.org/PMML-4_4"><Header/>${DICTIONARY}${transformations}${model}</PMML>`;
}

/** A classification tree whose root predicts a fixed distribution. */
function classifier(dist: Record<string, number>, extra = ""): string {
  const entries = Object.entries(dist);
  const score = entries.reduce((best, e) => (e[1] > best[1] ? e : best))[0];
  return `<TreeModel functionName="classification">
    <MiningSchema><MiningField name="x"/><MiningField name="class" usageType="target"/></MiningSchema>${extra}
    <Node score="${score}"><True/>${entries.map(([c, p]) => `<ScoreDistribution value="${c}" recordCount="${p * 10}" probability="${p}"/>`).join("")}</Node>
  </TreeModel>`;
}

/** A regression model predicting a constant, or a missing value when x is missing. */
function regressor(intercept: number, extra = ""): string {
  return `<RegressionModel functionName="regression">
    <MiningSchema><MiningField name="x"/><MiningField name="y" usageType="target"/></MiningSchema>${extra}
    <RegressionTable intercept="${intercept}"><NumericPredictor name="x" coefficient="0"/></RegressionTable>
  </RegressionModel>`;
}

function segment(model: string, attrs = "", predicate = "<True/>"): string {
  return `<Segment ${attrs}>${predicate}${model}</Segment>`;
}

function mining(
  fn: string,
  method: string,
  segments: string[],
  opts: { target?: string; output?: string; segmentationAttrs?: string; extra?: string; segmentationExtra?: string } = {},
): string {
  const target = opts.target ?? (fn === "regression" ? "y" : "class");
  return `<MiningModel functionName="${fn}">
    <MiningSchema><MiningField name="x"/><MiningField name="color"/><MiningField name="${target}" usageType="target"/></MiningSchema>
    ${opts.output ? `<Output>${opts.output}</Output>` : ""}${opts.extra ?? ""}
    <Segmentation multipleModelMethod="${method}" ${opts.segmentationAttrs ?? ""}>${opts.segmentationExtra ?? ""}${segments.join("")}</Segmentation>
  </MiningModel>`;
}

const PROBABILITIES = `
  <OutputField name="pa" feature="probability" value="a" dataType="double"/>
  <OutputField name="pb" feature="probability" value="b" dataType="double"/>
  <OutputField name="pc" feature="probability" value="c" dataType="double"/>`;

function score(text: string, row: Record<string, unknown> = { x: 1 }) {
  return interpret(parsePmml(text), row);
}

describe("MiningModel regression methods", () => {
  const three = [segment(regressor(1)), segment(regressor(2), 'weight="2"'), segment(regressor(10), 'weight="0.5"')];

  it("sum adds the segment predictions in order", () => {
    expect(score(doc(mining("regression", "sum", three))).y).toBe(13);
  });

  it("weightedSum adds weight × prediction", () => {
    expect(score(doc(mining("regression", "weightedSum", three))).y).toBe(1 + 4 + 5);
  });

  it("average divides the sum by the number of segments", () => {
    expect(score(doc(mining("regression", "average", three))).y).toBe(13 / 3);
  });

  it("weightedAverage divides Σ weight × prediction by Σ weight", () => {
    expect(score(doc(mining("regression", "weightedAverage", three))).y).toBe(10 / 3.5);
  });

  it("median takes the middle prediction, interpolating between the two middle ones", () => {
    expect(score(doc(mining("regression", "median", three))).y).toBe(2);
    const four = [...three, segment(regressor(4))];
    expect(score(doc(mining("regression", "median", four))).y).toBe(3);
  });

  it("weightedMedian takes the prediction where the cumulated weight reaches half the total", () => {
    // Sorted: 1 (w 1), 2 (w 2), 10 (w 0.5); half of 3.5 is reached at 2.
    expect(score(doc(mining("regression", "weightedMedian", three))).y).toBe(2);
    const heavy = [segment(regressor(1)), segment(regressor(2)), segment(regressor(10), 'weight="5"')];
    expect(score(doc(mining("regression", "weightedMedian", heavy))).y).toBe(10);
  });

  it("Targets rescale the combined prediction (boosting: sum of trees, then a constant)", () => {
    const targets = `<Targets><Target field="y" rescaleConstant="0.5" rescaleFactor="2"/></Targets>`;
    expect(score(doc(mining("regression", "sum", three, { extra: targets }))).y).toBe(13 * 2 + 0.5);
  });

  it("only segments whose predicate is TRUE take part; UNKNOWN counts as not TRUE", () => {
    const segs = [
      segment(regressor(1), "", `<SimplePredicate field="x" operator="greaterThan" value="0"/>`),
      segment(regressor(100), "", `<SimplePredicate field="x" operator="lessOrEqual" value="0"/>`),
      segment(regressor(5), "", `<SimplePredicate field="color" operator="equal" value="red"/>`),
    ];
    expect(score(doc(mining("regression", "sum", segs)), { x: 1, color: "red" }).y).toBe(6);
    expect(score(doc(mining("regression", "sum", segs)), { x: -1, color: "green" }).y).toBe(100);
  });

  it("no segment selected: the prediction is missing (or the Target's defaultValue)", () => {
    const segs = [segment(regressor(1), "", `<SimplePredicate field="x" operator="greaterThan" value="0"/>`)];
    expect(score(doc(mining("regression", "sum", segs)), { x: -1 }).y).toBeNull();
    expect(score(doc(mining("regression", "sum", segs)), { x: null }).y).toBeNull();
    const targets = `<Targets><Target field="y"><TargetValue defaultValue="42"/></Target></Targets>`;
    expect(score(doc(mining("regression", "sum", segs, { extra: targets })), { x: -1 }).y).toBe(42);
  });
});

describe("MiningModel classification methods", () => {
  const dists = [
    { a: 0.8, b: 0.1, c: 0.1 },
    { a: 0.5, b: 0.1, c: 0.4 },
    { a: 0.1, b: 0.1, c: 0.8 },
  ];

  it("majorityVote: the most voted category; probabilities are the vote shares", () => {
    const segs = [segment(classifier(dists[0])), segment(classifier(dists[2])), segment(classifier(dists[1]))];
    const r = score(doc(mining("classification", "majorityVote", segs, { output: PROBABILITIES })));
    expect(r).toEqual({ class: "a", pa: 2 / 3, pb: 0, pc: 1 / 3 });
  });

  it("majorityVote ties go to the category voted first", () => {
    const segs = [segment(classifier(dists[2])), segment(classifier(dists[0]))];
    expect(score(doc(mining("classification", "majorityVote", segs))).class).toBe("c");
  });

  it("weightedMajorityVote sums Segment weights", () => {
    const segs = [segment(classifier(dists[0])), segment(classifier(dists[2]), 'weight="3"'), segment(classifier(dists[1]))];
    const r = score(doc(mining("classification", "weightedMajorityVote", segs, { output: PROBABILITIES })));
    expect(r).toEqual({ class: "c", pa: 2 / 5, pb: 0, pc: 3 / 5 });
  });

  it("average: the mean of the segments' probabilities", () => {
    const segs = dists.map((d) => segment(classifier(d)));
    const r = score(doc(mining("classification", "average", segs, { output: PROBABILITIES })));
    expect(r.class).toBe("a");
    expect(r.pa).toBe((0.8 + 0.5 + 0.1) / 3);
    expect(r.pc).toBe((0.1 + 0.4 + 0.8) / 3);
  });

  it("weightedAverage: Σ weight × probability / Σ weight", () => {
    const segs = [segment(classifier(dists[0])), segment(classifier(dists[1])), segment(classifier(dists[2]), 'weight="4"')];
    const r = score(doc(mining("classification", "weightedAverage", segs, { output: PROBABILITIES })));
    expect(r.class).toBe("c");
    expect(r.pc).toBe((0.1 + 0.4 + 4 * 0.8) / 6);
  });

  it("max: the category with the highest probability in any segment; the distributions of the segments that gave it are averaged", () => {
    const segs = dists.map((d) => segment(classifier(d)));
    // a and c both reach 0.8; a comes first among the target's categories.
    const r = score(doc(mining("classification", "max", segs, { output: PROBABILITIES })));
    expect(r).toEqual({ class: "a", pa: 0.8, pb: 0.1, pc: 0.1 });
  });

  it("median: the category with the highest median probability; the segments closest to it are averaged", () => {
    const segs = [segment(classifier({ a: 0.6, b: 0.4 })), segment(classifier({ a: 0.3, b: 0.7 })), segment(classifier({ a: 0.55, b: 0.45 }))];
    // Medians: a 0.55, b 0.45 → a; the segment with a = 0.55 gives the distribution.
    const r = score(doc(mining("classification", "median", segs, { output: PROBABILITIES })));
    expect(r).toEqual({ class: "a", pa: 0.55, pb: 0.45, pc: 0 });
  });

  it("sum and weightedMedian do not apply to classification (SchemaError)", () => {
    const segs = dists.map((d) => segment(classifier(d)));
    expect(() => score(doc(mining("classification", "sum", segs)))).toThrow(SchemaError);
    expect(() => score(doc(mining("classification", "weightedMedian", segs)))).toThrow(SchemaError);
  });

  it("segments must share the MiningModel's functionName (except in modelChain)", () => {
    const segs = [segment(classifier(dists[0])), segment(regressor(1))];
    expect(() => score(doc(mining("classification", "majorityVote", segs)))).toThrow(SchemaError);
  });
});

describe("MiningModel selectFirst, selectAll and modelChain", () => {
  it("selectFirst: the first segment whose predicate is TRUE gives the result and its OutputFields", () => {
    const out = `<Output><OutputField name="seg" feature="predictedValue" dataType="double"/></Output>`;
    const segs = [
      segment(regressor(1, out), 'id="low"', `<SimplePredicate field="x" operator="lessThan" value="0"/>`),
      segment(regressor(2, out), 'id="high"', `<SimplePredicate field="x" operator="greaterOrEqual" value="0"/>`),
      segment(regressor(3, out), 'id="any"', "<True/>"),
    ];
    const text = doc(mining("regression", "selectFirst", segs));
    expect(score(text, { x: -5 })).toEqual({ y: 1, seg: 1 });
    expect(score(text, { x: 5 })).toEqual({ y: 2, seg: 2 });
    expect(score(text, { x: null })).toEqual({ y: null, seg: null });
  });

  it("selectFirst passes the segment's result through without the MiningModel's Targets", () => {
    const targets = `<Targets><Target field="y" rescaleFactor="10"/></Targets>`;
    expect(score(doc(mining("regression", "selectFirst", [segment(regressor(2))], { extra: targets }))).y).toBe(2);
  });

  it("selectAll returns every selected segment's prediction", () => {
    const segs = [segment(regressor(1)), segment(regressor(2), "", "<False/>"), segment(regressor(3))];
    expect(score(doc(mining("regression", "selectAll", segs))).y).toEqual([1, 3]);
  });

  it("modelChain: each segment's OutputFields are inputs of the later segments; the last one predicts", () => {
    const first = `<RegressionModel functionName="regression">
      <MiningSchema><MiningField name="x"/><MiningField name="y" usageType="target"/></MiningSchema>
      <Output><OutputField name="score1" feature="predictedValue" dataType="double" isFinalResult="false"/></Output>
      <RegressionTable intercept="1"><NumericPredictor name="x" coefficient="2"/></RegressionTable>
    </RegressionModel>`;
    const second = `<RegressionModel functionName="classification" normalizationMethod="logit">
      <MiningSchema><MiningField name="score1"/><MiningField name="class" usageType="target"/></MiningSchema>
      <Output><OutputField name="p_a" feature="probability" value="a" dataType="double"/></Output>
      <RegressionTable intercept="0" targetCategory="a"><NumericPredictor name="score1" coefficient="1"/></RegressionTable>
      <RegressionTable intercept="0" targetCategory="b"/>
    </RegressionModel>`;
    const segs = [segment(first), segment(second, "", `<SimplePredicate field="score1" operator="greaterThan" value="0"/>`)];
    const text = doc(
      mining("classification", "modelChain", segs, {
        output: `<OutputField name="chained" feature="transformedValue" dataType="double"><FieldRef field="score1"/></OutputField>`,
      }),
    );
    const r = score(text, { x: 1 });
    expect(r.class).toBe("a");
    expect(r.p_a).toBe(1 / (1 + Math.exp(-3)));
    expect(r.chained).toBe(3);
    // score1 = -1: the second segment's predicate is FALSE; the chain ends at a regression segment.
    expect(() => score(text, { x: -1 })).toThrow(SchemaError);
  });
});

describe("MiningModel missingPredictionTreatment", () => {
  // The third segment's prediction is missing when color is (a missing NumericPredictor input;
  // a missing CategoricalPredictor input would only be ignored).
  const segs = [
    segment(regressor(1)),
    segment(regressor(2)),
    segment(`<RegressionModel functionName="regression">
      <MiningSchema><MiningField name="color"/><MiningField name="y" usageType="target"/></MiningSchema>
      <LocalTransformations><DerivedField name="isRed" dataType="double" optype="continuous"><NormDiscrete field="color" value="red"/></DerivedField></LocalTransformations>
      <RegressionTable intercept="10"><NumericPredictor name="isRed" coefficient="1"/></RegressionTable>
    </RegressionModel>`),
  ];

  it("continue (default): a missing segment prediction makes an average missing", () => {
    expect(score(doc(mining("regression", "average", segs)), { x: 1, color: null }).y).toBeNull();
    expect(score(doc(mining("regression", "average", segs)), { x: 1, color: "red" }).y).toBe(14 / 3);
  });

  it("skipSegment: the missing segment is left out while the missing weight stays within missingThreshold", () => {
    const skip = doc(mining("regression", "average", segs, { segmentationAttrs: 'missingPredictionTreatment="skipSegment"' }));
    expect(score(skip, { x: 1, color: null }).y).toBe(1.5);
    const strict = doc(mining("regression", "average", segs, { segmentationAttrs: 'missingPredictionTreatment="skipSegment" missingThreshold="0.3"' }));
    expect(score(strict, { x: 1, color: null }).y).toBeNull();
  });

  it("x-missingPredictionTreatment / x-missingThreshold: JPMML's pre-4.4 spellings are read as the 4.4 attributes", () => {
    const skip = doc(mining("regression", "average", segs, { segmentationAttrs: 'x-missingPredictionTreatment="skipSegment"' }));
    expect(score(skip, { x: 1, color: null }).y).toBe(1.5);
    const strict = doc(mining("regression", "average", segs, { segmentationAttrs: 'x-missingPredictionTreatment="skipSegment" x-missingThreshold="0.3"' }));
    expect(score(strict, { x: 1, color: null }).y).toBeNull();
  });

  it("returnMissing: any missing segment prediction makes the result missing", () => {
    const text = doc(mining("regression", "sum", segs, { segmentationAttrs: 'missingPredictionTreatment="returnMissing"' }));
    expect(score(text, { x: 1, color: null }).y).toBeNull();
  });

  it("continue with votes: missing is a pseudo-category that wins only with strictly more votes", () => {
    const missingTree = `<TreeModel functionName="classification" noTrueChildStrategy="returnNullPrediction">
      <MiningSchema><MiningField name="x"/><MiningField name="class" usageType="target"/></MiningSchema>
      <Node><True/><Node score="b"><SimplePredicate field="x" operator="greaterThan" value="100"/></Node></Node>
    </TreeModel>`;
    const two = [segment(missingTree), segment(missingTree), segment(classifier({ a: 1 }))];
    expect(score(doc(mining("classification", "majorityVote", two)), { x: 1 }).class).toBeNull();
    const one = [segment(missingTree), segment(classifier({ a: 1 }))];
    expect(score(doc(mining("classification", "majorityVote", one)), { x: 1 }).class).toBe("a");
  });

  it("missingThreshold must lie in [0, 1] (SchemaError)", () => {
    expect(() => parsePmml(doc(mining("regression", "sum", segs, { segmentationAttrs: 'missingThreshold="1.5"' })))).toThrow(SchemaError);
  });
});

describe("MiningModel fields, outputs and nesting", () => {
  it("OutputField/@segmentId reports that segment's result; missing when the segment did not run", () => {
    const segs = [segment(regressor(1), 'id="one"'), segment(regressor(2), 'id="two"', "<False/>"), segment(regressor(3))];
    const output = `
      <OutputField name="first" segmentId="one" feature="predictedValue" dataType="double"/>
      <OutputField name="second" segmentId="two" feature="predictedValue" dataType="double"/>
      <OutputField name="third" segmentId="3" feature="predictedValue" dataType="double"/>
      <OutputField name="firstTarget" segmentId="one" feature="transformedValue" value="y" dataType="double"/>`;
    expect(score(doc(mining("regression", "sum", segs, { output })))).toEqual({ y: 4, first: 1, second: null, third: 3, firstTarget: 1 });
  });

  it("Segmentation LocalTransformations (PMML 4.4) are visible to every segment", () => {
    const local = `<LocalTransformations><DerivedField name="x2" optype="continuous" dataType="double">
      <NormContinuous field="x"><LinearNorm orig="0" norm="0"/><LinearNorm orig="1" norm="2"/></NormContinuous></DerivedField></LocalTransformations>`;
    const model = `<RegressionModel functionName="regression">
      <MiningSchema><MiningField name="x2"/><MiningField name="y" usageType="target"/></MiningSchema>
      <RegressionTable intercept="0"><NumericPredictor name="x2" coefficient="1"/></RegressionTable></RegressionModel>`;
    const text = doc(mining("regression", "sum", [segment(model), segment(model)], { segmentationExtra: local }));
    expect(score(text, { x: 3 }).y).toBe(12);
  });

  it("a segment's LocalTransformations are evaluated in that segment's scope", () => {
    const model = `<RegressionModel functionName="regression">
      <MiningSchema><MiningField name="x"/><MiningField name="y" usageType="target"/></MiningSchema>
      <LocalTransformations><DerivedField name="x3" optype="continuous" dataType="double">
        <NormContinuous field="x"><LinearNorm orig="0" norm="0"/><LinearNorm orig="1" norm="3"/></NormContinuous></DerivedField></LocalTransformations>
      <RegressionTable intercept="0"><NumericPredictor name="x3" coefficient="1"/></RegressionTable></RegressionModel>`;
    expect(score(doc(mining("regression", "average", [segment(model), segment(regressor(1))])), { x: 1 }).y).toBe(2);
  });

  it("nested MiningModels combine bottom-up", () => {
    const inner = `<MiningModel functionName="regression">
      <MiningSchema><MiningField name="x"/><MiningField name="y" usageType="target"/></MiningSchema>
      <Segmentation multipleModelMethod="sum">${segment(regressor(1))}${segment(regressor(2))}</Segmentation></MiningModel>`;
    expect(score(doc(mining("regression", "average", [segment(inner), segment(regressor(5))]))).y).toBe(4);
  });

  it("an invalid input fails under returnInvalid (EvaluationError); an unseen category under asIs selects no equal-predicate segment", () => {
    const segs = [segment(regressor(1), "", `<SimplePredicate field="color" operator="equal" value="red"/>`), segment(regressor(2))];
    const text = doc(mining("regression", "sum", segs));
    expect(() => score(text, { x: "abc", color: "red" })).toThrow(EvaluationError);
    expect(() => score(text, { x: 1, color: "blue" })).toThrow(EvaluationError);
    const asIs = text.replace('<MiningField name="color"/>', '<MiningField name="color" invalidValueTreatment="asIs"/>');
    expect(score(asIs, { x: 1, color: "blue" }).y).toBe(2);
  });
});

describe("MiningModel document errors", () => {
  it("Segmentation is required; multipleModelMethod must be a PMML value", () => {
    expect(() => parsePmml(doc(`<MiningModel functionName="regression"><MiningSchema/></MiningModel>`))).toThrow(SchemaError);
    expect(() => parsePmml(doc(mining("regression", "mode", [segment(regressor(1))])))).toThrow(SchemaError);
  });

  it("a Segment holds exactly one model", () => {
    expect(() => parsePmml(doc(mining("regression", "sum", [segment("")])))).toThrow(SchemaError);
  });

  it("VariableWeight and multiModelChain are reported as unsupported", () => {
    const vw = `<Segment><True/><VariableWeight field="x"/>${regressor(1)}</Segment>`;
    expect(() => parsePmml(doc(mining("regression", "sum", [vw])))).toThrow(UnsupportedFeatureError);
    expect(() => parsePmml(doc(mining("regression", "x-multiModelChain", [segment(regressor(1))])))).toThrow(UnsupportedFeatureError);
  });
});
