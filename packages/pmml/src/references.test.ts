import { describe, expect, it } from "vitest";
import { parsePmml } from "./parse.ts";
import { pmmlDocument } from "./testing.ts";

const FIELDS = `<DataField name="x" optype="continuous" dataType="double"/><DataField name="y" optype="continuous" dataType="double"/>`;
const derived = (name: string, ref: string) => `<DerivedField name="${name}" optype="continuous" dataType="double"><Apply function="+"><FieldRef field="${ref}"/><Constant>1</Constant></Apply></DerivedField>`;
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
    const doc = pmmlDocument(FIELDS, `<TransformationDictionary>${derived("t", "x")}</TransformationDictionary>${model("l", `<LocalTransformations>${derived("l", "t")}</LocalTransformations>`)}`);
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
