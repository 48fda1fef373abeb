import { describe, expect, it } from "vitest";
import { correctlyRoundedExp as exp, normalCdf, SchemaError } from "@porta/ir";
import { pmmlDocument, scorer } from "../testing.ts";

const FIELDS = `
  <DataField name="x" optype="continuous" dataType="double"/>
  <DataField name="z" optype="continuous" dataType="double"/>
  <DataField name="c" optype="categorical" dataType="string"><Value value="u"/><Value value="v"/></DataField>
  <DataField name="y" optype="continuous" dataType="double"/>
  <DataField name="k" optype="categorical" dataType="string"><Value value="A"/><Value value="B"/><Value value="C"/></DataField>`;

function regression(norm: string, table: string, targets = ""): (row: Record<string, unknown>) => Record<string, unknown> {
  return scorer(
    pmmlDocument(
      FIELDS,
      `
    <RegressionModel functionName="regression" normalizationMethod="${norm}">
      <MiningSchema><MiningField name="x"/><MiningField name="z"/><MiningField name="c"/><MiningField name="y" usageType="target"/></MiningSchema>
      ${targets}
      ${table}
    </RegressionModel>`,
    ),
  );
}

const TABLE = `<RegressionTable intercept="1.5">
  <NumericPredictor name="x" coefficient="2"/>
  <NumericPredictor name="z" exponent="2" coefficient="0.5"/>
  <CategoricalPredictor name="c" value="u" coefficient="10"/>
  <CategoricalPredictor name="c" value="v" coefficient="-10"/>
  <PredictorTerm coefficient="3"><FieldRef field="x"/><FieldRef field="z"/></PredictorTerm>
</RegressionTable>`;

describe("RegressionModel (PMML 4.4 §Regression)", () => {
  it("y = intercept + Σ coef·x^exponent + categorical coefficients + Σ coef·Πterms", () => {
    const score = regression("none", TABLE);
    // 1.5 + 2*2 + 0.5*3^2 + 10 + 3*2*3 = 38
    expect(score({ x: 2, z: 3, c: "u" })).toEqual({ y: 38 });
  });

  it("a missing predictor makes the prediction missing", () => {
    expect(regression("none", TABLE)({ x: null, z: 3, c: "u" })).toEqual({ y: null });
  });

  it("'If the input value is missing, then the categorical field is ignored' (CategoricalPredictor)", () => {
    // 1.5 + 2*2 + 0.5*3^2 + 3*2*3 = 28: neither color coefficient applies.
    expect(regression("none", TABLE)({ x: 2, z: 3, c: null })).toEqual({ y: 28 });
  });

  it("normalizationMethod exp and logit/softmax on a regression result", () => {
    const t = '<RegressionTable intercept="0.25"/>';
    expect(regression("exp", t)({}).y).toBe(exp(0.25));
    expect(regression("logit", t)({}).y).toBe(1 / (1 + exp(-0.25)));
    expect(regression("softmax", t)({}).y).toBe(1 / (1 + exp(-0.25)));
  });

  it("Targets: min/max clamp, then rescaleFactor and rescaleConstant, then castInteger", () => {
    const t = '<RegressionTable intercept="0"><NumericPredictor name="x" coefficient="1"/></RegressionTable>';
    const targets = '<Targets><Target field="y" min="-1" max="4" rescaleFactor="2" rescaleConstant="0.5" castInteger="floor"/></Targets>';
    const score = regression("none", t, targets);
    expect(score({ x: 1.2 }).y).toBe(Math.floor(1.2 * 2 + 0.5));
    expect(score({ x: 100 }).y).toBe(8);
    expect(score({ x: -7 }).y).toBe(-2);
  });

  it("Targets: TargetValue defaultValue replaces a missing prediction", () => {
    const t = '<RegressionTable intercept="0"><NumericPredictor name="x" coefficient="1"/></RegressionTable>';
    const score = regression("none", t, '<Targets><Target field="y"><TargetValue defaultValue="42"/></Target></Targets>');
    expect(score({ x: null }).y).toBe(42);
  });
});

