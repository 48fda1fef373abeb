import { describe, expect, it } from "vitest";
import { parsePmml } from "@porta/pmml";
import { EvaluationError, SchemaError, UnsupportedFeatureError, interpret } from "@porta/ir";

const OUTPUT = `<Output>
  <OutputField name="pYes" feature="probability" value="yes" dataType="double"/>
  <OutputField name="pNo" feature="probability" value="no" dataType="double"/>
</Output>`;

function nbDoc(inputs: string, opts: { threshold?: string; fields?: string; mining?: string } = {}): string {
  return `<PMML version="4.4" xmlns="http://www.dmg.org/PMML-4_4">
  <Header/>
  <DataDictionary>
    <DataField name="color" optype="categorical" dataType="string"><Value value="red"/><Value value="blue"/><Value value="green"/></DataField>
    <DataField name="shape" optype="categorical" dataType="string"/>
    <DataField name="size" optype="continuous" dataType="double"/>
    <DataField name="n" optype="continuous" dataType="integer"/>
    <DataField name="buy" optype="categorical" dataType="string"><Value value="yes"/><Value value="no"/></DataField>
    ${opts.fields ?? ""}
  </DataDictionary>
  <NaiveBayesModel functionName="classification" ${opts.threshold ?? `threshold="0.001"`}>
    <MiningSchema>
      <MiningField name="color"/><MiningField name="shape"/><MiningField name="size"/><MiningField name="n"/>
      <MiningField name="buy" usageType="target"/>
    </MiningSchema>
    ${OUTPUT}
    <BayesInputs>${inputs}</BayesInputs>
    <BayesOutput fieldName="buy">
      <TargetValueCounts><TargetValueCount value="yes" count="30"/><TargetValueCount value="no" count="70"/></TargetValueCounts>
    </BayesOutput>
  </NaiveBayesModel>
</PMML>`;
}

const pair = (value: string, yes: number, no: number) =>
  `<PairCounts value="${value}"><TargetValueCounts><TargetValueCount value="yes" count="${yes}"/><TargetValueCount value="no" count="${no}"/></TargetValueCounts></PairCounts>`;

const colorInput = `<BayesInput fieldName="color">${pair("red", 20, 10)}${pair("blue", 10, 40)}${pair("green", 0, 20)}</BayesInput>`;
const shapeInput = `<BayesInput fieldName="shape">${pair("round", 15, 35)}${pair("square", 15, 35)}</BayesInput>`;

/** Normalises unnormalised likelihoods the way the model does (for expected values). */
function normalise(yes: number, no: number): { pYes: number; pNo: number } {
  const ly = Math.log(yes),
    ln = Math.log(no);
  const max = Math.max(ly, ln);
  const ey = Math.exp(ly - max),
    en = Math.exp(ln - max);
  return { pYes: ey / (ey + en), pNo: en / (ey + en) };
}

