import { describe, expect, it } from "vitest";
import { correctlyRoundedExp } from "@porta/ir";
import { parsePmml } from "@porta/pmml";
import { pmmlModel } from "@porta/runtime";
import { compilePipeline } from "./compile.ts";
import { pmml } from "./families/same-answers.test-helper.ts";

/**
 * Every site where JPMML calls java.lang.Math.exp (correctly rounded on HotSpot) uses @porta/ir's
 * correctly rounded exp, in the interpreter and in the compiled kernel alike. Each case pins an
 * input where V8's Math.exp gives another last bit, so going back to Math.exp at any one site
 * (in either backend) fails here.
 */

const fields = `<DataField name="x" optype="continuous" dataType="double"/>
<DataField name="y" optype="continuous" dataType="double"/>
<DataField name="t" optype="categorical" dataType="string"><Value value="yes"/><Value value="no"/></DataField>`;

function regression(norm: string): string {
  return pmml(
    fields,
    `<RegressionModel functionName="regression" normalizationMethod="${norm}">
<MiningSchema><MiningField name="x"/><MiningField name="y" usageType="target"/></MiningSchema>
<Output><OutputField name="out" feature="predictedValue" dataType="double"/></Output>
<RegressionTable intercept="0"><NumericPredictor name="x" coefficient="1"/></RegressionTable></RegressionModel>`,
  );
}

/** Two tables: yes = x, no = `noIntercept`; "out" is P(yes) and "out2" P(no). */
function classifier(norm: string, noIntercept = 0): string {
  return pmml(
    fields,
    `<RegressionModel functionName="classification" normalizationMethod="${norm}">
<MiningSchema><MiningField name="x"/><MiningField name="t" usageType="target"/></MiningSchema>
<Output><OutputField name="out" feature="probability" value="yes" dataType="double"/><OutputField name="out2" feature="probability" value="no" dataType="double"/></Output>
<RegressionTable intercept="0" targetCategory="yes"><NumericPredictor name="x" coefficient="1"/></RegressionTable>
<RegressionTable intercept="${noIntercept}" targetCategory="no"/></RegressionModel>`,
  );
}

/** One cluster at 0 over x; "out" is the winning cluster's distance. */
function clustering(measure: string, field: string): string {
  return pmml(
    fields,
    `<ClusteringModel functionName="clustering" modelClass="centerBased" numberOfClusters="1">
<MiningSchema><MiningField name="x"/></MiningSchema>
<Output><OutputField name="out" feature="clusterAffinity" dataType="double"/></Output>
<ComparisonMeasure kind="distance">${measure}</ComparisonMeasure>${field}
<Cluster id="c"><Array n="1" type="real">0</Array></Cluster></ClusteringModel>`,
  );
}

const builtin = pmml(
  fields,
  `<TransformationDictionary><DerivedField name="ex" optype="continuous" dataType="double"><Apply function="exp"><FieldRef field="x"/></Apply></DerivedField></TransformationDictionary>
<RegressionModel functionName="regression"><MiningSchema><MiningField name="x"/><MiningField name="y" usageType="target"/></MiningSchema>
<Output><OutputField name="out" feature="transformedValue" dataType="double"><FieldRef field="ex"/></OutputField></Output>
<RegressionTable intercept="0"><NumericPredictor name="x" coefficient="1"/></RegressionTable></RegressionModel>`,
);

type Exp = (x: number) => number;
interface Site {
  name: string;
  doc: string;
  x: number;
  field: "out" | "out2";
  /** The pinned, correctly rounded answer (what JPMML gives). */
  want: number;
  /** The site's arithmetic with a given exp, to show V8's Math.exp differs in the last bit. */
  formula: (exp: Exp, x: number) => number;
}