function classifier(norm: string, tables: string, output = ""): (row: Record<string, unknown>) => Record<string, unknown> {
  return scorer(
    pmmlDocument(
      FIELDS,
      `
    <RegressionModel functionName="classification" normalizationMethod="${norm}">
      <MiningSchema><MiningField name="x"/><MiningField name="k" usageType="target"/></MiningSchema>
      <Output>
        <OutputField name="pA" feature="probability" value="A"/><OutputField name="pB" feature="probability" value="B"/>
        <OutputField name="pC" feature="probability" value="C"/><OutputField name="p" feature="probability"/>
        ${output}
      </Output>
      ${tables}
    </RegressionModel>`,
    ),
  );
}

const THREE = `
  <RegressionTable intercept="1" targetCategory="A"><NumericPredictor name="x" coefficient="1"/></RegressionTable>
  <RegressionTable intercept="2" targetCategory="B"><NumericPredictor name="x" coefficient="-1"/></RegressionTable>
  <RegressionTable intercept="0" targetCategory="C"/>`;

describe("RegressionModel classification normalisations", () => {
  it("softmax: exp(y_k) / Σ exp(y_j); the prediction is the most probable category", () => {
    const r = classifier("softmax", THREE)({ x: 3 });
    const ys = [4, -1, 0].map(exp);
    const sum = ys[0] + ys[1] + ys[2];
    expect(r.pA).toBeCloseTo(ys[0] / sum, 15);
    expect(r.pB).toBeCloseTo(ys[1] / sum, 15);
    expect(r.k).toBe("A");
    expect(r.p).toBe(r.pA);
  });

  it("simplemax: y_k / Σ y_j", () => {
    const r = classifier("simplemax", THREE)({ x: 1 });
    expect(r.pA).toBeCloseTo(2 / 3, 15);
    expect(r.pB).toBeCloseTo(1 / 3, 15);
    expect(r.pC).toBe(0);
  });

  it("none: the table values are the probabilities, the last category takes 1 − Σ of the others (JPMML)", () => {
    const r = classifier("none", THREE)({ x: 0.5 });
    expect(r).toMatchObject({ pA: 1.5, pB: 1.5, pC: -2, k: "A" });
  });

  it("none over two tables: the first value is restricted to [0, 1], the second is its complement (JPMML)", () => {
    const two = `<RegressionTable intercept="0" targetCategory="A"><NumericPredictor name="x" coefficient="1"/></RegressionTable><RegressionTable intercept="5" targetCategory="B"/>`;
    expect(classifier("none", two)({ x: 1.5 })).toMatchObject({ pA: 1, pB: 0, k: "A" });
    expect(classifier("none", two)({ x: 0.25 })).toMatchObject({ pA: 0.25, pB: 0.75, k: "B" });
  });

  it("softmax over two tables whose second is the zero default table is the binary logit (JPMML)", () => {
    const two = `<RegressionTable intercept="0" targetCategory="A"><NumericPredictor name="x" coefficient="1"/></RegressionTable><RegressionTable intercept="0" targetCategory="B"/>`;
    const r = classifier("softmax", two)({ x: 40 });
    const p = 1 / (1 + exp(-40));
    expect(r.pA).toBe(p);
    expect(r.pB).toBe(1 - p);
  });

  const TWO = `
    <RegressionTable intercept="0.3" targetCategory="A"><NumericPredictor name="x" coefficient="1"/></RegressionTable>
    <RegressionTable intercept="0" targetCategory="B"/>`;
  const link: Record<string, (y: number) => number> = {
    logit: (y) => 1 / (1 + exp(-y)),
    probit: (y) => normalCdf(y),
    cloglog: (y) => 1 - exp(-exp(y)),
    loglog: (y) => exp(-exp(-y)),
    cauchit: (y) => 0.5 + Math.atan(y) / Math.PI,
  };
  for (const [method, inv] of Object.entries(link)) {
    it(`binary ${method}: P(first) = link⁻¹(y₀), P(second) = 1 − P(first)`, () => {
      const r = classifier(method, TWO)({ x: 0.2 });
      expect(r.pA).toBeCloseTo(inv(0.5), 14);
      expect(r.pB).toBeCloseTo(1 - inv(0.5), 14);
    });
  }

  it("probit uses an accurate normal CDF", () => {
    expect(normalCdf(0)).toBe(0.5);
    expect(normalCdf(1.959963984540054)).toBeCloseTo(0.975, 15);
    expect(normalCdf(-8)).toBeCloseTo(6.22096057427178e-16, 28);
  });

  it("Targets priors give the prediction when a classifier cannot score", () => {
    const tables =
      '<RegressionTable intercept="0" targetCategory="A"><NumericPredictor name="x" coefficient="1"/></RegressionTable><RegressionTable intercept="0" targetCategory="B"/>';
    const score = scorer(
      pmmlDocument(
        FIELDS,
        `
      <RegressionModel functionName="classification" normalizationMethod="softmax">
        <MiningSchema><MiningField name="x"/><MiningField name="k" usageType="target"/></MiningSchema>
        <Output><OutputField name="pB" feature="probability" value="B"/><OutputField name="label" feature="predictedDisplayValue"/></Output>
        <Targets><Target field="k"><TargetValue value="A" priorProbability="0.3" displayValue="Alpha"/><TargetValue value="B" priorProbability="0.7" displayValue="Beta"/></Target></Targets>
        ${tables}
      </RegressionModel>`,
      ),
    );
    expect(score({ x: null })).toEqual({ k: "B", pB: 0.7, label: "Beta" });
    expect(score({ x: 5 }).label).toBe("Alpha");
  });
});

