import { describe, expect, it } from "vitest";
import { parsePmml } from "@porta/pmml";
import { UnsupportedFeatureError, interpret } from "@porta/ir";

function doc(tests: string): string {
  return `<PMML version="4.4" xmlns="http://www.dmg.org/PMML-4_4">
  <Header/>
  <DataDictionary>
    <DataField name="score" optype="continuous" dataType="double"/>
    <DataField name="z" optype="continuous" dataType="double"/>
  </DataDictionary>
  <BaselineModel functionName="regression">
    <MiningSchema><MiningField name="score"/><MiningField name="z" usageType="predicted"/></MiningSchema>
    <Output>
      <OutputField name="zValue" feature="predictedValue" dataType="double"/>
      <OutputField name="alarm" feature="decision" dataType="boolean">
        <Apply function="greaterThan"><Apply function="abs"><FieldRef field="zValue"/></Apply><Constant dataType="double">3</Constant></Apply>
      </OutputField>
    </Output>
    ${tests}
  </BaselineModel>
</PMML>`;
}

describe("BaselineModel (PMML 4.4 §BaselineModel)", () => {
  it("zValue: z = (x − μ) / σ under the Gaussian baseline; thresholds through Output", () => {
    const p = parsePmml(
      doc(`<TestDistributions field="score" testStatistic="zValue"><Baseline><GaussianDistribution mean="550" variance="16"/></Baseline></TestDistributions>`),
    );
    expect(interpret(p, { score: 558 })).toEqual({ z: 2, zValue: 2, alarm: false });
    expect(interpret(p, { score: 530 })).toEqual({ z: -5, zValue: -5, alarm: true });
  });

  it("zValue with Poisson (σ² = λ) and Uniform (σ² = (b − a)²/12) baselines", () => {
    const poisson = parsePmml(
      doc(`<TestDistributions field="score" testStatistic="zValue"><Baseline><PoissonDistribution mean="4"/></Baseline></TestDistributions>`),
    );
    expect(interpret(poisson, { score: 8 }).z).toBe(2);
    const uniform = parsePmml(
      doc(`<TestDistributions field="score" testStatistic="zValue"><Baseline><UniformDistribution lower="0" upper="12"/></Baseline></TestDistributions>`),
    );
    expect(interpret(uniform, { score: 12 }).z).toBeCloseTo(6 / Math.sqrt(12), 12);
  });

  it("a missing input gives a missing z", () => {
    const p = parsePmml(
      doc(`<TestDistributions field="score" testStatistic="zValue"><Baseline><GaussianDistribution mean="0" variance="1"/></Baseline></TestDistributions>`),
    );
    expect(interpret(p, { score: null }).z).toBeNull();
  });

  it("stream statistics (CUSUM, windowSize) and count-table tests throw UnsupportedFeatureError naming them", () => {
    const cusum = doc(
      `<TestDistributions field="score" testStatistic="CUSUM" resetValue="0"><Baseline><GaussianDistribution mean="550.2" variance="48.2"/></Baseline><Alternate><GaussianDistribution mean="460.4" variance="39.2"/></Alternate></TestDistributions>`,
    );
    expect(() => parsePmml(cusum)).toThrow(UnsupportedFeatureError);
    expect(() => parsePmml(cusum)).toThrow(/CUSUM/);
    const windowed = doc(
      `<TestDistributions field="score" testStatistic="zValue" windowSize="5"><Baseline><GaussianDistribution mean="0" variance="1"/></Baseline></TestDistributions>`,
    );
    expect(() => parsePmml(windowed)).toThrow(/windowSize/);
    const chi = doc(`<TestDistributions field="score" testStatistic="chiSquareDistribution"><Baseline><CountTable/></Baseline></TestDistributions>`);
    expect(() => parsePmml(chi)).toThrow(UnsupportedFeatureError);
  });
});
