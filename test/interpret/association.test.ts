import { describe, expect, it } from "vitest";
import { parsePmml } from "@porta/pmml";
import { EvaluationError, SchemaError, interpret } from "@porta/ir";

/** PMML 4.4 §AssociationRules, checked on small documents written for each rule. */

const RULES = `
    <Item id="1" value="Cracker"/><Item id="2" value="Coke"/><Item id="3" value="Water"/><Item id="4" value="Banana"/>
    <Itemset id="1"><ItemRef itemRef="1"/></Itemset>
    <Itemset id="2"><ItemRef itemRef="2"/></Itemset>
    <Itemset id="3"><ItemRef itemRef="1"/><ItemRef itemRef="3"/></Itemset>
    <Itemset id="4"><ItemRef itemRef="3"/></Itemset>
    <Itemset id="5"><ItemRef itemRef="4"/></Itemset>
    <AssociationRule id="R1" antecedent="1" consequent="2" support="0.5" confidence="1.0" lift="2.0" leverage="0.25"/>
    <AssociationRule id="R2" antecedent="3" consequent="5" support="0.25" confidence="0.5" lift="1.3" leverage="0.05"/>
    <AssociationRule id="R3" antecedent="4" consequent="1" support="0.75" confidence="0.75" lift="1.1" leverage="0.1"/>`;

function transactional(output: string): string {
  return `<PMML version="4.4" xmlns="http://www.dmg.org/PMML-4_4"><Header/>
    <DataDictionary>
      <DataField name="transaction" optype="categorical" dataType="string"/>
      <DataField name="item" optype="categorical" dataType="string"/>
    </DataDictionary>
    <AssociationModel functionName="associationRules" numberOfTransactions="4" numberOfItems="4" minimumSupport="0.2" minimumConfidence="0.5" numberOfItemsets="5" numberOfRules="3">
      <MiningSchema><MiningField name="transaction" usageType="group"/><MiningField name="item"/></MiningSchema>
      <Output>${output}</Output>${RULES}
    </AssociationModel></PMML>`;
}

function field(name: string, attrs: string): string {
  return `<OutputField name="${name}" ${attrs}/>`;
}

