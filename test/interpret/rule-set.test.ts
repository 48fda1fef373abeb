import { describe, expect, it } from "vitest";
import { parsePmml } from "@porta/pmml";
import { EvaluationError, SchemaError, UnsupportedFeatureError, interpret } from "@porta/ir";

function ruleSetDoc(rules: string, opts: { criterion?: string; ruleSetAttrs?: string; output?: string } = {}): string {
  const output =
    opts.output ??
    `
      <OutputField name="predicted" feature="predictedValue"/>
      <OutputField name="confidence" feature="confidence" dataType="double"/>
      <OutputField name="rule" feature="entityId" dataType="string"/>`;
  return `<PMML version="4.4" xmlns="http://www.dmg.org/PMML-4_4">
  <Header/>
  <DataDictionary>
    <DataField name="x" optype="continuous" dataType="double"/>
    <DataField name="color" optype="categorical" dataType="string"><Value value="red"/><Value value="blue"/></DataField>
    <DataField name="class" optype="categorical" dataType="string"><Value value="A"/><Value value="B"/><Value value="C"/></DataField>
  </DataDictionary>
  <RuleSetModel functionName="classification">
    <MiningSchema><MiningField name="x"/><MiningField name="color"/><MiningField name="class" usageType="target"/></MiningSchema>
    <Output>${output}</Output>
    <RuleSet ${opts.ruleSetAttrs ?? `defaultScore="C" defaultConfidence="0.1"`}>
      <RuleSelectionMethod criterion="${opts.criterion ?? "firstHit"}"/>
      ${rules}
    </RuleSet>
  </RuleSetModel>
</PMML>`;
}

// Rules 1..4 (implicit ids are 1-based positions among SimpleRules, depth first).
const rules = `
  <SimpleRule id="small" score="A" confidence="0.9" weight="0.5"><SimplePredicate field="x" operator="lessThan" value="5"/></SimpleRule>
  <CompoundRule>
    <SimplePredicate field="color" operator="equal" value="red"/>
    <SimpleRule score="B" confidence="0.6" weight="2"><SimplePredicate field="x" operator="lessThan" value="10"/></SimpleRule>
    <SimpleRule score="A" confidence="0.7" weight="1"><True/></SimpleRule>
  </CompoundRule>
  <SimpleRule score="B" confidence="0.8" weight="1"><SimplePredicate field="x" operator="greaterThan" value="3"/></SimpleRule>`;

