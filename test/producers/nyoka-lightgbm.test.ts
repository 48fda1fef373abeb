/**
 * nyoka's LGBMRegressor / LGBMClassifier: TreeModels (missingValueStrategy="none",
 * noTrueChildStrategy="returnLastPrediction", multiSplit) whose splits are lessOrEqual /
 * greaterThan with the threshold written "{:.16f}" (LightGBM's x <= t goes left). The regressor
 * is one MiningModel sum. The binary classifier is a modelChain: a sum MiningModel with OutputField
 * lgbValue (double, isFinalResult="false"), then a RegressionModel with normalizationMethod="logit"
 * (lgbValue·1 for the last class, an empty table for the first). The multiclass classifier has one
 * sum MiningModel per class (trees k, k+K, …) with OutputField lgbValue(k) of dataType float,
 * then a softmax RegressionModel.
 */
import { describe, expect, it } from "vitest";
import { expectClose, nyokaPmml, scoreBoth } from "./both-backends.ts";

type Tree = number | [string, number, Tree, Tree];

function nodeXml(t: Tree, predicate: string): string {
  if (typeof t === "number") return `<Node score="${t}">${predicate}</Node>`;
  const [f, th, l, r] = t;
  const v = th.toFixed(16);
  return `<Node>${predicate}${nodeXml(l, `<SimplePredicate field="${f}" operator="lessOrEqual" value="${v}"/>`)}${nodeXml(r, `<SimplePredicate field="${f}" operator="greaterThan" value="${v}"/>`)}</Node>`;
}

function evalTree(t: Tree, row: Record<string, number>): number {
  if (typeof t === "number") return t;
  return evalTree(row[t[0]] <= t[1] ? t[2] : t[3], row);
}

const fields = ["f1", "f2"];
const activeFields = fields.map((f) => `<MiningField name="${f}"/>`).join("");
const treeSegments = (trees: Tree[]) =>
  trees
    .map(
      (t, i) => `<Segment id="${i + 1}"><True/>
  <TreeModel modelName="DecisionTreeModel" functionName="regression" missingValueStrategy="none" noTrueChildStrategy="returnLastPrediction" splitCharacteristic="multiSplit">
   <MiningSchema>${activeFields}</MiningSchema>${nodeXml(t, "<True/>")}
  </TreeModel></Segment>`,
    )
    .join("\n");

const dataDictionary = (target: string) => `<DataDictionary numberOfFields="3">
  <DataField name="f1" optype="continuous" dataType="double"/><DataField name="f2" optype="continuous" dataType="double"/>${target}
 </DataDictionary>`;

const rows = [
  { f1: 0.5, f2: 1 },
  { f1: 1.25, f2: -0.5 },
  { f1: 1.5, f2: 2 },
  { f1: -3, f2: 0.75 },
];

