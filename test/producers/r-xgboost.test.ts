/**
 * R pmml's pmml.xgb.Booster (binary:logistic, multi:softprob): a modelChain MiningModel of
 * regression TreeModels, each with an OutputField predictedValueTree<k>, then a collecting
 * RegressionModel (softmax) whose LocalTransformations sum each class's trees into SumCat<c>.
 * Each split is a multiSplit of three children: lessThan, greaterOrEqual, isMissing. Indicator
 * features "field=level" come from xform_norm_discrete (levelSeparator "=") in the
 * TransformationDictionary.
 */
import { describe, expect, it } from "vitest";
import { expectClose, rPmml, scoreBoth } from "./both-backends.ts";

/** One split: [field, threshold, left, right, missing]; a leaf is a number. */
type XgbNode = number | [string, number, XgbNode, XgbNode, XgbNode];

function nodeXml(n: XgbNode, predicate: string): string {
  if (typeof n === "number") return `<Node score="${n}">${predicate}</Node>`;
  const [f, t, l, r, m] = n;
  return `<Node>${predicate}${nodeXml(l, `<SimplePredicate field="${f}" operator="lessThan" value="${t}"/>`)}${nodeXml(r, `<SimplePredicate field="${f}" operator="greaterOrEqual" value="${t}"/>`)}${nodeXml(m, `<SimplePredicate field="${f}" operator="isMissing"/>`)}</Node>`;
}

function evalTree(n: XgbNode, row: Record<string, number | null>): number {
  while (typeof n !== "number") {
    const [f, t, l, r, m] = n;
    const x = row[f];
    n = x === null || x === undefined ? m : x < t ? l : r;
  }
  return n;
}

const schema = (fields: string[], target: string, treatment: string) =>
  `<MiningSchema>${fields.map((f) => `<MiningField name="${f}" usageType="active" invalidValueTreatment="${treatment}"/>`).join("")}<MiningField name="${target}" usageType="predicted" invalidValueTreatment="${treatment}"/></MiningSchema>`;

function xgbDocument(opts: { inputs: string; fields: string[]; transforms?: string; trees: XgbNode[]; categories: string[]; binary: boolean }): string {
  const { fields, trees, categories } = opts;
  const segments = trees.map(
    (t, k) => `<Segment id="${k}"><True/>
   <TreeModel modelName="xboost_Model" functionName="regression" algorithmName="xgboost" splitCharacteristic="multiSplit">
    ${schema(fields, "y", "asIs")}
    <Output><OutputField name="predictedValueTree${k}" dataType="double" optype="continuous" feature="predictedValue"/></Output>
    ${typeof t === "number" ? `<Node score="${t}"><True/></Node>` : nodeXml(t, "<True/>")}
   </TreeModel></Segment>`,
  );
  const K = categories.length;
  const sums = opts.binary
    ? [
        `<DerivedField name="SumCat${categories[0]}" dataType="double" optype="continuous"><Apply function="sum">${trees.map((_t, k) => `<FieldRef field="predictedValueTree${k}"/>`).join("")}</Apply></DerivedField>`,
      ]
    : categories.map(
        (c, ci) =>
          `<DerivedField name="SumCat${c}" dataType="double" optype="continuous"><Apply function="sum">${trees
            .map((_t, k) => k)
            .filter((k) => k % K === ci)
            .map((k) => `<FieldRef field="predictedValueTree${k}"/>`)
            .join("")}</Apply></DerivedField>`,
      );
  const tables = opts.binary
    ? `<RegressionTable intercept="0" targetCategory="${categories[0]}"><NumericPredictor name="SumCat${categories[0]}" coefficient="0.0"/></RegressionTable>
       <RegressionTable intercept="0" targetCategory="${categories[1]}"><NumericPredictor name="SumCat${categories[0]}" coefficient="1.0"/></RegressionTable>`
    : categories
        .map((c) => `<RegressionTable intercept="0" targetCategory="${c}"><NumericPredictor name="SumCat${c}" coefficient="1.0"/></RegressionTable>`)
        .join("");
  return rPmml(
    `<DataDictionary numberOfFields="${fields.length + 1}">${opts.inputs}
  <DataField name="y" optype="categorical" dataType="string">${categories.map((c) => `<Value value="${c}"/>`).join("")}</DataField>
 </DataDictionary>${opts.transforms ?? ""}
 <MiningModel modelName="xboost_Model" algorithmName="xgboost" functionName="classification">
  ${schema(fields, "y", "returnInvalid")}
  <Output>
   <OutputField name="Predicted_y" optype="categorical" dataType="string" feature="predictedValue"/>
   ${categories.map((c) => `<OutputField name="Probability_${c}" optype="continuous" dataType="double" feature="probability" value="${c}"/>`).join("")}
  </Output>
  <Segmentation multipleModelMethod="modelChain">${segments.join("\n")}
   <Segment id="${trees.length}"><True/>
    <RegressionModel functionName="classification" normalizationMethod="softmax" modelName="CollectingModel">
     <MiningSchema>${trees.map((_t, k) => `<MiningField name="predictedValueTree${k}" usageType="active" optype="continuous" invalidValueTreatment="asIs"/>`).join("")}</MiningSchema>
     <LocalTransformations>${sums.join("")}</LocalTransformations>
     ${tables}
    </RegressionModel>
   </Segment>
  </Segmentation>
 </MiningModel>`,
    "Extreme Gradient Boosting Model",
  );
}

