import { describe, expect, it } from "vitest";
import { parsePmml } from "@porta/pmml";
import { EvaluationError, SchemaError, interpret } from "@porta/ir";
import { exp } from "../../packages/ir/src/interpret/exp.ts";

const DICT = `
  <DataDictionary>
    <DataField name="x" optype="continuous" dataType="double"/>
    <DataField name="z" optype="continuous" dataType="double"/>
    <DataField name="c" optype="categorical" dataType="string"><Value value="a"/><Value value="b"/><Value value="c"/></DataField>
    <DataField name="y" optype="continuous" dataType="double"/>
    <DataField name="k" optype="categorical" dataType="string"><Value value="lo"/><Value value="mid"/><Value value="hi"/></DataField>
  </DataDictionary>`;

function doc(model: string): string {
  return `<PMML version="4.4" xmlns="http://www.dmg.org/PMML-4_4">${DICT}${model}</PMML>`;
}

const FIELDS = `<MiningField name="x"/><MiningField name="z"/><MiningField name="c"/>`;
const LISTS = `
    <ParameterList><Parameter name="p0"/><Parameter name="p1"/><Parameter name="p2"/><Parameter name="p3"/></ParameterList>
    <FactorList><Predictor name="c"/></FactorList>
    <CovariateList><Predictor name="x"/><Predictor name="z"/></CovariateList>
    <PPMatrix>
      <PPCell value="2" predictorName="x" parameterName="p1"/>
      <PPCell value="b" predictorName="c" parameterName="p2"/>
      <PPCell value="b" predictorName="c" parameterName="p3"/>
      <PPCell value="1" predictorName="z" parameterName="p3"/>
    </PPMatrix>`;

function linear(extra = "", attrs = `modelType="generalLinear"`, targets = ""): string {
  return doc(`
  <GeneralRegressionModel ${attrs} functionName="regression">
    <MiningSchema>${FIELDS}<MiningField name="y" usageType="target"/></MiningSchema>${targets}
    ${LISTS}
    <ParamMatrix>
      <PCell parameterName="p0" beta="1.5"/>
      <PCell parameterName="p1" beta="2"/>
      <PCell parameterName="p2" beta="-3"/>
      <PCell parameterName="p3" beta="0.5"/>
    </ParamMatrix>${extra}
  </GeneralRegressionModel>`);
}

