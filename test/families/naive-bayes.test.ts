import { describe, it } from "vitest";
import { pmml } from "../../packages/compile-js/src/families/same-answers.test-helper.ts";
import { describeEachBackend } from "../each-backend.ts";

const fields = `<DataField name="color" optype="categorical" dataType="string"><Value value="red"/><Value value="blue"/><Value value="green"/></DataField>
<DataField name="shape" optype="categorical" dataType="string"/>
<DataField name="size" optype="continuous" dataType="double"/>
<DataField name="n" optype="continuous" dataType="integer"/>
<DataField name="flag" optype="categorical" dataType="boolean"/>
<DataField name="buy" optype="categorical" dataType="string"><Value value="yes"/><Value value="no"/><Value value="maybe"/></DataField>`;

const pair = (value: string, yes: number, no: number, maybe = 5) =>
  `<PairCounts value="${value}"><TargetValueCounts><TargetValueCount value="yes" count="${yes}"/><TargetValueCount value="no" count="${no}"/><TargetValueCount value="maybe" count="${maybe}"/></TargetValueCounts></PairCounts>`;

function nb(
  inputs: string,
  counts = `<TargetValueCount value="yes" count="30"/><TargetValueCount value="no" count="70"/><TargetValueCount value="maybe" count="30"/>`,
): string {
  return pmml(
    fields,
    `<NaiveBayesModel functionName="classification" threshold="0.001">
  <MiningSchema><MiningField name="color"/><MiningField name="shape"/><MiningField name="size"/><MiningField name="n"/><MiningField name="flag"/><MiningField name="buy" usageType="target"/></MiningSchema>
  <Output>
    <OutputField name="pYes" feature="probability" value="yes"/><OutputField name="pNo" feature="probability" value="no"/>
    <OutputField name="p" feature="probability"/><OutputField name="v" feature="predictedValue"/>
  </Output>
  <BayesInputs>${inputs}</BayesInputs>
  <BayesOutput fieldName="buy"><TargetValueCounts>${counts}</TargetValueCounts></BayesOutput>
</NaiveBayesModel>`,
  );
}

const rows: Record<string, unknown>[] = [
  { color: "red", shape: "round", size: 1.5, n: 2, flag: true },
  { color: "blue", shape: "square", size: -3, n: 0, flag: false },
  { color: "green", shape: "oval", size: 100, n: 7, flag: null },
  { color: "purple", shape: null, size: null, n: null, flag: true },
  { color: null, shape: "round", size: 0, n: -1, flag: false },
  { color: "red", shape: "square", size: 2.25, n: 40, flag: true },
  {},
  { color: "green", shape: "round", size: 1e300, n: 3, flag: false },
];

describeEachBackend("NaiveBayesModel gives the interpreter's answers", (backend) => {
  it("§PairCounts: count / Σ counts, zero counts → threshold, missing inputs and unseen categories ignored", async () => {
    await backend.expectSameAnswers(
      nb(`<BayesInput fieldName="color">${pair("red", 20, 10)}${pair("blue", 10, 40, 0)}${pair("green", 0, 20)}${pair("red", 1, 1)}</BayesInput>
<BayesInput fieldName="shape">${pair("round", 15, 35)}${pair("square", 15, 35)}</BayesInput>
<BayesInput fieldName="n">${pair("2", 3, 4)}${pair("7.0", 1, 9)}${pair("x", 9, 9)}</BayesInput>
<BayesInput fieldName="flag">${pair("true", 3, 4)}${pair("false", 8, 1)}</BayesInput>`),
      rows,
    );
  });
  it("§TargetValueStats: Gaussian and Poisson densities floored at threshold, variance ≤ 0 ignored", async () => {
    await backend.expectSameAnswers(
      nb(`<BayesInput fieldName="size"><TargetValueStats>
  <TargetValueStat value="yes"><GaussianDistribution mean="1" variance="2"/></TargetValueStat>
  <TargetValueStat value="no"><GaussianDistribution mean="-2" variance="0"/></TargetValueStat>
  <TargetValueStat value="maybe"><GaussianDistribution mean="50" variance="0.5"/></TargetValueStat>
</TargetValueStats></BayesInput>
<BayesInput fieldName="n"><TargetValueStats>
  <TargetValueStat value="yes"><PoissonDistribution mean="2.5"/></TargetValueStat>
  <TargetValueStat value="no"><PoissonDistribution mean="10"/></TargetValueStat>
</TargetValueStats></BayesInput>`),
      rows,
    );
  });
  it("softmax with the correctly rounded exp: counts where V8's Math.exp would differ in the last bit", async () => {
    await backend.expectSameAnswers(nb(`<BayesInput fieldName="color">${pair("red", 1, 5, 1)}${pair("blue", 29, 65, 29)}</BayesInput>`), rows);
  });
  it("§Scoring ties: equal posteriors keep the first BayesOutput category; a text field with TargetValueStats fails the row", async () => {
    await backend.expectSameAnswers(
      nb(
        `<BayesInput fieldName="shape">${pair("round", 5, 5, 5)}</BayesInput>`,
        `<TargetValueCount value="no" count="10"/><TargetValueCount value="yes" count="10"/><TargetValueCount value="maybe" count="10"/>`,
      ),
      rows,
    );
    await backend.expectSameAnswers(
      nb(
        `<BayesInput fieldName="color"><TargetValueStats><TargetValueStat value="yes"><GaussianDistribution mean="1" variance="2"/></TargetValueStat></TargetValueStats></BayesInput>`,
      ),
      rows,
    );
  });
});

describe("a compiled NaiveBayesModel survives the artifact round trip", () => {
  it("serializeCompiled → deserializeCompiled scores the same columns", async () => {
    const { parsePmml } = await import("@porta/pmml");
    const { compilePipeline } = await import("../../packages/compile-js/src/compile.ts");
    const { serializeCompiled, deserializeCompiled } = await import("../../packages/compile-js/src/serialize.ts");
    const { expect } = await import("vitest");
    const compiled = compilePipeline(
      parsePmml(
        nb(`<BayesInput fieldName="color">${pair("red", 20, 10)}${pair("blue", 10, 40, 0)}</BayesInput>
<BayesInput fieldName="n"><TargetValueStats><TargetValueStat value="yes"><PoissonDistribution mean="2.5"/></TargetValueStat></TargetValueStats></BayesInput>`),
      ),
    );
    const artifact = serializeCompiled(compiled);
    expect(artifact).toBeDefined();
    const back = deserializeCompiled(JSON.parse(JSON.stringify(artifact)));
    const run = (c: typeof compiled) => {
      const inputs = c.inputs.map((col) => (col.kind === "number" ? Float64Array.from([2, NaN, 7]) : Int32Array.from([0, 1, -1])));
      const outputs = c.outputs.map((o) => (o.storage === "f64" ? new Float64Array(3) : new Int32Array(3)));
      c.kernel(3, inputs, outputs, new Int32Array(3));
      return outputs.map((o) => [...o]);
    };
    expect(run(back)).toEqual(run(compiled));
  });
});
