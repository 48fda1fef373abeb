import { describe, expect, it } from "vitest";
import { doc, expectOnnxAgrees, onnxRefusal } from "../agreement.test-helper.ts";

const FIELDS = `<DataField name="x" optype="continuous" dataType="double"/><DataField name="c" optype="categorical" dataType="string"><Value value="red"/><Value value="green"/><Value value="blue"/></DataField><DataField name="y" optype="continuous" dataType="double"/>`;
const SCHEMA = `<MiningSchema><MiningField name="x"/><MiningField name="c"/><MiningField name="y" usageType="target"/></MiningSchema>`;
const ROWS = [
  { x: 0.5, c: "red" },
  { x: 2, c: "green" },
  { x: null, c: "blue" },
  { x: 3, c: null },
  { x: null, c: null },
  { x: 1, c: "purple" },
  { x: -1, c: "blue" },
];

function tree(strategy: string, body: string, extra = ""): string {
  return doc(
    FIELDS,
    `<TreeModel functionName="regression" missingValueStrategy="${strategy}" ${extra}>${SCHEMA}<Node id="root" score="0"><True/>${body}</Node></TreeModel>`,
  );
}

// A two-level tree: x splits first (defaultChild the *second* child), then c by set membership.
const BODY = `
  <Node id="L" score="1"><SimplePredicate field="x" operator="lessOrEqual" value="1"/>
    <Node id="LL" score="10"><SimpleSetPredicate field="c" booleanOperator="isIn"><Array type="string">red blue</Array></SimpleSetPredicate></Node>
    <Node id="LR" score="20"><True/></Node>
  </Node>
  <Node id="R" score="2" defaultChild="RL"><SimplePredicate field="x" operator="greaterThan" value="1"/>
    <Node id="RL" score="30"><SimplePredicate field="c" operator="notEqual" value="green"/></Node>
    <Node id="RR" score="40"><SimplePredicate field="c" operator="equal" value="green"/></Node>
  </Node>`;

describe("onnx TreeModel (PMML 4.4 §TreeModel missingValueStrategy) as a TreeEnsemble walk", () => {
  for (const strategy of ["none", "lastPrediction", "nullPrediction"]) {
    it(`${strategy}: UNKNOWN predicates route as the interpreter routes them`, async () => {
      await expectOnnxAgrees(tree(strategy, BODY), ROWS);
    });
  }

  it("defaultChild: a missing value follows Node@defaultChild, also to a later sibling", async () => {
    const body = BODY.replace('<Node id="L" score="1">', '<Node id="L" score="1" defaultChild="LR">').replace('<Node id="root"', '<Node id="root"');
    const pmml = tree("defaultChild", body).replace('<Node id="root" score="0">', '<Node id="root" score="0" defaultChild="R">');
    const results = await expectOnnxAgrees(pmml, ROWS);
    // x missing: root → R (its default) → c decides.
    expect(results[2]).toEqual({ y: 30 });
  });

  it("compound and/or/surrogate predicates keep three-valued logic", async () => {
    const body = `
      <Node score="5"><CompoundPredicate booleanOperator="surrogate"><SimplePredicate field="x" operator="lessThan" value="0"/><SimplePredicate field="c" operator="equal" value="blue"/></CompoundPredicate></Node>
      <Node score="6"><CompoundPredicate booleanOperator="and"><SimplePredicate field="x" operator="greaterOrEqual" value="1"/><SimplePredicate field="c" operator="equal" value="red"/></CompoundPredicate></Node>
      <Node score="7"><CompoundPredicate booleanOperator="or"><SimplePredicate field="x" operator="greaterThan" value="2"/><SimplePredicate field="c" operator="isMissing"/></CompoundPredicate></Node>`;
    await expectOnnxAgrees(tree("none", body, 'noTrueChildStrategy="returnLastPrediction"'), ROWS);
    await expectOnnxAgrees(tree("lastPrediction", body), ROWS);
  });

  it("classification leaves give the interpreter's probabilities, entity id and confidence outputs", async () => {
    const fields = FIELDS.replace(
      '<DataField name="y" optype="continuous" dataType="double"/>',
      '<DataField name="y" optype="categorical" dataType="string"><Value value="a"/><Value value="b"/></DataField>',
    );
    const pmml = doc(
      fields,
      `<TreeModel functionName="classification" missingValueStrategy="nullPrediction">${SCHEMA}
      <Output><OutputField name="pa" feature="probability" value="a"/><OutputField name="node" feature="entityId"/><OutputField name="conf" feature="confidence" value="b"/></Output>
      <Node id="r"><True/>
        <Node id="n1" score="a"><SimplePredicate field="x" operator="lessThan" value="1"/><ScoreDistribution value="a" recordCount="3" confidence="0.75"/><ScoreDistribution value="b" recordCount="1" confidence="0.25"/></Node>
        <Node id="n2"><SimplePredicate field="x" operator="greaterOrEqual" value="1"/><ScoreDistribution value="a" recordCount="1"/><ScoreDistribution value="b" recordCount="4" confidence="0.8"/></Node>
      </Node></TreeModel>`,
    );
    await expectOnnxAgrees(pmml, ROWS);
  });

  it("a forest (MiningModel of trees) is combined by the interpreter's own Segmentation rules", async () => {
    const seg = (id: number, t: number) =>
      `<Segment id="${id}"><True/><TreeModel functionName="regression" missingValueStrategy="defaultChild">${SCHEMA}<Node score="0" defaultChild="b${id}"><True/><Node id="a${id}" score="${t}"><SimplePredicate field="x" operator="lessThan" value="${t}"/></Node><Node id="b${id}" score="${-t}"><True/></Node></Node></TreeModel></Segment>`;
    for (const method of ["average", "sum", "median", "weightedAverage"]) {
      const pmml = doc(
        FIELDS,
        `<MiningModel functionName="regression">${SCHEMA}<Segmentation multipleModelMethod="${method}">${seg(1, 1)}${seg(2, 2)}${seg(3, 0.5)}</Segmentation></MiningModel>`,
      );
      await expectOnnxAgrees(pmml, ROWS);
    }
  });

  it("refuses what a TreeEnsemble cannot walk exactly, naming it", async () => {
    expect(await onnxRefusal(tree("aggregateNodes", BODY))).toMatch(/TreeModel missingValueStrategy="aggregateNodes"/);
    const xor = `<Node score="1"><CompoundPredicate booleanOperator="xor"><True/><False/></CompoundPredicate></Node>`;
    expect(await onnxRefusal(tree("none", xor))).toMatch(/CompoundPredicate booleanOperator="xor"/);
  });
});
