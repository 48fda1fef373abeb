/**
 * nyoka's scikit-learn preprocessing (nyoka/skl/pre_process.py) in a TransformationDictionary,
 * feeding a binary linear classifier (LogisticRegression, SGDClassifier and
 * LinearDiscriminantAnalysis are all written as a RegressionModel with normalizationMethod="logit",
 * the coefficients in a table for the last class and an empty table for the first):
 * StandardScaler → "standardScaler(x)" = (x − mean) / scale; a SimpleImputer after another step
 * → "imputer(…)" = if(isMissing(…), statistic, …); Binarizer → threshold(x, t);
 * MaxAbsScaler → x / max_abs; LabelBinarizer of two classes → one NormDiscrete field
 * "labelBinarizer(c)(last class)", optype categorical and dataType double.
 */
import { describe, expect, it } from "vitest";
import { SchemaError } from "@porta/ir";
import { parsePmml } from "@porta/pmml";
import { expectClose, nyokaPmml, scoreBoth } from "./both-backends.ts";

const [mean, scale, fill, t, maxAbs] = [3.2, 1.7, 0.15, 0.5, 8];
const coef = { s: 0.8, b: -1.1, m: 0.45, l: 0.6 };
const intercept = -0.3;

const text = nyokaPmml(`<DataDictionary numberOfFields="5">
        <DataField name="x" optype="continuous" dataType="double"/>
        <DataField name="z" optype="continuous" dataType="double"/>
        <DataField name="w" optype="continuous" dataType="double"/>
        <DataField name="colour" optype="categorical" dataType="string"><Value value="blue"/><Value value="red"/></DataField>
        <DataField name="Label" optype="categorical" dataType="string"><Value value="neg"/><Value value="pos"/></DataField>
    </DataDictionary>
    <TransformationDictionary>
        <DerivedField name="standardScaler(x)" optype="continuous" dataType="double">
            <Apply function="/"><Apply function="-"><FieldRef field="x"/><Constant dataType="double">${mean.toFixed(16)}</Constant></Apply><Constant dataType="double">${scale.toFixed(16)}</Constant></Apply>
        </DerivedField>
        <DerivedField name="imputer(standardScaler(x))" optype="continuous" dataType="double">
            <Apply function="if"><Apply function="isMissing"><FieldRef field="standardScaler(x)"/></Apply><Constant dataType="double">${fill}</Constant><FieldRef field="standardScaler(x)"/></Apply>
        </DerivedField>
        <DerivedField name="binarizer(z)" optype="continuous" dataType="double">
            <Apply function="threshold"><FieldRef field="z"/><Constant dataType="double">${t}</Constant></Apply>
        </DerivedField>
        <DerivedField name="maxAbsScaler(w)" optype="continuous" dataType="double">
            <Apply function="/"><FieldRef field="w"/><Constant dataType="double">${maxAbs.toFixed(16)}</Constant></Apply>
        </DerivedField>
        <DerivedField name="labelBinarizer(colour)(red)" optype="categorical" dataType="double">
            <NormDiscrete field="colour" value="red"/>
        </DerivedField>
    </TransformationDictionary>
    <RegressionModel modelName="SGDClassifier" functionName="classification" normalizationMethod="logit">
        <MiningSchema>
            <MiningField name="x" usageType="active" optype="continuous"/>
            <MiningField name="z" usageType="active" optype="continuous"/>
            <MiningField name="w" usageType="active" optype="continuous"/>
            <MiningField name="colour" usageType="active" optype="categorical"/>
            <MiningField name="Label" usageType="target" optype="categorical"/>
        </MiningSchema>
        <Output>
            <OutputField name="probability_neg" optype="continuous" dataType="double" feature="probability" value="neg"/>
            <OutputField name="probability_pos" optype="continuous" dataType="double" feature="probability" value="pos"/>
            <OutputField name="predicted_Label" optype="categorical" dataType="string" feature="predictedValue"/>
        </Output>
        <RegressionTable intercept="${intercept.toFixed(16)}" targetCategory="pos">
            <NumericPredictor name="imputer(standardScaler(x))" exponent="1" coefficient="${coef.s.toFixed(16)}"/>
            <NumericPredictor name="binarizer(z)" exponent="1" coefficient="${coef.b.toFixed(16)}"/>
            <NumericPredictor name="maxAbsScaler(w)" exponent="1" coefficient="${coef.m.toFixed(16)}"/>
            <NumericPredictor name="labelBinarizer(colour)(red)" exponent="1" coefficient="${coef.l.toFixed(16)}"/>
        </RegressionTable>
        <RegressionTable intercept="0.0" targetCategory="neg"/>
    </RegressionModel>`);

describe("nyoka preprocessing into a binary linear classifier", () => {
  it("scaler, imputer (if/isMissing), Binarizer (threshold: 1 above t, else 0), MaxAbsScaler and a two-class LabelBinarizer feed the logit of the last class", () => {
    const rows = [
      { x: 4.1, z: 0.7, w: -3, colour: "red" },
      { x: null, z: 0.5, w: 6, colour: "blue" },
      { x: 1.0, z: 0.2, w: 8, colour: "red" },
    ];
    const got = scoreBoth(text, rows);
    rows.forEach((row, i) => {
      const s = row.x === null ? fill : (row.x - mean) / scale;
      const eta = intercept + coef.s * s + coef.b * (row.z > t ? 1 : 0) + coef.m * (row.w / maxAbs) + coef.l * (row.colour === "red" ? 1 : 0);
      const p = 1 / (1 + Math.exp(-eta));
      expectClose(got[i].probability_pos, p);
      expectClose(got[i].probability_neg, 1 - p);
      expect(got[i].predicted_Label).toBe(p > 0.5 ? "pos" : "neg");
    });
  });
});

describe("nyoka writes a zero through generateDS as an empty Constant", () => {
  const doc = (constant: string) =>
    nyokaPmml(`<DataDictionary numberOfFields="2">
        <DataField name="z" optype="continuous" dataType="double"/>
        <DataField name="y" optype="continuous" dataType="double"/>
    </DataDictionary>
    <TransformationDictionary>
        <DerivedField name="binarizer(z)" optype="continuous" dataType="double"><Apply function="threshold"><FieldRef field="z"/>${constant}</Apply></DerivedField>
    </TransformationDictionary>
    <RegressionModel modelName="LinearRegression" functionName="regression">
        <MiningSchema><MiningField name="z" usageType="active" optype="continuous"/><MiningField name="y" usageType="target" optype="continuous"/></MiningSchema>
        <RegressionTable intercept="1.0"><NumericPredictor name="binarizer(z)" exponent="1" coefficient="2.0"/></RegressionTable>
    </RegressionModel>`);

  it('an empty Constant with dataType="double" (Binarizer\'s default threshold 0.0) is not a double: SchemaError naming the Constant', () => {
    const text = doc(`<Constant dataType="double"/>`);
    expect(() => parsePmml(text)).toThrow(SchemaError);
    try {
      parsePmml(text);
    } catch (e) {
      expect((e as SchemaError).path).toMatch(/Constant\[1\]$/);
    }
  });
});