// Documents for the JPMML dispatch of classification normalisations (RegressionTableUtil):
// ordinal targets, links over more than two tables, and the combinations JPMML refuses.
const ORDINAL_FIELDS = `
  <DataField name="x" optype="continuous" dataType="double"/>
  <DataField name="z" optype="continuous" dataType="double"/>
  <DataField name="g" optype="ordinal" dataType="string"><Value value="low"/><Value value="mid"/><Value value="high"/></DataField>
  <DataField name="k" optype="categorical" dataType="string"><Value value="A"/><Value value="B"/><Value value="C"/></DataField>
  <DataField name="y" optype="continuous" dataType="double"/>`;

/** Three tables of the ordered categories low < mid < high: cut points −1 and 1.5, slope 0.8. */
const ORDINAL_TABLES = `
  <RegressionTable intercept="-1" targetCategory="low"><NumericPredictor name="x" coefficient="0.8"/></RegressionTable>
  <RegressionTable intercept="1.5" targetCategory="mid"><NumericPredictor name="x" coefficient="0.8"/></RegressionTable>
  <RegressionTable intercept="0" targetCategory="high"/>`;

function ordinal(
  norm: string,
  mining = '<MiningField name="g" usageType="target"/>',
  tables = ORDINAL_TABLES,
): (row: Record<string, unknown>) => Record<string, unknown> {
  return scorer(
    pmmlDocument(
      ORDINAL_FIELDS,
      `
    <RegressionModel functionName="classification" normalizationMethod="${norm}">
      <MiningSchema><MiningField name="x"/>${mining}</MiningSchema>
      <Output>
        <OutputField name="pLow" feature="probability" value="low"/><OutputField name="pMid" feature="probability" value="mid"/>
        <OutputField name="pHigh" feature="probability" value="high"/>
      </Output>
      ${tables}
    </RegressionModel>`,
    ),
  );
}

/** JPMML's computeOrdinalProbabilities in double: cumulative F, differences, residual. */
function cumulative(F: (y: number) => number, ys: number[]): number[] {
  const ps: number[] = [];
  let sum = 0;
  for (let i = 0; i < ys.length; i++) {
    const p = F(ys[i]);
    ps.push(i === 0 ? p : p - sum);
    sum = i === 0 ? p : sum + ps[i];
  }
  ps.push(1 - sum);
  return ps;
}

