import { describe, expect, it } from "vitest";
import { parsePmml } from "@porta/pmml";
import { interpret } from "@porta/ir";

const doc = (field: string, operator: string, value: string) => `<PMML version="4.4" xmlns="http://www.dmg.org/PMML-4_4"><Header/>
<DataDictionary>
  ${field}
  <DataField name="y" optype="categorical" dataType="string"><Value value="lo"/><Value value="hi"/></DataField>
</DataDictionary>
<TreeModel functionName="classification" noTrueChildStrategy="returnLastPrediction">
  <MiningSchema><MiningField name="x" invalidValueTreatment="asIs"/><MiningField name="y" usageType="target"/></MiningSchema>
  <Node score="hi"><True/>
    <Node score="lo"><SimplePredicate field="x" operator="${operator}" value="${value}"/></Node>
  </Node>
</TreeModel>
</PMML>`;

const sizes = `<DataField name="x" optype="ordinal" dataType="string"><Value value="small"/><Value value="medium"/><Value value="large"/></DataField>`;

describe("ordinal fields order comparisons by their declared values (PMML 4.4 §DataField, JPMML OrdinalValue)", () => {
  it("lessThan/greaterOrEqual follow the Value order, not the text order", () => {
    const p = parsePmml(doc(sizes, "lessThan", "medium"));
    expect(interpret(p, { x: "small" }).y).toBe("lo");
    // "large" < "medium" as text, but comes after it.
    expect(interpret(p, { x: "large" }).y).toBe("hi");
    expect(interpret(parsePmml(doc(sizes, "greaterOrEqual", "medium")), { x: "large" }).y).toBe("lo");
  });

  it("a value outside the ordering cannot be ordered (an error); equality needs no ordering", () => {
    expect(() => interpret(parsePmml(doc(sizes, "lessThan", "medium")), { x: "huge" })).toThrow(expect.objectContaining({ code: "PMML_ORDINAL_ORDER" }));
    expect(interpret(parsePmml(doc(sizes, "equal", "medium")), { x: "huge" }).y).toBe("hi");
  });

  it("numeric ordinal values follow the declared order too; without Values the natural order holds", () => {
    const numeric = `<DataField name="x" optype="ordinal" dataType="integer"><Value value="3"/><Value value="1"/><Value value="2"/></DataField>`;
    expect(interpret(parsePmml(doc(numeric, "lessThan", "1")), { x: 3 }).y).toBe("lo");
    const free = `<DataField name="x" optype="ordinal" dataType="integer"/>`;
    expect(interpret(parsePmml(doc(free, "lessThan", "1")), { x: 3 }).y).toBe("hi");
  });
});
