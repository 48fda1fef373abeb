import { describe, expect, it } from "vitest";
import { pmmlDocument, scorer } from "./testing.ts";

const FIELDS = `
  <DataField name="n" optype="continuous" dataType="integer"/>
  <DataField name="s" optype="categorical" dataType="string"/>
  <DataField name="t" optype="continuous" dataType="double"/>`;

/** A regression tree whose only split is `predicate`: t = 1 when it is TRUE, 0 when FALSE, missing when UNKNOWN. */
function truthOf(predicate: string): (row: Record<string, unknown>) => boolean | null {
  const score = scorer(
    pmmlDocument(
      FIELDS,
      `
    <TreeModel functionName="regression" missingValueStrategy="nullPrediction">
      <MiningSchema><MiningField name="n" invalidValueTreatment="asIs"/><MiningField name="s"/><MiningField name="t" usageType="target"/></MiningSchema>
      <Node score="-1"><True/>
        <Node score="1">${predicate}</Node>
        <Node score="0"><True/></Node>
      </Node>
    </TreeModel>`,
    ),
  );
  return (row) => {
    const t = score(row).t;
    return t === null ? null : t === 1;
  };
}

describe("Predicates (PMML 4.4 §Predicates)", () => {
  it("SimplePredicate compares numbers numerically, after converting the value to the field's type", () => {
    expect(truthOf('<SimplePredicate field="n" operator="equal" value="10"/>')({ n: "10" })).toBe(true);
    expect(truthOf('<SimplePredicate field="n" operator="lessThan" value="9"/>')({ n: "10" })).toBe(false);
    expect(truthOf('<SimplePredicate field="n" operator="greaterOrEqual" value="10"/>')({ n: 10 })).toBe(true);
    expect(truthOf('<SimplePredicate field="n" operator="notEqual" value="3"/>')({ n: 10 })).toBe(true);
  });

  it("SimplePredicate on strings compares exactly (case-sensitive)", () => {
    expect(truthOf('<SimplePredicate field="s" operator="equal" value="Red"/>')({ s: "Red" })).toBe(true);
    expect(truthOf('<SimplePredicate field="s" operator="equal" value="Red"/>')({ s: "red" })).toBe(false);
  });

  it("a comparison with a missing value is UNKNOWN; isMissing/isNotMissing are never UNKNOWN", () => {
    expect(truthOf('<SimplePredicate field="n" operator="equal" value="1"/>')({ n: null })).toBeNull();
    expect(truthOf('<SimplePredicate field="n" operator="isMissing"/>')({ n: null })).toBe(true);
    expect(truthOf('<SimplePredicate field="n" operator="isNotMissing"/>')({ n: null })).toBe(false);
    expect(truthOf('<SimplePredicate field="n" operator="isMissing"/>')({ n: 4 })).toBe(false);
  });

  it("SimpleSetPredicate isIn/isNotIn with quoted Array items", () => {
    const isIn = truthOf('<SimpleSetPredicate field="s" booleanOperator="isIn"><Array type="string" n="2">"a b" c</Array></SimpleSetPredicate>');
    expect(isIn({ s: "a b" })).toBe(true);
    expect(isIn({ s: "a" })).toBe(false);
    expect(isIn({ s: null })).toBeNull();
    const notIn = truthOf('<SimpleSetPredicate field="n" booleanOperator="isNotIn"><Array type="int">1 2 3</Array></SimpleSetPredicate>');
    expect(notIn({ n: 2 })).toBe(false);
    expect(notIn({ n: 5 })).toBe(true);
  });

  const T = "<True/>",
    F = "<False/>",
    U = '<SimplePredicate field="n" operator="equal" value="1"/>';
  const compound = (op: string, ...ps: string[]) => truthOf(`<CompoundPredicate booleanOperator="${op}">${ps.join("")}</CompoundPredicate>`)({ n: null });

  it("and: FALSE wins over UNKNOWN, UNKNOWN over TRUE", () => {
    expect(compound("and", T, T)).toBe(true);
    expect(compound("and", U, F)).toBe(false);
    expect(compound("and", T, U)).toBeNull();
  });

  it("or: TRUE wins over UNKNOWN, UNKNOWN over FALSE", () => {
    expect(compound("or", F, F)).toBe(false);
    expect(compound("or", U, T)).toBe(true);
    expect(compound("or", F, U)).toBeNull();
  });

  it("xor: UNKNOWN if any operand is UNKNOWN, else parity", () => {
    expect(compound("xor", T, F)).toBe(true);
    expect(compound("xor", T, T)).toBe(false);
    expect(compound("xor", T, U)).toBeNull();
  });

  it("surrogate: the first operand that is not UNKNOWN decides", () => {
    expect(compound("surrogate", U, F, T)).toBe(false);
    expect(compound("surrogate", U, T)).toBe(true);
    expect(compound("surrogate", U, U)).toBeNull();
  });
});
