import { describe, expect, it } from "vitest";
import { parsePmml } from "@porta/pmml";
import { compilePipeline } from "../../packages/compile-js/src/compile.ts";
import { deserializeCompiled, serializeCompiled } from "../../packages/compile-js/src/serialize.ts";
import { CompiledScorer } from "../../packages/compile-js/src/scorer.ts";
import { pmml, xyFields, xyRows } from "../../packages/compile-js/src/families/same-answers.test-helper.ts";
import { describeEachBackend } from "../each-backend.ts";

const mining = `<MiningSchema><MiningField name="x"/><MiningField name="y"/><MiningField name="z"/><MiningField name="r" usageType="target"/></MiningSchema>`;
const classMining = `<MiningSchema><MiningField name="x"/><MiningField name="y"/><MiningField name="z"/><MiningField name="t" usageType="target"/></MiningSchema>`;

function regression(intercept: number, cx: number, cy: number): string {
  return `<RegressionModel functionName="regression">${mining}
  <RegressionTable intercept="${intercept}"><NumericPredictor name="x" coefficient="${cx}"/><NumericPredictor name="y" coefficient="${cy}"/></RegressionTable></RegressionModel>`;
}

function network(w: number, activation = "logistic"): string {
  return `<NeuralNetwork functionName="classification" activationFunction="${activation}" normalizationMethod="softmax">${classMining}
  <NeuralInputs><NeuralInput id="i0"><DerivedField optype="continuous" dataType="double"><FieldRef field="x"/></DerivedField></NeuralInput>
    <NeuralInput id="i1"><DerivedField optype="continuous" dataType="double"><NormContinuous field="y"><LinearNorm orig="0" norm="0"/><LinearNorm orig="10" norm="1"/></NormContinuous></DerivedField></NeuralInput></NeuralInputs>
  <NeuralLayer><Neuron id="h0" bias="0.1"><Con from="i0" weight="${w}"/><Con from="i1" weight="-0.7"/></Neuron><Neuron id="h1"><Con from="i0" weight="0.3"/><Con from="i1" weight="${w / 2}"/></Neuron></NeuralLayer>
  <NeuralLayer activationFunction="identity"><Neuron id="o0" bias="-0.2"><Con from="h0" weight="1.5"/><Con from="h1" weight="-1"/></Neuron><Neuron id="o1"><Con from="h0" weight="-0.5"/><Con from="h1" weight="2"/></Neuron></NeuralLayer>
  <NeuralOutputs><NeuralOutput outputNeuron="o0"><DerivedField optype="categorical" dataType="string"><NormDiscrete field="t" value="yes"/></DerivedField></NeuralOutput>
    <NeuralOutput outputNeuron="o1"><DerivedField optype="categorical" dataType="string"><NormDiscrete field="t" value="no"/></DerivedField></NeuralOutput></NeuralOutputs>
</NeuralNetwork>`;
}

function ensemble(functionName: string, method: string, segments: string[], extra = "", output = ""): string {
  const m = functionName === "regression" ? mining : classMining;
  return pmml(
    xyFields,
    `<MiningModel functionName="${functionName}">${m}${output}
  <Segmentation multipleModelMethod="${method}" ${extra}>
  ${segments.map((s, k) => `<Segment id="s${k}" weight="${k + 0.5}">${k === 1 ? `<SimplePredicate field="z" operator="notEqual" value="c"/>` : "<True/>"}${s}</Segment>`).join("\n")}
  </Segmentation></MiningModel>`,
  );
}

const probabilities = `<Output><OutputField name="pyes" feature="probability" value="yes"/><OutputField name="pno" feature="probability" value="no"/><OutputField name="pred" feature="predictedValue"/></Output>`;

describeEachBackend("MiningModel of non-tree segments gives the interpreter's answers (§MiningModel)", (backend) => {
  for (const method of ["sum", "average", "weightedSum", "weightedAverage", "median"]) {
    it(`regression ${method}, segment predicates, missing predictions`, async () => {
      await backend.expectSameAnswers(
        ensemble("regression", method, [regression(1, 0.5, -2), regression(-3, 0.25, 1), regression(0.1, 0.1, 0.1), regression(1, 0.5, -2)]),
        xyRows,
      );
    });
  }
  it("regression returnMissing", async () => {
    await backend.expectSameAnswers(
      ensemble("regression", "average", [regression(1, 0.5, -2), regression(-3, 0.25, 1)], `missingPredictionTreatment="returnMissing"`),
      xyRows,
    );
  });
  for (const method of ["majorityVote", "weightedMajorityVote", "average", "weightedAverage"]) {
    it(`classification ${method} of neural networks (vote ties keep the first category voted)`, async () => {
      await backend.expectSameAnswers(
        ensemble("classification", method, [network(0.9), network(-1.3, "tanh"), network(0.9), network(2, "Elliott")], "", probabilities),
        xyRows,
      );
    });
  }
});