describe("RegressionModel with an ordinal target: cumulative link probabilities (JPMML)", () => {
  const links: Record<string, (y: number) => number> = {
    logit: (y) => 1 / (1 + exp(-y)),
    probit: (y) => normalCdf(y),
    cloglog: (y) => 1 - exp(-exp(y)),
    loglog: (y) => exp(-exp(-y)),
    cauchit: (y) => 0.5 + (1 / Math.PI) * Math.atan(y),
  };
  for (const [method, F] of Object.entries(links)) {
    it(`${method}: P(low) = F(y₁), P(mid) = F(y₂) − F(y₁), P(high) = 1 − F(y₂), bit for bit`, () => {
      for (const x of [-2, 0.3, 1.7]) {
        const [pLow, pMid, pHigh] = cumulative(F, [0.8 * x + -1, 0.8 * x + 1.5]);
        const r = ordinal(method)({ x });
        expect(r).toMatchObject({ pLow, pMid, pHigh });
        const best = pLow >= pMid && pLow >= pHigh ? "low" : pMid >= pHigh ? "mid" : "high";
        expect(r.g).toBe(best);
      }
    });
  }

  it("the cumulative probabilities differ from the categorical reading of the same tables", () => {
    const x = 0.3;
    const F = links.logit;
    const r = ordinal("logit")({ x });
    // Categorical logit over three tables is per-table logistic then simplemax.
    expect(r.pMid).toBe(F(0.8 * x + 1.5) - F(0.8 * x - 1));
    expect(r.pMid).not.toBeCloseTo(F(0.8 * x + 1.5) / (F(0.8 * x - 1) + F(0.8 * x + 1.5) + F(0)), 3);
  });

  it("none: the cumulative values are restricted to [0, 1] before the differences", () => {
    const r = ordinal("none")({ x: 2 });
    // y₁ ≈ 0.6, y₂ = 3.1 → 1: P(low) = y₁, P(mid) = 1 − y₁, P(high) = 1 − (y₁ + (1 − y₁)).
    const y1 = 0.8 * 2 + -1;
    expect(r).toMatchObject({ pLow: y1, pMid: 1 - y1, pHigh: 1 - (y1 + (1 - y1)), g: "low" });
    expect(ordinal("none")({ x: -5 })).toMatchObject({ pLow: 0, pMid: 0, pHigh: 1 }); // y₂ = 0.8·(−5) + 1.5 < 0 → 0
  });

  it("two ordinal tables: P(first) = F(y₁), P(second) = 1 − P(first)", () => {
    const two = `<RegressionTable intercept="0.25" targetCategory="low"/><RegressionTable intercept="0" targetCategory="mid"/>`;
    const F = links.probit;
    expect(ordinal("probit", undefined, two)({ x: 1 })).toMatchObject({ pLow: F(0.25), pMid: 1 - F(0.25) });
  });

  it("the MiningField optype overrides the DataField's: an ordinal MiningField on a categorical field", () => {
    const tables = ORDINAL_TABLES.replace('"low"', '"A"').replace('"mid"', '"B"').replace('"high"', '"C"');
    const score = scorer(
      pmmlDocument(
        ORDINAL_FIELDS,
        `
      <RegressionModel functionName="classification" normalizationMethod="cloglog">
        <MiningSchema><MiningField name="x"/><MiningField name="k" usageType="target" optype="ordinal"/></MiningSchema>
        <Output><OutputField name="pA" feature="probability" value="A"/><OutputField name="pB" feature="probability" value="B"/><OutputField name="pC" feature="probability" value="C"/></Output>
        ${tables}
      </RegressionModel>`,
      ),
    );
    const [pA, pB, pC] = cumulative(links.cloglog, [0.8 * 0.5 - 1, 0.8 * 0.5 + 1.5]);
    expect(score({ x: 0.5 })).toMatchObject({ pA, pB, pC });
  });

  for (const method of ["softmax", "simplemax", "exp"]) {
    it(`${method} cannot normalise an ordinal target: SchemaError at @normalizationMethod (JPMML InvalidAttributeException)`, () => {
      const score = ordinal(method);
      expect(() => score({ x: 1 })).toThrow(SchemaError);
      try {
        score({ x: 1 });
      } catch (e) {
        expect((e as SchemaError).path).toMatch(/RegressionModel.*\/@normalizationMethod$/);
        expect((e as SchemaError).value).toBe(method);
      }
      // As JPMML, a row whose tables cannot be evaluated never reaches the normalisation.
      expect(score({ x: null })).toMatchObject({ g: null });
    });
  }
});

