import { describe, expect, it } from "vitest";
import { parsePmml } from "@porta/pmml";
import { UnsupportedFeatureError, interpret } from "@porta/ir";

/** Rain → Sprinkler, (Rain, Sprinkler) → Wet, Rain → Temp (continuous, normal given Rain). */
const doc = `<PMML version="4.4" xmlns="http://www.dmg.org/PMML-4_4">
  <Header/>
  <DataDictionary>
    <DataField name="Rain" optype="categorical" dataType="string"><Value value="yes"/><Value value="no"/></DataField>
    <DataField name="Sprinkler" optype="categorical" dataType="string"/>
    <DataField name="Wet" optype="categorical" dataType="string"/>
    <DataField name="Temp" optype="continuous" dataType="double"/>
  </DataDictionary>
  <BayesianNetworkModel functionName="classification" modelStructure="directed" inferenceMethod="Exact">
    <MiningSchema>
      <MiningField name="Sprinkler"/><MiningField name="Wet"/><MiningField name="Temp"/>
      <MiningField name="Rain" usageType="predicted"/>
    </MiningSchema>
    <Output>
      <OutputField name="p_yes" feature="probability" value="yes" dataType="double"/>
    </Output>
    <BayesianNetworkNodes>
      <DiscreteNode name="Rain"><ValueProbability value="yes" probability="0.2"/><ValueProbability value="no" probability="0.8"/></DiscreteNode>
      <DiscreteNode name="Sprinkler">
        <DiscreteConditionalProbability><ParentValue parent="Rain" value="yes"/><ValueProbability value="on" probability="0.01"/><ValueProbability value="off" probability="0.99"/></DiscreteConditionalProbability>
        <DiscreteConditionalProbability><ParentValue parent="Rain" value="no"/><ValueProbability value="on" probability="0.4"/><ValueProbability value="off" probability="0.6"/></DiscreteConditionalProbability>
      </DiscreteNode>
      <DiscreteNode name="Wet">
        <DiscreteConditionalProbability><ParentValue parent="Rain" value="yes"/><ParentValue parent="Sprinkler" value="on"/><ValueProbability value="T" probability="0.99"/><ValueProbability value="F" probability="0.01"/></DiscreteConditionalProbability>
        <DiscreteConditionalProbability><ParentValue parent="Rain" value="yes"/><ParentValue parent="Sprinkler" value="off"/><ValueProbability value="T" probability="0.8"/><ValueProbability value="F" probability="0.2"/></DiscreteConditionalProbability>
        <DiscreteConditionalProbability><ParentValue parent="Rain" value="no"/><ParentValue parent="Sprinkler" value="on"/><ValueProbability value="T" probability="0.9"/><ValueProbability value="F" probability="0.1"/></DiscreteConditionalProbability>
        <DiscreteConditionalProbability><ParentValue parent="Rain" value="no"/><ParentValue parent="Sprinkler" value="off"/><ValueProbability value="T" probability="0"/><ValueProbability value="F" probability="1"/></DiscreteConditionalProbability>
      </DiscreteNode>
      <ContinuousNode name="Temp">
        <ContinuousConditionalProbability><ParentValue parent="Rain" value="yes"/>
          <ContinuousDistribution><NormalDistributionForBN><Mean><Constant>10</Constant></Mean><Variance><Constant>4</Constant></Variance></NormalDistributionForBN></ContinuousDistribution>
        </ContinuousConditionalProbability>
        <ContinuousConditionalProbability><ParentValue parent="Rain" value="no"/>
          <ContinuousDistribution><NormalDistributionForBN><Mean><Constant>20</Constant></Mean><Variance><Constant>4</Constant></Variance></NormalDistributionForBN></ContinuousDistribution>
        </ContinuousConditionalProbability>
      </ContinuousNode>
    </BayesianNetworkNodes>
  </BayesianNetworkModel>
</PMML>`;

const normal = (x: number, m: number, v: number) => Math.exp(-((x - m) ** 2) / (2 * v)) / Math.sqrt(2 * Math.PI * v);

describe("BayesianNetworkModel (PMML 4.4 §BayesianNetworkModel), exact inference", () => {
  const p = parsePmml(doc);

  it("all evidence observed: P(Rain | e) ∝ P(Rain)·P(Sprinkler | Rain)·P(Wet | Rain, Sprinkler)", () => {
    const yes = 0.2 * 0.01 * 0.99,
      no = 0.8 * 0.4 * 0.9;
    const r = interpret(p, { Sprinkler: "on", Wet: "T", Temp: null });
    expect(r.p_yes).toBeCloseTo(yes / (yes + no), 12);
    expect(r.Rain).toBe("no");
  });

  it("an unobserved parent is summed out; an unobserved continuous leaf integrates to 1", () => {
    const yes = 0.2 * (0.01 * 0.99 + 0.99 * 0.8),
      no = 0.8 * (0.4 * 0.9 + 0.6 * 0);
    const r = interpret(p, { Sprinkler: null, Wet: "T", Temp: null });
    expect(r.p_yes).toBeCloseTo(yes / (yes + no), 12);
  });

  it("an observed continuous node contributes its density given its parents", () => {
    const yes = 0.2 * 0.99 * 0.8 * normal(12, 10, 4),
      no = 0.8 * 0.6 * 0 * normal(12, 20, 4);
    const r = interpret(p, { Sprinkler: "off", Wet: "T", Temp: 12 });
    expect(r.p_yes).toBeCloseTo(yes / (yes + no), 12);
    expect(r.Rain).toBe("yes");
    const r2 = interpret(p, { Sprinkler: null, Wet: null, Temp: 18 });
    const y2 = 0.2 * normal(18, 10, 4),
      n2 = 0.8 * normal(18, 20, 4);
    expect(r2.p_yes).toBeCloseTo(y2 / (y2 + n2), 12);
  });

  it("regression networks throw UnsupportedFeatureError", () => {
    expect(() => interpret(parsePmml(doc.replace(`functionName="classification"`, `functionName="regression"`)), { Wet: "T" })).toThrow(
      UnsupportedFeatureError,
    );
  });
});