describe("AssociationModel", () => {
  const basket = { transaction: "t1", item: ["Cracker", "Water"] };

  it("recommendation: rules whose antecedent is in the input, ranked by confidence (default), descending", () => {
    const text = transactional(
      [
        field("first", 'feature="ruleValue" ruleFeature="ruleId" algorithm="recommendation" rank="1"'),
        field("second", 'feature="ruleValue" algorithm="recommendation" ruleFeature="ruleId" rank="2"'),
        field("third", 'feature="ruleValue" algorithm="recommendation" ruleFeature="ruleId" rank="3"'),
        field("fourth", 'feature="ruleValue" algorithm="recommendation" ruleFeature="ruleId" rank="4"'),
        field("consequent", 'algorithm="recommendation" feature="ruleValue" rank="1"'),
      ].join(""),
    );
    expect(interpret(parsePmml(text), basket)).toEqual({ first: "R1", second: "R3", third: "R2", fourth: null, consequent: ["Coke"] });
  });

  it("exclusiveRecommendation leaves out rules whose consequent is already in the input", () => {
    const text = transactional(field("ids", 'feature="ruleValue" ruleFeature="ruleId" algorithm="exclusiveRecommendation" isMultiValued="1" rank="0"'));
    expect(interpret(parsePmml(text), basket).ids).toEqual(["R1", "R2"]);
  });

  it("OutputField/@algorithm defaults to exclusiveRecommendation (PMML 4.4 schema default, as JPMML)", () => {
    const text = transactional(field("ids", 'feature="ruleValue" ruleFeature="ruleId" isMultiValued="1" rank="0"'));
    expect(interpret(parsePmml(text), basket).ids).toEqual(["R1", "R2"]);
  });

  it("transactional Items with a field need a category; an AssociationModel refuses target fields", () => {
    const noCategory = transactional(field("ids", 'feature="ruleId" isMultiValued="1" rank="0"')).replace(
      '<Item id="1" value="Cracker"/>',
      '<Item id="1" value="Cracker" field="item"/>',
    );
    expect(() => interpret(parsePmml(noCategory), basket)).toThrow(SchemaError);
    const withCategory = transactional(field("ids", 'feature="ruleId" isMultiValued="1" rank="0"')).replace(
      '<Item id="1" value="Cracker"/>',
      '<Item id="1" value="Crackers" field="item" category="Cracker"/>',
    );
    expect(interpret(parsePmml(withCategory), basket).ids).toEqual(["R1", "R2"]);
    const target = transactional(field("ids", 'feature="ruleId"'))
      .replace('<MiningField name="item"/>', '<MiningField name="item"/><MiningField name="y" usageType="target"/>')
      .replace("</DataDictionary>", '<DataField name="y" optype="continuous" dataType="double"/></DataDictionary>');
    expect(() => parsePmml(target)).toThrow(SchemaError);
  });

  it("ruleAssociation keeps rules whose antecedent and consequent are both in the input", () => {
    const text = transactional(field("rule", 'feature="ruleValue" ruleFeature="rule" algorithm="ruleAssociation"'));
    expect(interpret(parsePmml(text), basket).rule).toBe("{Water}->{Cracker}");
  });

  it("rankBasis and rankOrder choose the ordering; isMultiValued with rank n returns the first n", () => {
    const text = transactional(
      [
        field("bySupport", 'feature="ruleValue" ruleFeature="ruleId" algorithm="recommendation" rankBasis="support" isMultiValued="1" rank="2"'),
        field("leastLift", 'feature="ruleValue" ruleFeature="lift" algorithm="recommendation" rankBasis="lift" rankOrder="ascending"'),
        field("antecedent", 'feature="ruleValue" ruleFeature="antecedent" algorithm="recommendation" rankBasis="leverage" rankOrder="ascending"'),
      ].join(""),
    );
    expect(interpret(parsePmml(text), basket)).toEqual({ bySupport: ["R3", "R1"], leastLift: 1.1, antecedent: ["Cracker", "Water"] });
  });

  it("the PMML 4.0 features confidence, support, lift, leverage, entityId answer for the top rule", () => {
    const text = transactional(
      [
        field("c", 'feature="confidence"'),
        field("s", 'feature="support"'),
        field("l", 'feature="lift"'),
        field("v", 'feature="leverage"'),
        field("id", 'feature="entityId"'),
        field("a", 'feature="antecedent"'),
      ].join(""),
    );
    expect(interpret(parsePmml(text), basket)).toEqual({ c: 1, s: 0.5, l: 2, v: 0.25, id: "R1", a: ["Cracker"] });
  });

  it("an input with none of the items selects no rule (missing outputs); a missing transaction is an error", () => {
    const text = transactional(field("id", 'feature="ruleValue" ruleFeature="ruleId"'));
    expect(interpret(parsePmml(text), { transaction: "t2", item: ["Milk"] }).id).toBeNull();
    expect(() => interpret(parsePmml(text), { transaction: "t2", item: null })).toThrow(EvaluationError);
  });

  it("tabular input: an Item named after a boolean field is present when the field is true", () => {
    const text = `<PMML version="4.4" xmlns="http://www.dmg.org/PMML-4_4"><Header/>
      <DataDictionary>
        <DataField name="Cracker" optype="categorical" dataType="boolean"/>
        <DataField name="Water" optype="categorical" dataType="boolean"/>
        <DataField name="Coke" optype="categorical" dataType="boolean"/>
        <DataField name="Banana" optype="categorical" dataType="boolean"/>
      </DataDictionary>
      <AssociationModel functionName="associationRules">
        <MiningSchema><MiningField name="Cracker"/><MiningField name="Water"/><MiningField name="Coke"/><MiningField name="Banana"/></MiningSchema>
        <Output>${field("id", 'feature="ruleValue" ruleFeature="ruleId" algorithm="ruleAssociation"')}</Output>${RULES}
      </AssociationModel></PMML>`;
    expect(interpret(parsePmml(text), { Cracker: "true", Water: "true", Coke: "false", Banana: null }).id).toBe("R3");
    expect(interpret(parsePmml(text), { Cracker: "true", Water: "false", Coke: "true", Banana: "false" }).id).toBe("R1");
  });

  it("tabular input: field=category Items compare the category as a value of the field's type", () => {
    const text = `<PMML version="4.4" xmlns="http://www.dmg.org/PMML-4_4"><Header/>
      <DataDictionary><DataField name="n" optype="categorical" dataType="double"/><DataField name="c" optype="categorical" dataType="string"/></DataDictionary>
      <AssociationModel functionName="associationRules">
        <MiningSchema><MiningField name="n"/><MiningField name="c"/></MiningSchema>
        <Output>${field("id", 'feature="ruleId" algorithm="recommendation"')}</Output>
        <Item id="1" value="n=1.0"/><Item id="2" value="c=a"/>
        <Itemset id="1"><ItemRef itemRef="1"/></Itemset><Itemset id="2"><ItemRef itemRef="2"/></Itemset>
        <AssociationRule id="R1" antecedent="1" consequent="2" support="0.5" confidence="0.9"/>
      </AssociationModel></PMML>`;
    expect(interpret(parsePmml(text), { n: 1, c: "b" }).id).toBe("R1");
    expect(interpret(parsePmml(text), { n: 2, c: "b" }).id).toBeNull();
  });

  it("document errors: an ItemRef must name an Item; a rule needs support and confidence", () => {
    expect(() => parsePmml(transactional("").replace('<ItemRef itemRef="4"/>', '<ItemRef itemRef="9"/>'))).toThrow(SchemaError);
    expect(() => parsePmml(transactional("").replace(' support="0.5"', ""))).toThrow(SchemaError);
  });
});