describe("RegressionModel links over more than two categorical tables (JPMML)", () => {
  it("logit: 1/(1+e^−yₖ) per table, then divided by their sum (JPMML's non-standard reading)", () => {
    const r = classifier("logit", THREE)({ x: 0.5 });
    const vs = [1.5, 1.5, 0].map((y) => 1 / (1 + exp(-y)));
    const sum = vs[0] + vs[1] + vs[2];
    expect(r).toMatchObject({ pA: vs[0] / sum, pB: vs[1] / sum, pC: vs[2] / sum, k: "A" });
  });

  for (const method of ["probit", "cloglog", "loglog", "cauchit", "exp"]) {
    it(`${method} over three categorical tables is refused: SchemaError at @normalizationMethod`, () => {
      const score = classifier(method, THREE);
      expect(() => score({ x: 0.5 })).toThrow(SchemaError);
      try {
        score({ x: 0.5 });
      } catch (e) {
        expect((e as SchemaError).path).toMatch(/\/RegressionModel[^/]*\/@normalizationMethod$/);
      }
    });
  }

  it("exp over two tables and simplemax on a regression are refused as well", () => {
    const two = `<RegressionTable intercept="0.3" targetCategory="A"/><RegressionTable intercept="0" targetCategory="B"/>`;
    expect(() => classifier("exp", two)({ x: 1 })).toThrow(SchemaError);
    expect(() => regression("simplemax", '<RegressionTable intercept="0.25"/>')({})).toThrow(SchemaError);
  });
});

describe("RegressionTable summation order (JPMML ≥ 1.3: intercept last)", () => {
  it("Σ predictors from 0 in document order, then the intercept", () => {
    const t = `<RegressionTable intercept="1"><NumericPredictor name="x" coefficient="1"/><NumericPredictor name="z" coefficient="1"/></RegressionTable>`;
    const e = 2 ** -53;
    // Intercept first: (1 + 2⁻⁵³) + 2⁻⁵³ = 1 (ties to even). Intercept last: 2⁻⁵² + 1.
    expect(regression("none", t)({ x: e, z: e }).y).toBe(1 + 2 ** -52);
  });
});

describe("RegressionModel mathContext=float with an ordinal target", () => {
  it("FloatValue arithmetic: cumulative logit, differences and residual rounded to float", () => {
    const f = Math.fround;
    const score = scorer(
      pmmlDocument(
        ORDINAL_FIELDS,
        `
      <RegressionModel functionName="classification" normalizationMethod="logit" mathContext="float">
        <MiningSchema><MiningField name="x"/><MiningField name="g" usageType="target"/></MiningSchema>
        <Output><OutputField name="pLow" feature="probability" value="low"/><OutputField name="pMid" feature="probability" value="mid"/><OutputField name="pHigh" feature="probability" value="high"/></Output>
        ${ORDINAL_TABLES}
      </RegressionModel>`,
      ),
    );
    const F = (y: number) => f(1 / f(1 + f(exp(-f(y)))));
    const y1 = f(f(f(0.3) * f(0.8)) + f(-1)),
      y2 = f(f(f(0.3) * f(0.8)) + f(1.5));
    const pLow = F(y1),
      pMid = f(F(y2) - pLow),
      pHigh = f(1 - f(pLow + pMid));
    expect(score({ x: 0.3 })).toMatchObject({ pLow, pMid, pHigh });
  });
});
