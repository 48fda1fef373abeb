import { describe, expect, it } from "vitest";
import { converted, pmml } from "../score.test-helper.ts";

const svm = (kernel: string, method: string, machines: string) =>
  pmml(
    `<DataField name="a" optype="continuous" dataType="double"/><DataField name="b" optype="continuous" dataType="double"/><DataField name="y" optype="categorical" dataType="string"><Value value="p"/><Value value="q"/><Value value="r"/></DataField>`,
    `<SupportVectorMachineModel functionName="classification" classificationMethod="${method}">
      <MiningSchema><MiningField name="a"/><MiningField name="b"/><MiningField name="y" usageType="target"/></MiningSchema>
      ${kernel}
      <VectorDictionary numberOfVectors="3"><VectorFields numberOfFields="2"><FieldRef field="a"/><FieldRef field="b"/></VectorFields>
        <VectorInstance id="v1"><Array n="2" type="real">0 1</Array></VectorInstance>
        <VectorInstance id="v2"><Array n="2" type="real">1 -1</Array></VectorInstance>
        <VectorInstance id="v3"><Array n="2" type="real">2 0.5</Array></VectorInstance>
      </VectorDictionary>
      ${machines}
    </SupportVectorMachineModel>`,
  );

const machine = (cat: string, alt: string | undefined, b: number, alphas: [string, number][]) =>
  `<SupportVectorMachine targetCategory="${cat}"${alt ? ` alternateTargetCategory="${alt}"` : ""}><SupportVectors numberOfSupportVectors="${alphas.length}">${alphas
    .map(([id]) => `<SupportVector vectorId="${id}"/>`)
    .join("")}</SupportVectors><Coefficients numberOfCoefficients="${alphas.length}" absoluteValue="${b}">${alphas
    .map(([, c]) => `<Coefficient value="${c}"/>`)
    .join("")}</Coefficients></SupportVectorMachine>`;

const machines = (oneAgainstOne: boolean) =>
  [
    machine("p", oneAgainstOne ? "q" : undefined, 0.1, [
      ["v1", 0.5],
      ["v2", -1.5],
    ]),
    machine(oneAgainstOne ? "p" : "r", oneAgainstOne ? "r" : undefined, -0.2, [
      ["v2", 1],
      ["v3", -0.25],
    ]),
    machine("q", oneAgainstOne ? "r" : undefined, 0.3, [
      ["v1", -0.7],
      ["v3", 0.9],
    ]),
  ].join("");

describe("SupportVectorMachineModel → PFA (PMML 4.4 §SupportVectorMachine)", () => {
  it("f(x) = Σ αᵢ K(x, xᵢ) + b with each kernel; one-against-one votes as the interpreter", () => {
    for (const kernel of [
      "<LinearKernelType/>",
      `<PolynomialKernelType gamma="0.5" coef0="1" degree="3"/>`,
      `<RadialBasisKernelType gamma="0.8"/>`,
      `<SigmoidKernelType gamma="0.3" coef0="-0.1"/>`,
    ]) {
      for (const method of ["OneAgainstOne", "OneAgainstAll"]) {
        const m = converted(svm(kernel, method, machines(method === "OneAgainstOne")));
        for (const row of [
          { a: 0.2, b: 0.4 },
          { a: -1, b: 2 },
          { a: 3, b: -0.5 },
        ])
          expect(m.score(row), `${kernel} ${method}`).toEqual(m.reference(row));
      }
    }
  });

  it("a linear machine is αᵢ (x · xᵢ) summed from the first support vector, plus b", () => {
    const m = converted(svm("<LinearKernelType/>", "OneAgainstAll", machines(false)));
    // OneAgainstAll: the smallest f wins. At (1, 1): f_p = 0.5·1 − 1.5·0 + 0.1 = 0.6,
    // f_r = 1·0 − 0.25·2.5 − 0.2 = −0.825, f_q = −0.7·1 + 0.9·2.5 + 0.3 = 1.85.
    expect(m.score({ a: 1, b: 1 })).toEqual({ y: "r" });
    expect(() => m.score({ a: null, b: 1 })).toThrow(/missing/);
  });
});
