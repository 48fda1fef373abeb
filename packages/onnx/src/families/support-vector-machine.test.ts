import { describe, expect, it } from "vitest";
import { doc, expectOnnxAgrees, onnxRefusal } from "../agreement.test-helper.ts";

const FIELDS = `<DataField name="x" optype="continuous" dataType="double"/><DataField name="y" optype="continuous" dataType="double"/>
  <DataField name="c" optype="categorical" dataType="string"><Value value="u"/><Value value="v"/></DataField>
  <DataField name="r" optype="continuous" dataType="double"/>
  <DataField name="t" optype="categorical" dataType="string"><Value value="a"/><Value value="b"/><Value value="c"/></DataField>`;
const ROWS = [
  { x: 0, y: 0, c: "u" },
  { x: 1, y: 2, c: "v" },
  { x: -3.5, y: 7.25, c: "u" },
  { x: 0.5, y: 0.5, c: "v" },
  { x: 40, y: -40, c: "u" },
  { x: 0.2, y: 0.1, c: "w" },
  { x: null, y: 1, c: "u" },
  { x: 1, y: 1, c: null },
];
const VECTORS = `<VectorDictionary numberOfVectors="4"><VectorFields numberOfFields="3"><FieldRef field="x"/><FieldRef field="y"/><CategoricalPredictor name="c" value="v" coefficient="1"/></VectorFields>
  <VectorInstance id="s1"><Array n="3" type="real">1 2 0</Array></VectorInstance><VectorInstance id="s2"><Array n="3" type="real">0 -1 1</Array></VectorInstance>
  <VectorInstance id="s3"><Array n="3" type="real">0.5 0.5 1</Array></VectorInstance><VectorInstance id="s4"><Array n="3" type="real">-2 3 0</Array></VectorInstance></VectorDictionary>`;

function machine(attrs: string, ids: string[], coefficients: number[], b: number): string {
  return `<SupportVectorMachine ${attrs}><SupportVectors numberOfSupportVectors="${ids.length}">${ids.map((i) => `<SupportVector vectorId="${i}"/>`).join("")}</SupportVectors>
    <Coefficients numberOfCoefficients="${coefficients.length}" absoluteValue="${b}">${coefficients.map((c) => `<Coefficient value="${c}"/>`).join("")}</Coefficients></SupportVectorMachine>`;
}

function svm(functionName: string, target: string, attrs: string, kernel: string, machines: string, output = ""): string {
  return doc(
    FIELDS,
    `<SupportVectorMachineModel functionName="${functionName}" ${attrs}>
    <MiningSchema><MiningField name="x"/><MiningField name="y"/><MiningField name="c"/><MiningField name="${target}" usageType="target"/></MiningSchema>${output}
    ${kernel}${VECTORS}${machines}</SupportVectorMachineModel>`,
  );
}

const KERNELS = [
  `<LinearKernelType/>`,
  `<PolynomialKernelType gamma="0.5" coef0="1" degree="3"/>`,
  `<RadialBasisKernelType gamma="0.3"/>`,
  `<SigmoidKernelType gamma="0.2" coef0="-0.5"/>`,
];

describe("onnx SupportVectorMachineModel (PMML 4.4 §SupportVectorMachine): f(x) per machine in double ops, the combination by the interpreter's rule", () => {
  for (const kernel of KERNELS) {
    it(`regression with ${kernel}; a missing vector field fails the row`, async () => {
      const results = await expectOnnxAgrees(svm("regression", "r", "", kernel, machine("", ["s1", "s3", "s4"], [0.7, -1.25, 0.3], 0.1)), ROWS);
      expect(results[6]).toBeNull();
    });
  }
  it("one-against-one by threshold, machines with different numbers of support vectors (a polynomial kernel)", async () => {
    const machines =
      machine(`targetCategory="a" alternateTargetCategory="b"`, ["s1", "s2", "s3"], [1, -0.5, 0.25], -0.2) +
      machine(`targetCategory="a" alternateTargetCategory="c" threshold="0.4"`, ["s4"], [0.01], 0.3) +
      machine(`targetCategory="b" alternateTargetCategory="c"`, ["s2", "s3"], [-0.3, 0.6], 0);
    await expectOnnxAgrees(
      svm(
        "classification",
        "t",
        `classificationMethod="OneAgainstOne"`,
        KERNELS[1],
        machines,
        `<Output><OutputField name="pa" feature="probability" value="a"/><OutputField name="pred" feature="predictedValue"/></Output>`,
      ),
      ROWS,
    );
  });
  it("one-against-all: the smallest f wins, affinities", async () => {
    const machines =
      machine(`targetCategory="a"`, ["s1", "s2"], [1, -0.5], -0.2) +
      machine(`targetCategory="b"`, ["s3", "s4"], [0.4, 0.3], 0.1) +
      machine(`targetCategory="c"`, ["s1"], [-1], 0.5);
    await expectOnnxAgrees(
      svm(
        "classification",
        "t",
        `classificationMethod="OneAgainstAll"`,
        KERNELS[2],
        machines,
        `<Output><OutputField name="pred" feature="predictedValue"/><OutputField name="ab" feature="affinity" value="b"/></Output>`,
      ),
      ROWS,
    );
  });
  it("refuses a FieldRef vector field on a text field, naming it", async () => {
    const text = svm("regression", "r", "", KERNELS[0], machine("", ["s1"], [1], 0))
      .replace(`<FieldRef field="y"/>`, `<FieldRef field="t"/>`)
      .replace(`<MiningField name="c"/>`, `<MiningField name="c"/><MiningField name="t"/>`);
    expect(await onnxRefusal(text)).toMatch(/FieldRef field="t" is text/);
  });
});