describeEachBackend("MiningModel missing treatments and rank statistics (§MiningModel, JPMML)", (backend) => {
  const regs = [regression(1, 0.5, -2), regression(-3, 0.25, 1), regression(0.1, 0.1, 0.1), regression(1, 0.5, -2)];
  for (const method of ["sum", "average", "weightedAverage", "median", "weightedMedian"]) {
    for (const extra of [
      `missingPredictionTreatment="skipSegment"`,
      `missingPredictionTreatment="skipSegment" missingThreshold="0.3"`,
      `missingPredictionTreatment="returnMissing"`,
      "",
    ]) {
      it(`regression ${method} ${extra || "continue"}`, async () => {
        await backend.expectSameAnswers(ensemble("regression", method, regs, extra), xyRows);
      });
    }
  }
  it("weightedMedian: half the total weight, ties of equal values in segment order", async () => {
    await backend.expectSameAnswers(
      ensemble("regression", "weightedMedian", [regression(1, 0, 0), regression(1, 0, 0), regression(2, 0, 0), regression(0, 1, 0)]),
      xyRows,
    );
  });
  for (const method of ["majorityVote", "weightedMajorityVote", "average", "median", "max"]) {
    for (const extra of [
      `missingPredictionTreatment="skipSegment"`,
      `missingThreshold="0.2"`,
      `missingPredictionTreatment="skipSegment" missingThreshold="0.4"`,
      `missingPredictionTreatment="returnMissing"`,
    ]) {
      it(`classification ${method} ${extra}`, async () => {
        await backend.expectSameAnswers(
          ensemble("classification", method, [network(0.9), network(-1.3, "tanh"), network(0.9), network(2, "Elliott")], extra, probabilities),
          xyRows,
        );
      });
    }
  }
  it("classification median/max with tied distributions (the closest segments are averaged)", async () => {
    for (const method of ["median", "max"]) {
      await backend.expectSameAnswers(
        ensemble("classification", method, [network(0.9), network(0.9), network(-1.3, "tanh"), network(-1.3, "tanh")], "", probabilities),
        xyRows,
      );
    }
  });
});

const out = (name: string) => `<Output><OutputField name="${name}" feature="predictedValue" dataType="double"/></Output>`;
const withOutput = (model: string, output: string) => model.replace("</MiningSchema>", `</MiningSchema>${output}`);
function select(method: string, segments: [string, string][], extra = "", own = "", functionName = "regression"): string {
  const m = functionName === "regression" ? mining : classMining;
  return pmml(
    xyFields,
    `<MiningModel functionName="${functionName}">${m}${own}
  <Segmentation multipleModelMethod="${method}" ${extra}>
  ${segments.map(([pred, s], k) => `<Segment id="s${k}">${pred}${s}</Segment>`).join("\n")}
  </Segmentation></MiningModel>`,
  );
}
const low = `<SimplePredicate field="z" operator="equal" value="a"/>`;
const notC = `<SimplePredicate field="z" operator="notEqual" value="c"/>`;

/** A regression whose OutputField feeds a later logit classifier; the chain ends in classification. */
function chain(extra: string): string {
  const first = withOutput(
    regression(1, 2, 0),
    `<Output><OutputField name="score1" feature="predictedValue" dataType="double" isFinalResult="false"/></Output>`,
  );
  const second = `<RegressionModel functionName="classification" normalizationMethod="logit">
      <MiningSchema><MiningField name="score1"/><MiningField name="t" usageType="target"/></MiningSchema>
      <Output><OutputField name="p_yes" feature="probability" value="yes" dataType="double"/></Output>
      <RegressionTable intercept="0" targetCategory="yes"><NumericPredictor name="score1" coefficient="1"/></RegressionTable>
      <RegressionTable intercept="0" targetCategory="no"/>
    </RegressionModel>`;
  return select(
    "modelChain",
    [
      ["<True/>", first],
      [`<SimplePredicate field="score1" operator="greaterThan" value="0"/>`, second],
    ],
    extra,
    `<Output><OutputField name="chained" feature="transformedValue" dataType="double"><FieldRef field="score1"/></OutputField><OutputField name="pno" feature="probability" value="no"/></Output>`,
    "classification",
  );
}

