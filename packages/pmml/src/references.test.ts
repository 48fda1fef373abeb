import { describe, expect, it } from "vitest";
import { parsePmml } from "./parse.ts";
import { pmmlDocument } from "./testing.ts";

const FIELDS = `<DataField name="x" optype="continuous" dataType="double"/><DataField name="y" optype="continuous" dataType="double"/>`;
const derived = (name: string, ref: string) =>
  `<DerivedField name="${name}" optype="continuous" dataType="double"><Apply function="+"><FieldRef field="${ref}"/><Constant>1</Constant></Apply></DerivedField>`;
const model = (predictor: string, local = "") =>
  `<RegressionModel functionName="regression"><MiningSchema><MiningField name="x"/><MiningField name="y" usageType="target"/></MiningSchema>${local}<RegressionTable intercept="1"><NumericPredictor name="${predictor}" coefficient="2"/></RegressionTable></RegressionModel>`;
const cycleOf = (doc: string): unknown => {
  try {
    parsePmml(doc);
  } catch (e) {
    return e;
  }
  return undefined;
};

describe("PMML §Transformations: a DerivedField or DefineFunction may not depend on itself (PMML_CYCLE)", () => {
  it("a chain without a cycle is accepted, however long", () => {
    const chain = Array.from({ length: 5000 }, (_, i) => derived(`d${i}`, i === 0 ? "x" : `d${i - 1}`)).join("");
    expect(() => parsePmml(pmmlDocument(FIELDS, `<TransformationDictionary>${chain}</TransformationDictionary>${model("d4999")}`))).not.toThrow();
  });

  it("a cycle at the end of a 5000-long chain is found without recursion", () => {
    const chain = Array.from({ length: 5000 }, (_, i) => derived(`d${i}`, i === 0 ? "d4999" : `d${i - 1}`)).join("");
    const e = cycleOf(pmmlDocument(FIELDS, `<TransformationDictionary>${chain}</TransformationDictionary>${model("d0")}`));
    expect(e).toMatchObject({ code: "PMML_CYCLE" });
    expect(String((e as { value: string }).value).split(" -> ")).toHaveLength(5001);
  });

  it("a local field cycling through the TransformationDictionary is not a cycle when the dictionary field reads a data field", () => {
    const doc = pmmlDocument(
      FIELDS,
      `<TransformationDictionary>${derived("t", "x")}</TransformationDictionary>${model("l", `<LocalTransformations>${derived("l", "t")}</LocalTransformations>`)}`,
    );
    expect(() => parsePmml(doc)).not.toThrow();
  });

  it("a function parameter named like a derived field is the parameter, not a reference to the field", () => {
    const fn = `<DefineFunction name="f" optype="continuous" dataType="double"><ParameterField name="d"/><Apply function="+"><FieldRef field="d"/><Constant>1</Constant></Apply></DefineFunction>`;
    const d = `<DerivedField name="d" optype="continuous" dataType="double"><Apply function="f"><FieldRef field="x"/></Apply></DerivedField>`;
    expect(() => parsePmml(pmmlDocument(FIELDS, `<TransformationDictionary>${fn}${d}</TransformationDictionary>${model("d")}`))).not.toThrow();
  });

  it("a derived field reaching itself through a function body and a MapValues input is named with its path", () => {
    const fn = `<DefineFunction name="f" optype="continuous" dataType="double"><ParameterField name="p"/><Apply function="+"><FieldRef field="p"/><FieldRef field="m"/></Apply></DefineFunction>`;
    const m = `<DerivedField name="m" optype="continuous" dataType="double"><MapValues outputColumn="out"><FieldColumnPair field="g" column="in"/><InlineTable/></MapValues></DerivedField>`;
    const g = `<DerivedField name="g" optype="continuous" dataType="double"><Apply function="f"><FieldRef field="x"/></Apply></DerivedField>`;
    const e = cycleOf(pmmlDocument(FIELDS, `<TransformationDictionary>${fn}${m}${g}</TransformationDictionary>${model("g")}`));
    expect(e).toMatchObject({ code: "PMML_CYCLE", value: "m -> g -> f() -> m", path: "/PMML/TransformationDictionary/DerivedField[1]" });
  });
});

describe("PMML §TreeModel: a predicate names a declared field (PMML_UNDECLARED_FIELD)", () => {
  const tree = (nodes: string) =>
    `<MiningModel functionName="regression"><MiningSchema><MiningField name="x"/><MiningField name="y" usageType="target"/></MiningSchema><Segmentation multipleModelMethod="sum"><Segment id="1"><True/><TreeModel functionName="regression"><MiningSchema><MiningField name="x"/><MiningField name="y" usageType="target"/></MiningSchema><Node score="0"><True/>${nodes}</Node></TreeModel></Segment></Segmentation></MiningModel>`;
  const leaf = (predicate: string, inner = "") => `<Node score="1">${predicate}${inner}</Node>`;
  const simple = (field: string) => `<SimplePredicate field="${field}" operator="lessThan" value="1"/>`;

  it("a SimplePredicate deep in a segment's tree is refused at its own path", () => {
    const e = cycleOf(pmmlDocument(FIELDS, tree(leaf(simple("x"), leaf(simple("ghost"))))));
    expect(e).toMatchObject({
      code: "PMML_UNDECLARED_FIELD",
      value: "ghost",
      path: "/PMML/MiningModel[1]/Segmentation/Segment[1]/TreeModel[1]/Node/Node[1]/Node[1]/SimplePredicate[1]",
    });
  });

  it("a compound's inner predicate and a SimpleSetPredicate are checked; of two, the later sibling's is reported first (the generic walk's order)", () => {
    const compound = `<CompoundPredicate booleanOperator="and">${simple("x")}${simple("inner")}</CompoundPredicate>`;
    const set = `<SimpleSetPredicate field="setField" booleanOperator="isIn"><Array type="string" n="1">a</Array></SimpleSetPredicate>`;
    expect(cycleOf(pmmlDocument(FIELDS, tree(leaf(compound))))).toMatchObject({
      code: "PMML_UNDECLARED_FIELD",
      value: "inner",
      path: "/PMML/MiningModel[1]/Segmentation/Segment[1]/TreeModel[1]/Node/Node[1]/CompoundPredicate[1]/SimplePredicate[2]",
    });
    expect(cycleOf(pmmlDocument(FIELDS, tree(leaf(compound) + leaf(set))))).toMatchObject({ value: "setField" });
  });

  it("a tree whose predicates name only declared fields is accepted", () => {
    expect(() => parsePmml(pmmlDocument(FIELDS, tree(leaf(simple("x"), leaf(simple("y"))))))).not.toThrow();
  });
});
