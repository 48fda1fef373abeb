import { describe, expect, it } from "vitest";
import { parsePmml } from "@porta/pmml";
import { EvaluationError, SchemaError, UnsupportedFeatureError, interpret } from "@porta/ir";
import { kernel } from "../../packages/ir/src/interpret/support-vector-machine.ts";
import { exp } from "../../packages/ir/src/interpret/exp.ts";

const DICT = `
  <DataDictionary>
    <DataField name="a" optype="continuous" dataType="double"/>
    <DataField name="b" optype="continuous" dataType="double"/>
    <DataField name="c" optype="categorical" dataType="string"><Value value="p"/><Value value="q"/></DataField>
    <DataField name="y" optype="continuous" dataType="double"/>
    <DataField name="k" optype="categorical" dataType="string"><Value value="u"/><Value value="v"/><Value value="w"/></DataField>
  </DataDictionary>`;

const VECTORS = `
    <VectorDictionary>
      <VectorFields><FieldRef field="a"/><FieldRef field="b"/></VectorFields>
      <VectorInstance id="s1"><REAL-SparseArray n="2"><Indices>1 2</Indices><REAL-Entries>1 2</REAL-Entries></REAL-SparseArray></VectorInstance>
      <VectorInstance id="s2"><REAL-SparseArray n="2"><Indices>2</Indices><REAL-Entries>-1</REAL-Entries></REAL-SparseArray></VectorInstance>
      <VectorInstance id="s3"><Array type="real">0.5 0.5</Array></VectorInstance>
    </VectorDictionary>`;

function doc(model: string): string {
  return `<PMML version="4.4" xmlns="http://www.dmg.org/PMML-4_4">${DICT}${model}</PMML>`;
}

function machine(attrs: string, ids: string[], coefs: number[], b: number): string {
  return `<SupportVectorMachine ${attrs}>
      <SupportVectors>${ids.map((i) => `<SupportVector vectorId="${i}"/>`).join("")}</SupportVectors>
      <Coefficients absoluteValue="${b}">${coefs.map((c) => `<Coefficient value="${c}"/>`).join("")}</Coefficients>
    </SupportVectorMachine>`;
}

const S = { s1: [1, 2], s2: [0, -1], s3: [0.5, 0.5] } as const;

