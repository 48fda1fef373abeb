/**
 * R pmml's pmml.gbm for distributions without a response OutputField (poisson, and the like): a
 * regression MiningModel "sum" of multiSplit TreeModels whose target and Predicted_<y> are the sum
 * of the trees, without initF and without the inverse link. Each split has three children: numeric
 * lessThan / greaterOrEqual, factor SimpleSetPredicates of quoted levels, logical
 * SimplePredicate equal "FALSE"/"TRUE" (R's spelling of a boolean), and an isMissing child.
 */
import { describe, it } from "vitest";
import { expectClose, rPmml, scoreBoth } from "./both-backends.ts";

const fields = ["x", "colour", "flag"];
const schema = `<MiningSchema><MiningField name="count" usageType="predicted" invalidValueTreatment="returnInvalid"/>${fields.map((f) => `<MiningField name="${f}" usageType="active" invalidValueTreatment="returnInvalid"/>`).join("")}</MiningSchema>`;
const tree = (nodes: string) =>
  `<TreeModel modelName="GBM_Model" functionName="regression" algorithmName="gbm" splitCharacteristic="multiSplit">${schema}<Node id="1"><True/>${nodes}</Node></TreeModel>`;

const trees = [
  tree(
    `<Node id="2" score="-0.3"><SimplePredicate field="x" operator="lessThan" value="2.5"/></Node><Node id="3" score="0.4"><SimplePredicate field="x" operator="greaterOrEqual" value="2.5"/></Node><Node id="4" score="0.1"><SimplePredicate field="x" operator="isMissing"/></Node>`,
  ),
  tree(
    `<Node id="2" score="0.25"><SimpleSetPredicate field="colour" booleanOperator="isIn"><Array n="2" type="string">"red"   "green"</Array></SimpleSetPredicate></Node><Node id="3" score="-0.15"><SimpleSetPredicate field="colour" booleanOperator="isIn"><Array n="1" type="string">"blue"</Array></SimpleSetPredicate></Node><Node id="4" score="0.02"><SimplePredicate field="colour" operator="isMissing"/></Node>`,
  ),
  tree(
    `<Node id="2" score="-0.05"><SimplePredicate field="flag" operator="equal" value="FALSE"/></Node><Node id="3" score="0.12"><SimplePredicate field="flag" operator="equal" value="TRUE"/></Node><Node id="4" score="0"><SimplePredicate field="flag" operator="isMissing"/></Node>`,
  ),
];

const text = rPmml(
  `<DataDictionary numberOfFields="4">
  <DataField name="count" optype="continuous" dataType="double"/>
  <DataField name="x" optype="continuous" dataType="double"/>
  <DataField name="colour" optype="categorical" dataType="string"><Value value="blue"/><Value value="green"/><Value value="red"/></DataField>
  <DataField name="flag" optype="categorical" dataType="boolean"/>
 </DataDictionary>
 <MiningModel modelName="GBM_Model" functionName="regression">
  ${schema}
  <Output><OutputField name="Predicted_count" optype="continuous" dataType="double" feature="predictedValue"/></Output>
  <Segmentation multipleModelMethod="sum">${trees.map((t, i) => `<Segment id="${i + 1}"><True/>${t}</Segment>`).join("\n")}</Segmentation>
 </MiningModel>`,
  "Generalized Boosted Tree Model",
);

interface Row {
  x: number | null;
  colour: string | null;
  flag: boolean | null;
}
const expected = (r: Row) =>
  (r.x === null ? 0.1 : r.x < 2.5 ? -0.3 : 0.4) +
  (r.colour === null ? 0.02 : r.colour === "blue" ? -0.15 : 0.25) +
  (r.flag === null ? 0 : r.flag ? 0.12 : -0.05);

describe("R pmml gbm", () => {
  it('poisson: Predicted_<y> is the sum of the trees (no initF, no exp); numeric, factor, logical ("TRUE"/"FALSE") and isMissing children', () => {
    const rows: Row[] = [
      { x: 1, colour: "red", flag: true },
      { x: 3, colour: "blue", flag: false },
      { x: null, colour: null, flag: null },
      { x: 2.5, colour: "green", flag: true },
    ];
    const got = scoreBoth(text, rows as unknown as Record<string, unknown>[]);
    rows.forEach((r, i) => {
      expectClose(got[i].Predicted_count, expected(r));
      expectClose(got[i].count, expected(r));
    });
  });
});