const numericInputs = `<DataField name="a" optype="continuous" dataType="double"/><DataField name="b" optype="continuous" dataType="double"/>`;

describe("R pmml xgb.Booster", () => {
  it("binary:logistic: the last segment sums predictedValueTree<k> of the earlier segments (LocalTransformations reading chain OutputFields) and softmax over 0*s and 1*s is the logistic of the margin", () => {
    const trees: XgbNode[] = [["a", 2.5, -0.4, 0.6, 0.6], ["b", 1, ["a", 1, -0.25, 0.125, -0.25], 0.3, -0.1], 0.05];
    const text = xgbDocument({ inputs: numericInputs, fields: ["a", "b"], trees, categories: ["0", "1"], binary: true });
    const rows = [
      { a: 1, b: 0.5 },
      { a: 3, b: 2 },
      { a: null, b: null },
      { a: 0.5, b: 0 },
      { a: 2.5, b: 1 },
    ];
    const got = scoreBoth(text, rows);
    rows.forEach((row, i) => {
      const margin = trees.reduce<number>((s, t) => s + evalTree(t, row), 0);
      const p1 = 1 / (1 + Math.exp(-margin));
      expectClose(got[i].Probability_1, p1);
      expectClose(got[i].Probability_0, 1 - p1);
      expect(got[i].Predicted_y).toBe(p1 > 0.5 ? "1" : "0");
      expect(got[i].y).toBe(got[i].Predicted_y);
    });
  });

  it("multi:softprob: tree k belongs to class k mod K (round-major), SumCat<c> per class, softmax over the sums", () => {
    const categories = ["1", "2", "3"];
    const trees: XgbNode[] = [
      ["a", 0, 0.4, -0.2, 0.1],
      ["b", 3, -0.3, 0.5, 0],
      ["a", 1.5, -0.1, 0.2, -0.2],
      ["b", 1, 0.2, -0.1, 0.05],
      ["a", -1, 0.3, -0.05, 0.2],
      ["b", 2, ["a", 0.5, 0.1, 0.3, 0], -0.4, 0.15],
    ];
    const text = xgbDocument({ inputs: numericInputs, fields: ["a", "b"], trees, categories, binary: false });
    const rows = [
      { a: -2, b: 0 },
      { a: 1, b: 4 },
      { a: 2, b: 1.5 },
      { a: null, b: 2.5 },
      { a: 0.7, b: null },
    ];
    const got = scoreBoth(text, rows);
    rows.forEach((row, i) => {
      const sums = categories.map((_c, ci) => trees.reduce<number>((s, t, k) => (k % 3 === ci ? s + evalTree(t, row) : s), 0));
      const max = Math.max(...sums);
      const e = sums.map((s) => Math.exp(s - max));
      const total = e.reduce((x, y) => x + y, 0);
      categories.forEach((c, ci) => expectClose(got[i][`Probability_${c}`], e[ci] / total));
      expect(got[i].Predicted_y).toBe(categories[sums.indexOf(max)]);
    });
  });

  it('indicator features from xform_norm_discrete (DerivedField "colour=red" of NormDiscrete) split like numbers; a missing colour takes the isMissing child', () => {
    const inputs = `<DataField name="colour" optype="categorical" dataType="string"><Value value="red"/><Value value="blue"/></DataField><DataField name="a" optype="continuous" dataType="double"/>`;
    const transforms = `<TransformationDictionary>
   <DerivedField name="colour=red" optype="continuous" dataType="double"><NormDiscrete field="colour" value="red"/></DerivedField>
   <DerivedField name="colour=blue" optype="continuous" dataType="double"><NormDiscrete field="colour" value="blue"/></DerivedField>
  </TransformationDictionary>`;
    const trees: XgbNode[] = [
      ["colour=red", 0.5, -0.3, 0.7, 0.2],
      ["a", 10, 0.1, ["colour=blue", 0.5, 0.05, -0.6, 0.4], -0.2],
    ];
    const text = xgbDocument({ inputs, transforms, fields: ["colour", "a"], trees, categories: ["no", "yes"], binary: true });
    const rows = [
      { colour: "red", a: 1 },
      { colour: "blue", a: 20 },
      { colour: null, a: 20 },
      { colour: "red", a: null },
    ];
    const got = scoreBoth(text, rows);
    rows.forEach((row, i) => {
      const x = {
        "colour=red": row.colour === null ? null : row.colour === "red" ? 1 : 0,
        "colour=blue": row.colour === null ? null : row.colour === "blue" ? 1 : 0,
        a: row.a,
      };
      const margin = trees.reduce<number>((s, t) => s + evalTree(t, x), 0);
      expectClose(got[i].Probability_yes, 1 / (1 + Math.exp(-margin)));
    });
  });

  it("without output_categories (regression) the exporter writes no collecting model: a modelChain answers its last segment, so only the last tree (PMML 4.4 §Segmentation modelChain)", () => {
    const trees: XgbNode[] = [
      ["a", 2.5, -0.4, 0.6, 0.6],
      ["b", 1, 0.125, 0.3, -0.1],
    ];
    const segments = trees
      .map(
        (t, k) => `<Segment id="${k}"><True/>
   <TreeModel modelName="xboost_Model" functionName="regression" algorithmName="xgboost" splitCharacteristic="multiSplit">
    ${schema(["a", "b"], "y", "asIs")}
    <Output><OutputField name="predictedValueTree${k}" dataType="double" optype="continuous" feature="predictedValue"/></Output>
    ${nodeXml(t, "<True/>")}
   </TreeModel></Segment>`,
      )
      .join("");
    const text = rPmml(`<DataDictionary numberOfFields="3">${numericInputs}<DataField name="y" optype="continuous" dataType="double"/></DataDictionary>
 <MiningModel modelName="xboost_Model" algorithmName="xgboost" functionName="regression">
  ${schema(["a", "b"], "y", "returnInvalid")}
  <Segmentation multipleModelMethod="modelChain">${segments}</Segmentation>
 </MiningModel>`);
    const rows = [
      { a: 1, b: 0.5 },
      { a: 3, b: 2 },
      { a: 3, b: null },
    ];
    const got = scoreBoth(text, rows);
    rows.forEach((row, i) => expectClose(got[i].y, evalTree(trees[1], row)));
  });
});
