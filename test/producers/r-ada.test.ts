/**
 * R pmml's pmml.ada (ada::ada, binary): the target is hidden ("ZementisHiddenTargetField" is
 * dropped from the DataDictionary and the MiningSchema), so the MiningModel is a regression
 * without a target field: multipleModelMethod="weightedAverage" over rpart TreeModels
 * (functionName="regression", noTrueChildStrategy="returnLastPrediction") whose Nodes score
 * "-1"/"1" with ScoreDistributions and surrogate CompoundPredicates. The Output rebuilds the
 * class: rawValue (predictedValue), boostValue = rawValue·Σα, Predicted_<y> =
 * if(boostValue < 0, level1, level2), Probability_<level1> = 1/(1 + exp(2·boostValue)),
 * Probability_<level2> = 1 − that.
 */
import { describe, expect, it } from "vitest";
import { expectClose, rPmml, scoreBoth } from "./both-backends.ts";

const fields = ["income", "hours", "sector"];
const schema = `<MiningSchema>${fields.map((f) => `<MiningField name="${f}" usageType="active" invalidValueTreatment="returnInvalid"/>`).join("")}</MiningSchema>`;
const dist = (neg: number, pos: number) =>
  `<ScoreDistribution value="-1" recordCount="${neg}" confidence="${neg / (neg + pos)}"/><ScoreDistribution value="1" recordCount="${pos}" confidence="${pos / (neg + pos)}"/>`;

/** Stump-like rpart trees; each returns −1/1 (or its parent's score where no child is true). */
const trees: { alpha: number; xml: string; score: (r: Row) => number }[] = [
  {
    alpha: 0.9,
    xml: `<Node id="1" score="-1" recordCount="100" defaultChild="2"><True/>${dist(60, 40)}
      <Node id="2" score="-1" recordCount="70"><CompoundPredicate booleanOperator="surrogate"><SimplePredicate field="income" operator="lessThan" value="50"/><SimplePredicate field="hours" operator="lessThan" value="38.5"/></CompoundPredicate>${dist(55, 15)}</Node>
      <Node id="3" score="1" recordCount="30"><CompoundPredicate booleanOperator="surrogate"><SimplePredicate field="income" operator="greaterOrEqual" value="50"/><SimplePredicate field="hours" operator="greaterOrEqual" value="38.5"/></CompoundPredicate>${dist(5, 25)}</Node>
    </Node>`,
    score: (r) => {
      const go = r.income !== null ? r.income < 50 : r.hours !== null ? r.hours < 38.5 : null;
      return go === null ? -1 : go ? -1 : 1;
    },
  },
  {
    alpha: 0.45,
    xml: `<Node id="1" score="1" recordCount="100"><True/>${dist(45, 55)}
      <Node id="2" score="-1" recordCount="40"><SimpleSetPredicate field="sector" booleanOperator="isIn"><Array n="2" type="string">"public" "charity"</Array></SimpleSetPredicate>${dist(30, 10)}</Node>
      <Node id="3" score="1" recordCount="60"><SimpleSetPredicate field="sector" booleanOperator="isIn"><Array n="1" type="string">"private"</Array></SimpleSetPredicate>${dist(15, 45)}</Node>
    </Node>`,
    score: (r) => (r.sector === null ? 1 : r.sector === "private" ? 1 : -1),
  },
  {
    alpha: 0.3,
    xml: `<Node id="1" score="-1" recordCount="100"><True/>${dist(52, 48)}
      <Node id="2" score="1" recordCount="20"><SimplePredicate field="hours" operator="greaterOrEqual" value="45"/>${dist(4, 16)}</Node>
      <Node id="3" score="-1" recordCount="80"><SimplePredicate field="hours" operator="lessThan" value="45"/>${dist(48, 32)}</Node>
    </Node>`,
    score: (r) => (r.hours === null ? -1 : r.hours >= 45 ? 1 : -1),
  },
];

interface Row {
  income: number | null;
  hours: number | null;
  sector: string | null;
}

const alphaSum = trees.reduce((s, t) => s + t.alpha, 0);
const text = rPmml(
  `<DataDictionary numberOfFields="3">
  <DataField name="income" optype="continuous" dataType="double"/>
  <DataField name="hours" optype="continuous" dataType="double"/>
  <DataField name="sector" optype="categorical" dataType="string"><Value value="charity"/><Value value="private"/><Value value="public"/></DataField>
 </DataDictionary>
 <MiningModel modelName="AdaBoost_Model" functionName="regression" algorithmName="ADA_BOOST">
  ${schema}
  <Output>
   <OutputField name="rawValue" feature="predictedValue" dataType="double" optype="continuous"/>
   <OutputField name="boostValue" feature="transformedValue" dataType="double" optype="continuous"><Apply function="*"><FieldRef field="rawValue"/><Constant>${alphaSum}</Constant></Apply></OutputField>
   <OutputField name="Predicted_adjusted" feature="transformedValue" dataType="string"><Apply function="if"><Apply function="lessThan"><FieldRef field="boostValue"/><Constant>0.0</Constant></Apply><Constant>no</Constant><Constant>yes</Constant></Apply></OutputField>
   <OutputField name="Probability_no" feature="transformedValue" dataType="double"><Apply function="/"><Constant>1.0</Constant><Apply function="+"><Constant>1.0</Constant><Apply function="exp"><Apply function="*"><Constant>2.0</Constant><FieldRef field="boostValue"/></Apply></Apply></Apply></Apply></OutputField>
   <OutputField name="Probability_yes" feature="transformedValue" dataType="double"><Apply function="-"><Constant>1.0</Constant><FieldRef field="Probability_no"/></Apply></OutputField>
  </Output>
  <LocalTransformations/>
  <Segmentation multipleModelMethod="weightedAverage">
   ${trees.map((t, i) => `<Segment id="${i + 1}" weight="${t.alpha}"><True/><TreeModel functionName="regression" noTrueChildStrategy="returnLastPrediction">${schema}${t.xml}</TreeModel></Segment>`).join("\n")}
  </Segmentation>
 </MiningModel>`,
  "AdaBoost Model",
);

describe("R pmml ada", () => {
  it("a regression MiningModel without a target field: weightedAverage of ±1 trees, boostValue = Σα·s, the class and probabilities from Output expressions", () => {
    const rows: Row[] = [
      { income: 30, hours: 40, sector: "public" },
      { income: 80, hours: 50, sector: "private" },
      { income: null, hours: 45, sector: "charity" },
      { income: null, hours: null, sector: null },
      { income: 60, hours: 20, sector: "public" },
    ];
    const got = scoreBoth(text, rows as unknown as Record<string, unknown>[]);
    rows.forEach((row, i) => {
      const boost = trees.reduce((s, t) => s + t.alpha * t.score(row), 0);
      expectClose(got[i].rawValue, boost / alphaSum);
      expectClose(got[i].boostValue, boost);
      expect(got[i].Predicted_adjusted).toBe(boost < 0 ? "no" : "yes");
      expectClose(got[i].Probability_no, 1 / (1 + Math.exp(2 * boost)));
      expectClose(got[i].Probability_yes, 1 - 1 / (1 + Math.exp(2 * boost)));
    });
  });
});