describeEachBackend("selectFirst and modelChain (evaluateSegments, passThrough)", (backend) => {
  for (const extra of ["", `missingPredictionTreatment="skipSegment"`, `missingPredictionTreatment="returnMissing"`]) {
    it(`selectFirst of regressions with their OutputFields passed through ${extra || "continue"}`, async () => {
      await backend.expectSameAnswers(
        select(
          "selectFirst",
          [
            [low, withOutput(regression(1, 0.5, -2), out("seg"))],
            [notC, withOutput(regression(-3, 0.25, 1), out("seg"))],
            ["<True/>", withOutput(regression(0.1, 0, 0), `<Output><OutputField name="last" feature="predictedValue"/></Output>`)],
          ],
          extra,
        ),
        xyRows,
      );
    });
    it(`selectFirst of neural networks: probabilities of the selected segment ${extra || "continue"}`, async () => {
      await backend.expectSameAnswers(
        select(
          "selectFirst",
          [
            [low, network(0.9)],
            [notC, network(-1.3, "tanh")],
            ["<True/>", network(2, "Elliott")],
          ],
          extra,
          probabilities,
          "classification",
        ),
        xyRows,
      );
    });
  }
  it("modelChain: OutputFields are fields of later segments and of the MiningModel's Output; a chain ending in another function fails the row", async () => {
    for (const extra of ["", `missingPredictionTreatment="returnMissing"`]) {
      await backend.expectSameAnswers(chain(extra), xyRows);
    }
  });
  it("modelChain: a later segment reading a field its definer did not define fails the row", async () => {
    const first = withOutput(regression(1, 2, 0), `<Output><OutputField name="s1" feature="predictedValue" isFinalResult="false"/></Output>`);
    const second = withOutput(regression(0, 0, 1), `<Output><OutputField name="s2" feature="predictedValue"/></Output>`)
      .replace(`<NumericPredictor name="x" coefficient="0"/>`, `<NumericPredictor name="s1" coefficient="3"/>`)
      .replace(`<MiningField name="x"/>`, `<MiningField name="s1"/>`);
    await backend.expectSameAnswers(
      select("modelChain", [
        [low, first],
        ["<True/>", second],
      ]),
      xyRows,
    );
  });
  it("a final OutputField of the MiningModel replaces the passed-through one of its name (computeOutputs; jpmml-xgboost's, nyoka's repeated fields)", async () => {
    for (const method of ["selectFirst", "modelChain"]) await backend.expectSameAnswers(repeatedOutputs(method), xyRows);
  });
  it("modelChain: OutputFields with segmentId evaluate their expression in that segment's scope, missing where it did not run (R pmml's gbm multinomial)", async () => {
    await backend.expectSameAnswers(segmentIdOutputs(), xyRows);
  });
});

describe("a compiled modelChain survives the artifact round trip", () => {
  it("presence columns, chain error flags and union tables round-trip", () => {
    for (const extra of ["", `missingPredictionTreatment="returnMissing"`]) {
      const compiled = compilePipeline(parsePmml(chain(extra)));
      const back = deserializeCompiled(JSON.parse(JSON.stringify(serializeCompiled(compiled))));
      expect(new CompiledScorer(back).scoreRows(xyRows)).toEqual(new CompiledScorer(compiled).scoreRows(xyRows));
    }
  });
});

/** The segments name their probability of "no" like the MiningModel's probability of "yes": the MiningModel's own value must win. */
function repeatedOutputs(method: string): string {
  const seg = (model: string) =>
    withOutput(model, `<Output><OutputField name="pyes" feature="probability" value="no"/><OutputField name="only" feature="predictedValue"/></Output>`);
  const segments: [string, string][] =
    method === "selectFirst"
      ? [
          [low, network(0.9)],
          ["<True/>", seg(network(-1.3, "tanh"))],
        ]
      : [
          ["<True/>", network(0.9)],
          ["<True/>", seg(network(-1.3, "tanh"))],
        ];
  return select(method, segments, "", probabilities, "classification");
}

/** A modelChain whose MiningModel OutputFields name segments (segmentId), one of them absent. */
function segmentIdOutputs(): string {
  const first = withOutput(regression(1, 2, 0), `<Output><OutputField name="u0" feature="predictedValue" dataType="double"/></Output>`);
  const second = withOutput(
    regression(0.5, 0, 1),
    `<Output><OutputField name="t1" feature="predictedValue" dataType="double"/>
    <OutputField name="u1" feature="transformedValue" dataType="double"><Apply function="+"><FieldRef field="u0"/><FieldRef field="t1"/></Apply></OutputField></Output>`,
  );
  const own = `<Output><OutputField name="pred" feature="predictedValue"/>
    <OutputField name="link1" feature="transformedValue" dataType="double" segmentId="s1"><FieldRef field="u1"/></OutputField>
    <OutputField name="link0x" feature="transformedValue" dataType="float" segmentId="s0"><Apply function="*"><FieldRef field="u0"/><FieldRef field="x"/></Apply></OutputField>
    <OutputField name="nowhere" feature="decision" dataType="double" segmentId="s9"><FieldRef field="x"/></OutputField></Output>`;
  return select(
    "modelChain",
    [
      ["<True/>", first],
      [notC, second],
      ["<True/>", regression(0.1, 0.1, 0.1)],
    ],
    "",
    own,
  );
}

describe("compile-js evaluates segmentId OutputFields per segment", () => {
  it("in the segment's scope, missing where it did not run", () => {
    const { results } = new CompiledScorer(compilePipeline(parsePmml(segmentIdOutputs()))).scoreRows([
      { x: 1, y: 2, z: "a" },
      { x: 1, y: 2, z: "c" },
    ]);
    // u0 = 1 + 2·1 = 3; u1 = u0 + (0.5 + 2) where s1 ran; s9 names no segment.
    expect(results.map((r) => [r?.link1, r?.link0x, r?.nowhere])).toEqual([
      [5.5, 3, null],
      [null, 3, null],
    ]);
  });
});