describe("nyoka LightGBM", () => {
  const trees: Tree[] = [
    ["f1", 1.25, ["f2", 0.75, -0.31, 0.12], 0.44],
    ["f2", 1.5, 0.05, -0.2],
    ["f1", 0, 0.08, ["f2", -0.5, 0.3, -0.02]],
  ];

  it("LGBMRegressor: one sum MiningModel; lessOrEqual goes left, so a value equal to the threshold takes the left child", () => {
    const text = nyokaPmml(`${dataDictionary(`<DataField name="y" optype="continuous" dataType="double"/>`)}
 <MiningModel modelName="LightGBModel" functionName="regression">
  <MiningSchema><MiningField name="f1" usageType="active" optype="continuous"/><MiningField name="f2" usageType="active" optype="continuous"/><MiningField name="y" usageType="target" optype="continuous"/></MiningSchema>
  <Output><OutputField name="predicted_y" optype="continuous" dataType="double" feature="predictedValue"/></Output>
  <Segmentation multipleModelMethod="sum">${treeSegments(trees)}</Segmentation>
 </MiningModel>`);
    const got = scoreBoth(text, rows);
    rows.forEach((row, i) =>
      expectClose(
        got[i].predicted_y,
        trees.reduce<number>((s, t) => s + evalTree(t, row), 0),
      ),
    );
  });

  it("LGBMClassifier binary: modelChain of the lgbValue sum (isFinalResult=false) and a logit RegressionModel", () => {
    const text =
      nyokaPmml(`${dataDictionary(`<DataField name="churn" optype="categorical" dataType="string"><Value value="no"/><Value value="yes"/></DataField>`)}
 <MiningModel modelName="LightGBModel" functionName="classification">
  <MiningSchema><MiningField name="f1" usageType="active" optype="continuous"/><MiningField name="f2" usageType="active" optype="continuous"/><MiningField name="churn" usageType="target" optype="categorical"/></MiningSchema>
  <Output>
   <OutputField name="probability_no" optype="continuous" dataType="double" feature="probability" value="no"/>
   <OutputField name="probability_yes" optype="continuous" dataType="double" feature="probability" value="yes"/>
   <OutputField name="predicted_churn" optype="categorical" dataType="string" feature="predictedValue"/>
  </Output>
  <Segmentation multipleModelMethod="modelChain">
   <Segment id="1"><True/>
    <MiningModel modelName="MiningModel" functionName="regression">
     <MiningSchema>${activeFields}</MiningSchema>
     <Output><OutputField name="lgbValue" optype="continuous" dataType="double" feature="predictedValue" isFinalResult="false"/></Output>
     <Segmentation multipleModelMethod="sum">${treeSegments(trees)}</Segmentation>
    </MiningModel>
   </Segment>
   <Segment id="2"><True/>
    <RegressionModel modelName="LightGBModel" functionName="classification" normalizationMethod="logit">
     <MiningSchema><MiningField name="lgbValue"/><MiningField name="churn" usageType="target"/></MiningSchema>
     <RegressionTable intercept="0.0" targetCategory="yes"><NumericPredictor name="lgbValue" coefficient="1.0"/></RegressionTable>
     <RegressionTable intercept="0.0" targetCategory="no"/>
    </RegressionModel>
   </Segment>
  </Segmentation>
 </MiningModel>`);
    const got = scoreBoth(text, rows);
    rows.forEach((row, i) => {
      const p = 1 / (1 + Math.exp(-trees.reduce<number>((s, t) => s + evalTree(t, row), 0)));
      expectClose(got[i].probability_yes, p);
      expectClose(got[i].probability_no, 1 - p);
      expect(got[i].predicted_churn).toBe(p > 0.5 ? "yes" : "no");
    });
  });

  it("LGBMClassifier multiclass: per-class sums lgbValue(k) are OutputFields of dataType float (rounded to single precision) before the softmax", () => {
    const K = 3;
    const all: Tree[] = [
      ["f1", 0.5, 0.21, -0.13],
      ["f2", 0, -0.4, 0.33],
      ["f1", -1, 0.1, 0.05],
      ["f2", 1.25, 0.07, -0.11],
      ["f1", 1.3, ["f2", 0.9, 0.2, -0.3], 0.01],
      ["f2", -0.25, 0.17, -0.09],
    ];
    const classes = ["a", "b", "c"];
    const perClass = classes.map((_c, k) => all.filter((_t, j) => j % K === k));
    const segments = perClass
      .map(
        (ts, k) => `<Segment id="${k + 1}"><True/>
    <MiningModel modelName="MiningModel" functionName="regression">
     <MiningSchema>${activeFields}</MiningSchema>
     <Output><OutputField name="lgbValue(${k})" optype="continuous" dataType="float" feature="predictedValue" isFinalResult="true"/></Output>
     <Segmentation multipleModelMethod="sum">${treeSegments(ts)}</Segmentation>
    </MiningModel></Segment>`,
      )
      .join("\n");
    const text =
      nyokaPmml(`${dataDictionary(`<DataField name="kind" optype="categorical" dataType="string"><Value value="a"/><Value value="b"/><Value value="c"/></DataField>`)}
 <MiningModel modelName="LightGBModel" functionName="classification">
  <MiningSchema><MiningField name="f1" usageType="active" optype="continuous"/><MiningField name="f2" usageType="active" optype="continuous"/><MiningField name="kind" usageType="target" optype="categorical"/></MiningSchema>
  <Output>${classes.map((c) => `<OutputField name="probability_${c}" optype="continuous" dataType="double" feature="probability" value="${c}"/>`).join("")}<OutputField name="predicted_kind" optype="categorical" dataType="string" feature="predictedValue"/></Output>
  <Segmentation multipleModelMethod="modelChain">${segments}
   <Segment id="${K + 1}"><True/>
    <RegressionModel modelName="LightGBModel" functionName="classification" normalizationMethod="softmax">
     <MiningSchema>${classes.map((_c, k) => `<MiningField name="lgbValue(${k})"/>`).join("")}<MiningField name="kind" usageType="target"/></MiningSchema>
     ${classes.map((c, k) => `<RegressionTable intercept="0.0" targetCategory="${c}"><NumericPredictor name="lgbValue(${k})" coefficient="1.0"/></RegressionTable>`).join("")}
    </RegressionModel>
   </Segment>
  </Segmentation>
 </MiningModel>`);
    const got = scoreBoth(text, rows);
    rows.forEach((row, i) => {
      const sums = perClass.map((ts) => Math.fround(ts.reduce<number>((s, t) => s + evalTree(t, row), 0)));
      const e = sums.map((s) => Math.exp(s));
      const total = e.reduce((a, b) => a + b, 0);
      classes.forEach((c, k) => expectClose(got[i][`probability_${c}`], e[k] / total));
      expect(got[i].predicted_kind).toBe(classes[sums.indexOf(Math.max(...sums))]);
    });
  });
});