describe("NaiveBayesModel (PMML 4.4 §NaiveBayesModel)", () => {
  it("softmax over the log sums uses the correctly rounded exp (JPMML: java.lang.Math.exp), not V8's Math.exp", () => {
    // red: ln 30 + ln(1/30) vs ln 70 + ln(5/70); exp(ln 1 − ln 5) rounds differently in V8's
    // fdlibm exp, which would give pYes = 0.16666666666666663 instead of 0.16666666666666666.
    const p = parsePmml(nbDoc(`<BayesInput fieldName="color">${pair("red", 1, 5)}${pair("blue", 29, 65)}</BayesInput>`));
    const r = interpret(p, { color: "red" });
    expect(r.pYes).toBe(0.16666666666666666);
    expect(r.pNo).toBe(0.8333333333333334);
  });

  it("§Scoring: P(Tk) · Π count(Ij,Tk)/count(Tk), normalised; the most probable class wins", () => {
    const p = parsePmml(nbDoc(colorInput + shapeInput));
    const r = interpret(p, { color: "red", shape: "round" });
    const e = normalise(30 * (20 / 30) * (15 / 30), 70 * (10 / 70) * (35 / 70));
    expect(r.buy).toBe("yes");
    expect(r.pYes).toBeCloseTo(e.pYes, 15);
    expect(r.pNo).toBeCloseTo(e.pNo, 15);
  });

  it("§threshold replaces a zero count", () => {
    const p = parsePmml(nbDoc(colorInput));
    const r = interpret(p, { color: "green" });
    const e = normalise(30 * 0.001, 70 * (20 / 70));
    expect(r.pYes).toBeCloseTo(e.pYes, 15);
    expect(r.buy).toBe("no");
  });

  it("§Missing values are ignored, as are categories no PairCounts names", () => {
    const p = parsePmml(nbDoc(colorInput + shapeInput));
    for (const row of [
      { color: null, shape: null },
      { color: null, shape: "triangle" },
    ]) {
      const r = interpret(p, row);
      expect(r.buy).toBe("no");
      expect(r.pYes).toBeCloseTo(0.3, 15);
    }
  });

  it("an invalid category of a DataField with declared values fails under returnInvalid", () => {
    const p = parsePmml(nbDoc(colorInput));
    expect(() => interpret(p, { color: "purple" })).toThrow(EvaluationError);
  });

  it("§TargetValueStats: a continuous input contributes the class's Gaussian density", () => {
    const stats = `<BayesInput fieldName="size"><TargetValueStats>
      <TargetValueStat value="yes"><GaussianDistribution mean="10" variance="4"/></TargetValueStat>
      <TargetValueStat value="no"><GaussianDistribution mean="5" variance="9"/></TargetValueStat>
    </TargetValueStats></BayesInput>`;
    const p = parsePmml(nbDoc(stats));
    const gauss = (x: number, m: number, v: number) => Math.exp(-((x - m) ** 2) / (2 * v)) / Math.sqrt(2 * Math.PI * v);
    const r = interpret(p, { size: 8 });
    const e = normalise(30 * gauss(8, 10, 4), 70 * gauss(8, 5, 9));
    expect(r.pYes).toBeCloseTo(e.pYes, 14);
    // Far in the tail the density falls below threshold and is replaced by it.
    const far = interpret(p, { size: 100 });
    expect(far.pYes).toBeCloseTo(0.3, 14);
  });

  it("§TargetValueStats: PoissonDistribution for count inputs", () => {
    const stats = `<BayesInput fieldName="n"><TargetValueStats>
      <TargetValueStat value="yes"><PoissonDistribution mean="2"/></TargetValueStat>
      <TargetValueStat value="no"><PoissonDistribution mean="5"/></TargetValueStat>
    </TargetValueStats></BayesInput>`;
    const p = parsePmml(nbDoc(stats));
    const poisson = (k: number, l: number) => (Math.exp(-l) * l ** k) / [1, 1, 2, 6, 24][k];
    const r = interpret(p, { n: 3 });
    const e = normalise(30 * poisson(3, 2), 70 * poisson(3, 5));
    expect(r.pYes).toBeCloseTo(e.pYes, 14);
  });

  it("§BayesInput DerivedField: a Discretize maps a continuous input onto PairCounts bins", () => {
    const input = `<BayesInput fieldName="size">
      <DerivedField name="sizeBin" optype="categorical" dataType="string">
        <Discretize field="size">
          <DiscretizeBin binValue="small"><Interval closure="openOpen" rightMargin="5"/></DiscretizeBin>
          <DiscretizeBin binValue="large"><Interval closure="closedOpen" leftMargin="5"/></DiscretizeBin>
        </Discretize>
      </DerivedField>
      ${pair("small", 5, 50)}${pair("large", 25, 20)}
    </BayesInput>`;
    const p = parsePmml(nbDoc(input));
    const r = interpret(p, { size: 7 });
    const e = normalise(30 * (25 / 30), 70 * (20 / 70));
    expect(r.pYes).toBeCloseTo(e.pYes, 15);
    expect(r.buy).toBe("yes");
  });

  it("distributions other than Gaussian/Poisson are unsupported, naming the element", () => {
    const stats = `<BayesInput fieldName="size"><TargetValueStats>
      <TargetValueStat value="yes"><UniformDistribution lower="0" upper="1"/></TargetValueStat>
    </TargetValueStats></BayesInput>`;
    expect(() => parsePmml(nbDoc(stats))).toThrow(UnsupportedFeatureError);
    expect(() => parsePmml(nbDoc(stats))).toThrow(/UniformDistribution/);
  });

  it("a model without threshold, or without BayesOutput, is a SchemaError", () => {
    expect(() => parsePmml(nbDoc(colorInput, { threshold: "" }))).toThrow(SchemaError);
    expect(() => parsePmml(nbDoc(colorInput).replace(/<BayesOutput[\s\S]*<\/BayesOutput>/, ""))).toThrow(SchemaError);
  });
});
