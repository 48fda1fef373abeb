/**
 * R pmml's missing_value_replacement option (every exporter; here pmml.randomForest): the same
 * missingValueReplacement on the MiningFields of the MiningModel and of every segment TreeModel,
 * with invalidValueTreatment="returnInvalid" on both. Trees split numerics with lessOrEqual /
 * greaterThan and factors with SimpleSetPredicates of quoted levels.
 */
import { describe, expect, it } from "vitest";
import { bothBackends, rPmml, scoreBoth } from "./both-backends.ts";

const schema = `<MiningSchema>
   <MiningField name="y" usageType="predicted" invalidValueTreatment="returnInvalid"/>
   <MiningField name="x" usageType="active" missingValueReplacement="3" invalidValueTreatment="returnInvalid"/>
   <MiningField name="c" usageType="active" missingValueReplacement="b" invalidValueTreatment="returnInvalid"/>
  </MiningSchema>`;
const tree = (
  scores: [number, number, number],
) => `<TreeModel modelName="randomForest_Model" functionName="regression" algorithmName="randomForest" splitCharacteristic="binarySplit">${schema}
   <Node id="1"><True/>
    <Node id="2"><SimplePredicate field="x" operator="lessOrEqual" value="2.5"/>
     <Node id="4" score="${scores[0]}"><SimpleSetPredicate field="c" booleanOperator="isIn"><Array n="1" type="string">"a"</Array></SimpleSetPredicate></Node>
     <Node id="5" score="${scores[1]}"><SimpleSetPredicate field="c" booleanOperator="isIn"><Array n="1" type="string">"b"</Array></SimpleSetPredicate></Node>
    </Node>
    <Node id="3" score="${scores[2]}"><SimplePredicate field="x" operator="greaterThan" value="2.5"/></Node>
   </Node>
  </TreeModel>`;
const text = rPmml(
  `<DataDictionary numberOfFields="3">
  <DataField name="y" optype="continuous" dataType="double"/>
  <DataField name="x" optype="continuous" dataType="double"/>
  <DataField name="c" optype="categorical" dataType="string"><Value value="a"/><Value value="b"/></DataField>
 </DataDictionary>
 <MiningModel modelName="randomForest_Model" functionName="regression">
  ${schema}
  <Output><OutputField name="Predicted_y" optype="continuous" dataType="double" feature="predictedValue"/></Output>
  <Segmentation multipleModelMethod="average">
   <Segment id="1"><True/>${tree([1, 2, 10])}</Segment>
   <Segment id="2"><True/>${tree([3, 5, 20])}</Segment>
  </Segmentation>
 </MiningModel>`,
  "Random Forest Tree Model",
);

describe("R pmml missing_value_replacement", () => {
  it("the replacement written on the MiningModel and on each segment applies once; the forest compiles", () => {
    expect(bothBackends(text).js.backend).toBe("js");
    const got = scoreBoth(text, [
      { x: 1, c: "a" },
      { x: null, c: "a" },
      { x: 1, c: null },
      { x: null, c: null },
    ]);
    expect(got.map((r) => r.Predicted_y)).toEqual([(1 + 3) / 2, (10 + 20) / 2, (2 + 5) / 2, (10 + 20) / 2]);
  });
});