describe("RuleSetModel (PMML 4.4 §RuleSetModel)", () => {
  it("§firstHit: the first fired rule gives the score, its confidence and id", () => {
    const p = parsePmml(ruleSetDoc(rules));
    expect(interpret(p, { x: 4, color: "red" })).toEqual({ class: "A", predicted: "A", confidence: 0.9, rule: "small" });
    // CompoundRule opens its rules only when its predicate is true; implicit id of the 2nd SimpleRule is "2".
    expect(interpret(p, { x: 7, color: "red" })).toEqual({ class: "B", predicted: "B", confidence: 0.6, rule: "2" });
    expect(interpret(p, { x: 7, color: "blue" })).toEqual({ class: "B", predicted: "B", confidence: 0.8, rule: "4" });
  });

  it("§RuleSet defaultScore/defaultConfidence apply when no rule fires", () => {
    const none = `<SimpleRule score="A"><SimplePredicate field="x" operator="greaterThan" value="100"/></SimpleRule>`;
    expect(interpret(parsePmml(ruleSetDoc(none)), { x: 1, color: "red" })).toEqual({ class: "C", predicted: "C", confidence: 0.1, rule: null });
    // JPMML refuses a row no rule fires for when the RuleSet lacks defaultScore or defaultConfidence.
    for (const attrs of ["", `defaultScore="C"`, `defaultConfidence="0.1"`]) {
      const doc = parsePmml(ruleSetDoc(none, { ruleSetAttrs: attrs }));
      expect(() => interpret(doc, { x: 1, color: "red" })).toThrow(SchemaError);
      expect(interpret(doc, { x: 200, color: "red" })).toMatchObject({ class: "A" });
    }
  });

  it("§weightedSum: per score Σ weight / number of fired rules; the best score wins with its heaviest rule", () => {
    const p = parsePmml(ruleSetDoc(rules, { criterion: "weightedSum" }));
    // x=4, red: fired small(A,.5), 2(B,2), 3(A,1), 4(B,1) → A: 1.5/4, B: 3/4.
    expect(interpret(p, { x: 4, color: "red" })).toEqual({ class: "B", predicted: "B", confidence: 3 / 4, rule: "2" });
    expect(interpret(p, { x: 4, color: "blue" })).toEqual({ class: "B", predicted: "B", confidence: 1 / 2, rule: "4" });
  });

  it("§weightedMax: per score the rule of highest weight; its confidence decides between scores", () => {
    const p = parsePmml(ruleSetDoc(rules, { criterion: "weightedMax" }));
    // A: heaviest is rule 3 (w=1, c=.7); B: heaviest is rule 2 (w=2, c=.6).
    expect(interpret(p, { x: 4, color: "red" })).toEqual({ class: "A", predicted: "A", confidence: 0.7, rule: "3" });
    const output = `<OutputField name="pB" feature="confidence" value="B" dataType="double"/><OutputField name="pC" feature="confidence" value="C" dataType="double"/>`;
    expect(interpret(parsePmml(ruleSetDoc(rules, { criterion: "weightedMax", output })), { x: 4, color: "red" })).toEqual({ class: "A", pB: 0.6, pC: 0 });
  });

  it("§Predicates: an UNKNOWN predicate (missing input) does not fire the rule", () => {
    const p = parsePmml(ruleSetDoc(rules));
    expect(interpret(p, { x: null, color: "red" })).toEqual({ class: "A", predicted: "A", confidence: 0.7, rule: "3" });
    expect(interpret(p, { x: null, color: null })).toMatchObject({ class: "C", rule: null });
  });

  it("invalid and unseen categories follow the MiningField invalidValueTreatment (returnInvalid by default)", () => {
    const p = parsePmml(ruleSetDoc(rules));
    expect(() => interpret(p, { x: 1, color: "green" })).toThrow(EvaluationError);
    expect(() => interpret(p, { x: "many", color: "red" })).toThrow(EvaluationError);
  });

  it("§Output ruleValue/ruleId: the rank-th fired rule by confidence", () => {
    const output = `
      <OutputField name="top" feature="ruleValue" ruleFeature="ruleId" rank="1"/>
      <OutputField name="second" feature="ruleId" rank="2"/>
      <OutputField name="secondScore" feature="ruleValue" ruleFeature="consequent" rank="2"/>
      <OutputField name="thirdConfidence" feature="ruleValue" ruleFeature="confidence" rank="3" dataType="double"/>
      <OutputField name="none" feature="ruleId" rank="9"/>`;
    const p = parsePmml(ruleSetDoc(rules, { output }));
    expect(interpret(p, { x: 4, color: "red" })).toEqual({ class: "A", top: "small", second: "4", secondScore: "B", thirdConfidence: 0.7, none: null });
    const multi = `<OutputField name="all" feature="ruleValue" ruleFeature="ruleId" isMultiValued="1"/>`;
    expect(() => interpret(parsePmml(ruleSetDoc(rules, { output: multi })), { x: 4, color: "red" })).toThrow(UnsupportedFeatureError);
  });

  it("§ScoreDistribution inside the winning rule gives probabilities", () => {
    const withDist = `<SimpleRule score="A" confidence="0.75"><True/>
      <ScoreDistribution value="A" recordCount="6"/><ScoreDistribution value="B" recordCount="2"/></SimpleRule>`;
    const output = `<OutputField name="pA" feature="probability" value="A" dataType="double"/><OutputField name="pB" feature="probability" value="B" dataType="double"/>`;
    expect(interpret(parsePmml(ruleSetDoc(withDist, { output })), { x: 1, color: "red" })).toEqual({ class: "A", pA: 0.75, pB: 0.25 });
  });

  it("a RuleSet without RuleSelectionMethod, or a SimpleRule without score, is a SchemaError", () => {
    expect(() => parsePmml(ruleSetDoc(rules).replace(/<RuleSelectionMethod[^>]*>/, ""))).toThrow(SchemaError);
    expect(() => parsePmml(ruleSetDoc(`<SimpleRule><True/></SimpleRule>`))).toThrow(SchemaError);
    expect(() => parsePmml(ruleSetDoc(rules, { criterion: "mostVotes" }))).toThrow(SchemaError);
  });
});