describe("GeneralRegressionModel (PMML 4.4 §GeneralRegression)", () => {
  it("generalLinear: η = Σ beta × Π PPMatrix row; a parameter without PPCells is an intercept; covariate value is an exponent", () => {
    const p = parsePmml(linear());
    // 1.5 + 2·3² + (-3)·[c=b] + 0.5·[c=b]·z
    expect(interpret(p, { x: "3", z: "4", c: "b" }).y).toBe(1.5 + 2 * 9 - 3 + 0.5 * 4);
    expect(interpret(p, { x: "3", z: "4", c: "a" }).y).toBe(1.5 + 2 * 9);
  });

  it("a missing predictor makes the prediction missing, and Targets/defaultValue applies", () => {
    expect(interpret(parsePmml(linear()), { x: null, z: "4", c: "b" }).y).toBeNull();
    const withDefault = linear("", `modelType="generalLinear"`, `<Targets><Target field="y"><TargetValue defaultValue="42"/></Target></Targets>`);
    expect(interpret(parsePmml(withDefault), { x: null, z: "4", c: "b" }).y).toBe(42);
  });

  it("a factor cell that does not match makes the row 0 and its covariates are not needed (missing z is fine)", () => {
    expect(interpret(parsePmml(linear()), { x: "1", z: null, c: "a" }).y).toBe(1.5 + 2);
  });

  it("a value outside the DataField's categories is invalid (returnInvalid by default)", () => {
    expect(() => interpret(parsePmml(linear()), { x: "1", z: "1", c: "unseen" })).toThrow(EvaluationError);
  });

  it("generalizedLinear: μ = link⁻¹(η + offset) × trials", () => {
    const p = parsePmml(linear("", `modelType="generalizedLinear" linkFunction="log" offsetValue="0.25" trialsValue="3"`));
    const eta = 1.5 + 2 * 1 - 3 + 0.5 * 2;
    expect(interpret(p, { x: "1", z: "2", c: "b" }).y).toBe(exp(eta + 0.25) * 3);
  });

  it("generalizedLinear power link uses linkParameter (μ = η^(1/d)), and d = 0 means log", () => {
    const power = parsePmml(linear("", `modelType="generalizedLinear" linkFunction="power" linkParameter="0.5"`));
    expect(interpret(power, { x: "1", z: "2", c: "a" }).y).toBe(Math.pow(3.5, 2));
    const zero = parsePmml(linear("", `modelType="generalizedLinear" linkFunction="power" linkParameter="0"`));
    expect(interpret(zero, { x: "1", z: "2", c: "a" }).y).toBe(exp(3.5));
    expect(() => interpret(parsePmml(linear("", `modelType="generalizedLinear" linkFunction="power"`)), { x: "1", z: "2", c: "a" })).toThrow(SchemaError);
  });

  it("offsetVariable is read from the data; a missing offset is an error", () => {
    const p = parsePmml(linear("", `modelType="generalizedLinear" linkFunction="identity" offsetVariable="z"`));
    expect(interpret(p, { x: "1", z: "2", c: "a" }).y).toBe(3.5 + 2);
    expect(() => interpret(p, { x: "1", z: null, c: "a" })).toThrow(EvaluationError);
  });

  const multinomial = (ref = ` targetReferenceCategory="hi"`) =>
    doc(`
  <GeneralRegressionModel modelType="multinomialLogistic" functionName="classification"${ref}>
    <MiningSchema><MiningField name="x"/><MiningField name="k" usageType="target"/></MiningSchema>
    <Output>
      <OutputField name="P_lo" feature="probability" value="lo" dataType="double"/>
      <OutputField name="P_mid" feature="probability" value="mid" dataType="double"/>
      <OutputField name="P_hi" feature="probability" value="hi" dataType="double"/>
    </Output>
    <ParameterList><Parameter name="p0"/><Parameter name="p1"/></ParameterList>
    <CovariateList><Predictor name="x"/></CovariateList>
    <PPMatrix><PPCell value="1" predictorName="x" parameterName="p1"/></PPMatrix>
    <ParamMatrix>
      <PCell targetCategory="lo" parameterName="p0" beta="1"/>
      <PCell targetCategory="lo" parameterName="p1" beta="-2"/>
      <PCell targetCategory="mid" parameterName="p0" beta="0.5"/>
      <PCell targetCategory="mid" parameterName="p1" beta="1"/>
    </ParamMatrix>
  </GeneralRegressionModel>`);

  it("multinomialLogistic: P(j) = exp(η_j) / Σ exp(η), the reference category has η = 0", () => {
    const r = interpret(parsePmml(multinomial()), { x: "0.3" });
    const e = [exp(1 - 0.6), exp(0.5 + 0.3), 1];
    const s = e[0] + e[1] + e[2];
    expect(r.P_lo).toBe(e[0] / s);
    expect(r.P_mid).toBe(e[1] / s);
    expect(r.P_hi).toBe(e[2] / s);
    expect(r.k).toBe("mid");
  });

  it("without targetReferenceCategory the reference is the category absent from the ParamMatrix", () => {
    const a = interpret(parsePmml(multinomial("")), { x: "2" });
    const b = interpret(parsePmml(multinomial()), { x: "2" });
    expect(a).toEqual(b);
    expect(a.k).toBe("mid");
  });

  it("classification with a missing input predicts nothing", () => {
    expect(interpret(parsePmml(multinomial()), { x: null }).k).toBeNull();
  });

  it("ordinalMultinomial: cumulative link per threshold, probabilities are the differences", () => {
    const p = parsePmml(
      doc(`
  <GeneralRegressionModel modelType="ordinalMultinomial" functionName="classification" cumulativeLink="logit">
    <MiningSchema><MiningField name="x"/><MiningField name="k" usageType="target"/></MiningSchema>
    <Output>
      <OutputField name="P_lo" feature="probability" value="lo" dataType="double"/>
      <OutputField name="P_mid" feature="probability" value="mid" dataType="double"/>
      <OutputField name="P_hi" feature="probability" value="hi" dataType="double"/>
    </Output>
    <ParameterList><Parameter name="p0"/><Parameter name="p1"/></ParameterList>
    <CovariateList><Predictor name="x"/></CovariateList>
    <PPMatrix><PPCell value="1" predictorName="x" parameterName="p1"/></PPMatrix>
    <ParamMatrix>
      <PCell targetCategory="lo" parameterName="p0" beta="-1"/>
      <PCell targetCategory="mid" parameterName="p0" beta="1"/>
      <PCell parameterName="p1" beta="0.5"/>
    </ParamMatrix>
  </GeneralRegressionModel>`),
    );
    const r = interpret(p, { x: "1" });
    const c1 = 1 / (1 + exp(-(-1 + 0.5)));
    const c2 = 1 / (1 + exp(-(1 + 0.5)));
    expect(r.P_lo).toBe(c1);
    expect(r.P_mid).toBe(c2 - c1);
    expect(r.P_hi).toBe(1 - c2);
  });

  it("a factor with a contrast matrix multiplies by Matrix[row of the value][column of the PPCell category]", () => {
    const p = parsePmml(
      doc(`
  <GeneralRegressionModel modelType="generalLinear" functionName="regression">
    <MiningSchema><MiningField name="c"/><MiningField name="y" usageType="target"/></MiningSchema>
    <ParameterList><Parameter name="p0"/><Parameter name="p1"/></ParameterList>
    <FactorList><Predictor name="c">
      <Categories><Category value="a"/><Category value="b"/><Category value="c"/></Categories>
      <Matrix><Array type="real">1 0 -1</Array><Array type="real">0 1 -1</Array><Array type="real">0 0 5</Array></Matrix>
    </Predictor></FactorList>
    <PPMatrix><PPCell value="c" predictorName="c" parameterName="p1"/></PPMatrix>
    <ParamMatrix><PCell parameterName="p0" beta="10"/><PCell parameterName="p1" beta="2"/></ParamMatrix>
  </GeneralRegressionModel>`),
    );
    expect(interpret(p, { c: "a" }).y).toBe(10 - 2);
    expect(interpret(p, { c: "c" }).y).toBe(10 + 10);
  });

  it("CoxRegression: cumulative hazard H0(t) × exp(η − Σ beta × referencePoint); before the first time 0, after maxTime missing", () => {
    const p = parsePmml(
      doc(`
  <GeneralRegressionModel modelType="CoxRegression" functionName="regression" endTimeVariable="z">
    <MiningSchema><MiningField name="x"/><MiningField name="z"/><MiningField name="y" usageType="target"/></MiningSchema>
    <ParameterList><Parameter name="p1" referencePoint="2"/></ParameterList>
    <CovariateList><Predictor name="x"/></CovariateList>
    <PPMatrix><PPCell value="1" predictorName="x" parameterName="p1"/></PPMatrix>
    <ParamMatrix><PCell parameterName="p1" beta="0.5"/></ParamMatrix>
    <BaseCumHazardTables maxTime="10">
      <BaselineCell time="1" cumHazard="0.1"/>
      <BaselineCell time="5" cumHazard="0.4"/>
    </BaseCumHazardTables>
  </GeneralRegressionModel>`),
    );
    expect(interpret(p, { x: "3", z: "6" }).y).toBe(exp(1.5 - 1) * 0.4);
    expect(interpret(p, { x: "3", z: "0.5" }).y).toBe(0);
    expect(interpret(p, { x: "3", z: "11" }).y).toBeNull();
  });

  it("JPMML's computeLink: distParameter only beside negbin, linkParameter only beside oddspower/power", () => {
    const row = { x: "1", z: "2", c: "a" };
    for (const attrs of [
      `linkFunction="log" distParameter="2"`,
      `linkFunction="logit" linkParameter="1"`,
      `linkFunction="negbin" distParameter="2" linkParameter="1"`,
      `linkFunction="power" linkParameter="1" distParameter="2"`,
      `linkFunction="negbin"`,
    ]) {
      expect(() => interpret(parsePmml(linear("", `modelType="generalizedLinear" ${attrs}`)), row)).toThrow(SchemaError);
    }
    // A missing prediction never reaches the link.
    expect(interpret(parsePmml(linear("", `modelType="generalizedLinear" linkFunction="log" distParameter="2"`)), { ...row, x: null }).y).toBeNull();
  });

  it("classification takes the target field's categories only (two at least), and exactly one must be absent from the ParamMatrix without targetReferenceCategory", () => {
    // A target field without Values: JPMML does not read categories off the ParamMatrix.
    const noValues = multinomial().replace(
      `<DataField name="k" optype="categorical" dataType="string"><Value value="lo"/><Value value="mid"/><Value value="hi"/></DataField>`,
      `<DataField name="k" optype="categorical" dataType="string"/>`,
    );
    expect(noValues).not.toBe(multinomial());
    expect(() => interpret(parsePmml(noValues), { x: "1" })).toThrow(SchemaError);
    // Binomial PCells without targetCategory and no targetReferenceCategory: both categories are absent.
    const binomial = doc(`
  <GeneralRegressionModel modelType="multinomialLogistic" functionName="classification">
    <MiningSchema><MiningField name="x"/><MiningField name="c" usageType="target"/></MiningSchema>
    <ParameterList><Parameter name="p0"/></ParameterList>
    <PPMatrix/>
    <ParamMatrix><PCell parameterName="p0" beta="1"/></ParamMatrix>
  </GeneralRegressionModel>`).replace(`<Value value="c"/></DataField>`, `</DataField>`);
    expect(() => interpret(parsePmml(binomial), { x: "1" })).toThrow(SchemaError);
    expect(
      interpret(parsePmml(binomial.replace(`functionName="classification">`, `functionName="classification" targetReferenceCategory="b">`)), { x: "1" }).c,
    ).toBe("a");
  });

  it("a PPCell naming a field in neither list is a SchemaError", () => {
    const bad = linear().replace(`predictorName="z" parameterName="p3"`, `predictorName="y" parameterName="p3"`);
    expect(() => interpret(parsePmml(bad), { x: "1", z: "1", c: "b" })).toThrow(SchemaError);
  });
});
