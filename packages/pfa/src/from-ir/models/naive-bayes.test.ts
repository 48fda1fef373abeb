import { describe, expect, it } from "vitest";
import { converted, pmml } from "../score.test-helper.ts";

describe("NaiveBayesModel → PFA (PMML 4.4 §NaiveBayesModel)", () => {
  it("sums ln count and each input's ln probability, ignores missing inputs, and normalises as the interpreter", () => {
    const m = converted(
      pmml(
        `<DataField name="c" optype="categorical" dataType="string"><Value value="u"/><Value value="v"/></DataField><DataField name="x" optype="continuous" dataType="double"/><DataField name="y" optype="categorical" dataType="string"><Value value="p"/><Value value="q"/></DataField>`,
        `<NaiveBayesModel functionName="classification" threshold="0.001">
          <MiningSchema><MiningField name="c"/><MiningField name="x"/><MiningField name="y" usageType="target"/></MiningSchema>
          <Output><OutputField name="P_p" feature="probability" value="p"/></Output>
          <BayesInputs>
            <BayesInput fieldName="c">
              <PairCounts value="u"><TargetValueCounts><TargetValueCount value="p" count="3"/><TargetValueCount value="q" count="1"/></TargetValueCounts></PairCounts>
              <PairCounts value="v"><TargetValueCounts><TargetValueCount value="p" count="0"/><TargetValueCount value="q" count="4"/></TargetValueCounts></PairCounts>
            </BayesInput>
            <BayesInput fieldName="x"><TargetValueStats>
              <TargetValueStat value="p"><GaussianDistribution mean="1" variance="0.5"/></TargetValueStat>
              <TargetValueStat value="q"><GaussianDistribution mean="3" variance="2"/></TargetValueStat>
            </TargetValueStats></BayesInput>
          </BayesInputs>
          <BayesOutput fieldName="y"><TargetValueCounts><TargetValueCount value="p" count="3"/><TargetValueCount value="q" count="5"/></TargetValueCounts></BayesOutput>
        </NaiveBayesModel>`,
      ),
    );
    for (const row of [
      { c: "u", x: 1.2 },
      { c: "v", x: 1.2 },
      { c: null, x: 2.5 },
      { c: "v", x: null },
      { c: "u", x: 40 },
    ])
      expect(m.score(row), JSON.stringify(row)).toEqual(m.reference(row));
    // Only the priors: P(p) = 3 / 8.
    expect(m.score({ c: null, x: null }).P_p).toBeCloseTo(3 / 8, 15);
  });
});
