import { it } from "vitest";
import { pmml, xyFields, xyRows } from "../../packages/compile-js/src/families/same-answers.test-helper.ts";
import { describeEachBackend } from "../each-backend.ts";

const vectors = `<VectorDictionary>
  <VectorFields><FieldRef field="x"/><FieldRef field="y"/></VectorFields>
  <VectorInstance id="s1"><Array type="real">1 2</Array></VectorInstance>
  <VectorInstance id="s2"><Array type="real">0 -1</Array></VectorInstance>
  <VectorInstance id="s3"><Array type="real">0.5 0.5</Array></VectorInstance>
</VectorDictionary>`;

const machine = (attrs: string, ids: string[], coefs: number[], b: number): string => `<SupportVectorMachine ${attrs}>
  <SupportVectors>${ids.map((i) => `<SupportVector vectorId="${i}"/>`).join("")}</SupportVectors>
  <Coefficients absoluteValue="${b}">${coefs.map((c) => `<Coefficient value="${c}"/>`).join("")}</Coefficients>
</SupportVectorMachine>`;

const mining = (target: string) =>
  `<MiningSchema><MiningField name="x"/><MiningField name="y"/><MiningField name="${target}" usageType="target"/></MiningSchema>`;
const rows = xyRows
  .filter((r) => r.x !== null && r.y !== null)
  .concat([
    { x: 0.2, y: 0.1 },
    { x: 0.6, y: 0.5 },
    { x: null, y: 1 },
  ]);

describeEachBackend("SupportVectorMachineModel gives the interpreter's answers (§SupportVectorMachine)", (backend) => {
  it("alternateBinaryTargetCategory: round(f) 1 is targetCategory, 0 the alternate, anything else fails the row", async () => {
    await backend.expectSameAnswers(
      pmml(
        xyFields,
        `<SupportVectorMachineModel functionName="classification" alternateBinaryTargetCategory="no">${mining("t")}
<Output><OutputField name="Pyes" feature="probability" value="yes"/></Output>
<LinearKernelType/>${vectors}${machine(`targetCategory="yes"`, ["s3"], [1], 0)}</SupportVectorMachineModel>`,
      ),
      rows,
    );
  });

  it("one-against-one by thresholds with a machine's own threshold, and a radial basis kernel", async () => {
    await backend.expectSameAnswers(
      pmml(
        xyFields,
        `<SupportVectorMachineModel functionName="classification" threshold="0.2">${mining("z")}
<Output><OutputField name="Pa" feature="probability" value="a"/><OutputField name="Pc" feature="probability" value="c"/></Output>
<RadialBasisKernelType gamma="0.5"/>${vectors}
${machine(`targetCategory="a" alternateTargetCategory="b"`, ["s1", "s2"], [1, -0.5], 0)}
${machine(`targetCategory="a" alternateTargetCategory="c" threshold="0.7"`, ["s2", "s3"], [0.3, 1], -0.1)}
${machine(`targetCategory="b" alternateTargetCategory="c"`, ["s3"], [1], -0.4)}</SupportVectorMachineModel>`,
      ),
      rows,
    );
  });
});