const SITES: Site[] = [
  {
    name: "RegressionModel regression, normalizationMethod logit",
    doc: regression("logit"),
    x: 0.34,
    field: "out",
    want: 0.5841905229354074,
    formula: (e, y) => 1 / (1 + e(-y)),
  },
  {
    name: "RegressionModel regression, normalizationMethod softmax (JPMML: the logistic)",
    doc: regression("softmax"),
    x: 0.34,
    field: "out",
    want: 0.5841905229354074,
    formula: (e, y) => 1 / (1 + e(-y)),
  },
  {
    name: "RegressionModel regression, normalizationMethod exp",
    doc: regression("exp"),
    x: 0.27,
    field: "out",
    want: 1.3099644507332473,
    formula: (e, y) => e(y),
  },
  {
    name: "RegressionModel binomial classification, logit",
    doc: classifier("logit"),
    x: 0.34,
    field: "out",
    want: 0.5841905229354074,
    formula: (e, y) => 1 / (1 + e(-y)),
  },
  {
    name: "RegressionModel binomial classification, cloglog",
    doc: classifier("cloglog"),
    x: 0.02,
    field: "out",
    want: 0.6394776547134506,
    formula: (e, y) => 1 - e(-e(y)),
  },
  {
    name: "RegressionModel binomial classification, loglog",
    doc: classifier("loglog"),
    x: 0.15,
    field: "out",
    want: 0.4228625995653628,
    formula: (e, y) => e(-e(-y)),
  },
  {
    // Not the zero default second table, which JPMML reads as the binary logit (covered above).
    name: "RegressionModel multinomial classification, softmax",
    doc: classifier("softmax", 0.5),
    x: 0.05,
    field: "out",
    want: 0.3893607660507781,
    formula: (e, y) => e(y - 0.5) / (e(y - 0.5) + e(0.5 - 0.5)), // the max-shifted softmax, P(yes)
  },
  { name: "the exp built-in function", doc: builtin, x: 0.27, field: "out", want: 1.3099644507332473, formula: (e, x) => e(x) },
  {
    name: "ClusteringModel compareFunction gaussSim",
    x: 0.5,
    field: "out",
    want: 0.8408964152537145,
    doc: clustering("<cityBlock/>", `<ClusteringField field="x" compareFunction="gaussSim" similarityScale="1"/>`),
    formula: (e, z) => e((-Math.log(2) * z * z) / (1 * 1)),
  },
  {
    name: "ClusteringModel minkowski p-parameter 0 (JPMML's inversePower: e^x)",
    x: 5,
    field: "out",
    want: 1.3099644507332473,
    // c^0 = 1, so the distance is exp(fieldWeight · adjustment) = exp(0.27).
    doc: clustering(`<minkowski p-parameter="0"/>`, `<ClusteringField field="x" compareFunction="absDiff" fieldWeight="0.27"/>`),
    formula: (e) => e(0.27),
  },
];

describe("JPMML's Math.exp sites use the correctly rounded exp in both backends", () => {
  for (const s of SITES) {
    it(s.name, () => {
      // The pin is a last-bit case: the correctly rounded exp gives it, V8's Math.exp does not.
      expect(s.formula(correctlyRoundedExp, s.x)).toBe(s.want);
      expect(s.formula(Math.exp, s.x)).not.toBe(s.want);

      const pipeline = parsePmml(s.doc);
      const interp = pmmlModel(pipeline, "interp");
      const js = pmmlModel(pipeline, "js");
      expect(js.backend).toBe("js");
      expect((interp.score({ x: s.x }) as Record<string, unknown>)[s.field]).toBe(s.want);
      expect((js.score({ x: s.x }) as Record<string, unknown>)[s.field]).toBe(s.want);

      // The kernel calls the pooled "exp" helper (that very function), never Math.exp.
      const compiled = compilePipeline(pipeline);
      expect(compiled.source).not.toContain("Math.exp");
      const k = compiled.constants.indexOf(correctlyRoundedExp);
      expect(k).toBeGreaterThanOrEqual(0);
      expect(compiled.source).toMatch(new RegExp(`const (\\w+) = C\\[${k}\\];[^]*\\b\\1\\(`));
    });
  }
});