describe("SupportVectorMachineModel (PMML 4.4 §SupportVectorMachine)", () => {
  it("regression: f(x) = Σ αᵢ K(x, xᵢ) + b with a radial basis kernel; sparse vectors are zero where no index is given", () => {
    const p = parsePmml(
      doc(`
  <SupportVectorMachineModel functionName="regression">
    <MiningSchema><MiningField name="a"/><MiningField name="b"/><MiningField name="y" usageType="target"/></MiningSchema>
    <RadialBasisKernelType gamma="0.5"/>${VECTORS}
    ${machine("", ["s1", "s2"], [2, -1], 0.25)}
  </SupportVectorMachineModel>`),
    );
    const x = [0.2, 0.4];
    const k = { kind: "radialBasis", gamma: 0.5 } as const;
    expect(interpret(p, { a: "0.2", b: "0.4" }).y).toBe(2 * kernel(k, x, [...S.s1]) + -1 * kernel(k, x, [...S.s2]) + 0.25);
  });

  it("a missing VectorFields input is an error, not a missing prediction (JPMML: MissingValueException)", () => {
    const p = parsePmml(
      doc(`
  <SupportVectorMachineModel functionName="regression">
    <MiningSchema><MiningField name="a"/><MiningField name="b"/><MiningField name="y" usageType="target"/></MiningSchema>
    <LinearKernelType/>${VECTORS}
    ${machine("", ["s1"], [1], 0)}
  </SupportVectorMachineModel>`),
    );
    expect(() => interpret(p, { a: null, b: "0.4" })).toThrow(expect.objectContaining({ code: "PMML_MISSING_VALUE" }));
    // A MiningField replacement is not missing.
    const replaced = parsePmml(
      doc(`
  <SupportVectorMachineModel functionName="regression">
    <MiningSchema><MiningField name="a" missingValueReplacement="1"/><MiningField name="b"/><MiningField name="y" usageType="target"/></MiningSchema>
    <LinearKernelType/>${VECTORS}
    ${machine("", ["s1"], [1], 0)}
  </SupportVectorMachineModel>`),
    );
    expect(interpret(replaced, { a: null, b: "2" }).y).toBe(5);
  });

  it("kernels: linear x·y, polynomial (γ x·y + c)^d, radial basis exp(−γ‖x−y‖²), sigmoid tanh(γ x·y + c)", () => {
    const x = [1, 2],
      y = [3, -1];
    expect(kernel({ kind: "linear" }, x, y)).toBe(1);
    expect(kernel({ kind: "polynomial", gamma: 2, coef0: 1, degree: 3 }, x, y)).toBe(27);
    expect(kernel({ kind: "radialBasis", gamma: 0.1 }, x, y)).toBe(exp(-13 * 0.1));
    expect(kernel({ kind: "sigmoid", gamma: 0.5, coef0: -1 }, x, y)).toBe(Math.tanh(-0.5));
  });

  const ova = (attrs = "") =>
    doc(`
  <SupportVectorMachineModel functionName="classification" classificationMethod="OneAgainstAll"${attrs}>
    <MiningSchema><MiningField name="a"/><MiningField name="b"/><MiningField name="k" usageType="target"/></MiningSchema>
    <LinearKernelType/>${VECTORS}
    ${machine(`targetCategory="u"`, ["s1"], [1], 0)}
    ${machine(`targetCategory="v"`, ["s2"], [1], 0)}
    ${machine(`targetCategory="w"`, ["s3"], [1], 0)}
  </SupportVectorMachineModel>`);

  it("OneAgainstAll: the machine with the smallest value wins", () => {
    // f_u = a + 2b, f_v = −b, f_w = 0.5a + 0.5b
    expect(interpret(parsePmml(ova()), { a: "1", b: "1" }).k).toBe("v");
  });

  it('maxWins="true" and svmRepresentation="Coefficients" are refused when the document is read, as JPMML\'s evaluator does', () => {
    expect(() => parsePmml(ova(` maxWins="true"`))).toThrow(UnsupportedFeatureError);
    expect(() => parsePmml(ova(` svmRepresentation="Coefficients"`))).toThrow(UnsupportedFeatureError);
    expect(() => parsePmml(ova(` maxWins="false" svmRepresentation="SupportVectors"`))).not.toThrow();
  });

  it("alternateTargetCategory is misplaced in a one-against-all model and next to alternateBinaryTargetCategory", () => {
    const bad = ova().replace(`targetCategory="w"`, `targetCategory="w" alternateTargetCategory="u"`);
    expect(() => interpret(parsePmml(bad), { a: "1", b: "1" })).toThrow(expect.objectContaining({ code: "PMML_MISPLACED_ATTRIBUTE" }));
  });

  it("classificationMethod inferred from the machines: alternateBinaryTargetCategory needs exactly one machine; the first machine needs targetCategory", () => {
    const two = doc(`
  <SupportVectorMachineModel functionName="classification" alternateBinaryTargetCategory="v">
    <MiningSchema><MiningField name="a"/><MiningField name="b"/><MiningField name="k" usageType="target"/></MiningSchema>
    <LinearKernelType/>${VECTORS}
    ${machine(`targetCategory="u"`, ["s3"], [1], 0)}
    ${machine(`targetCategory="w"`, ["s3"], [1], 0)}
  </SupportVectorMachineModel>`);
    expect(() => interpret(parsePmml(two), { a: "1", b: "1" })).toThrow(SchemaError);
    const nameless = ova().replace(`targetCategory="u"`, "").replace(` classificationMethod="OneAgainstAll"`, "");
    expect(() => interpret(parsePmml(nameless), { a: "1", b: "1" })).toThrow(expect.objectContaining({ code: "PMML_MISSING_ATTRIBUTE" }));
  });

  const ovo = (attrs = "", m1 = `targetCategory="u" alternateTargetCategory="v"`) =>
    doc(`
  <SupportVectorMachineModel functionName="classification"${attrs}>
    <MiningSchema><MiningField name="a"/><MiningField name="b"/><MiningField name="k" usageType="target"/></MiningSchema>
    <Output><OutputField name="Pu" feature="probability" value="u" dataType="double"/><OutputField name="Pw" feature="probability" value="w" dataType="double"/></Output>
    <LinearKernelType/>${VECTORS}
    ${machine(m1, ["s1"], [1], 0)}
    ${machine(`targetCategory="u" alternateTargetCategory="w"`, ["s2"], [1], 0)}
    ${machine(`targetCategory="v" alternateTargetCategory="w"`, ["s3"], [1], 0)}
  </SupportVectorMachineModel>`);

  it("OneAgainstOne (inferred when classificationMethod is absent): f < threshold votes targetCategory, else alternateTargetCategory; most votes wins", () => {
    // a=1, b=1: f1 = 3 → v; f2 = −1 → u; f3 = 1 → w: a three-way tie, the first category voted for wins.
    const r = interpret(parsePmml(ovo()), { a: "1", b: "1" });
    expect(r.k).toBe("v");
    expect(r.Pu).toBe(1 / 3);
    // threshold 5 on the model: f1 = 3 < 5 → u, f2 → u, f3 → v.
    const t = interpret(parsePmml(ovo(` threshold="5"`)), { a: "1", b: "1" });
    expect(t.k).toBe("u");
    expect(t.Pu).toBe(2 / 3);
    expect(t.Pw).toBe(0);
  });

  it("a machine's own threshold overrides the model's", () => {
    const r = interpret(parsePmml(ovo("", `targetCategory="u" alternateTargetCategory="v" threshold="10"`)), { a: "1", b: "1" });
    expect(r.k).toBe("u");
  });

  it("alternateBinaryTargetCategory: the rounded value 1 means targetCategory, 0 the alternate, anything else is an error", () => {
    const bin = doc(`
  <SupportVectorMachineModel functionName="classification" alternateBinaryTargetCategory="v">
    <MiningSchema><MiningField name="a"/><MiningField name="b"/><MiningField name="k" usageType="target"/></MiningSchema>
    <LinearKernelType/>${VECTORS}
    ${machine(`targetCategory="u"`, ["s3"], [1], 0)}
  </SupportVectorMachineModel>`);
    expect(interpret(parsePmml(bin), { a: "1", b: "0.8" }).k).toBe("u");
    expect(interpret(parsePmml(bin), { a: "0.2", b: "0.2" }).k).toBe("v");
    expect(() => interpret(parsePmml(bin), { a: "3", b: "3" })).toThrow(EvaluationError);
  });

  it("CategoricalPredictor vector fields are 1 when the value matches the category, else 0", () => {
    const p = parsePmml(
      doc(`
  <SupportVectorMachineModel functionName="regression">
    <MiningSchema><MiningField name="a"/><MiningField name="c"/><MiningField name="y" usageType="target"/></MiningSchema>
    <LinearKernelType/>
    <VectorDictionary><VectorFields><FieldRef field="a"/><CategoricalPredictor name="c" value="q" coefficient="1"/></VectorFields>
      <VectorInstance id="w"><Array type="real">2 10</Array></VectorInstance></VectorDictionary>
    <SupportVectorMachine><SupportVectors><SupportVector vectorId="w"/></SupportVectors><Coefficients absoluteValue="1"><Coefficient value="1"/></Coefficients></SupportVectorMachine>
  </SupportVectorMachineModel>`),
    );
    expect(interpret(p, { a: "3", c: "q" }).y).toBe(17);
    expect(interpret(p, { a: "3", c: "p" }).y).toBe(7);
  });

  it("a SupportVector that is not in the VectorDictionary is a SchemaError", () => {
    const bad = ova().replace(`<SupportVector vectorId="s3"/>`, `<SupportVector vectorId="nope"/>`);
    expect(() => interpret(parsePmml(bad), { a: "1", b: "1" })).toThrow(SchemaError);
  });
});
