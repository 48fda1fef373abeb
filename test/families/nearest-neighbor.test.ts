import { describe, expect, it } from "vitest";
import { parsePmml } from "@porta/pmml";
import { CompiledScorer, compilePipeline, deserializeCompiled, serializeCompiled } from "../../packages/compile-js/src/index.ts";
import { pmml, xyFields, xyRows } from "../../packages/compile-js/src/families/same-answers.test-helper.ts";
import { describeEachBackend } from "../each-backend.ts";

const training = `<TrainingInstances><InstanceFields>
  <InstanceField field="id" column="id"/><InstanceField field="x" column="cx"/><InstanceField field="y" column="cy"/><InstanceField field="r" column="cr"/><InstanceField field="t" column="ct"/>
</InstanceFields><InlineTable>
  <row><id>a</id><cx>0</cx><cy>0</cy><cr>1</cr><ct>yes</ct></row>
  <row><id>b</id><cx>5</cx><cy>5</cy><cr>2</cr><ct>no</ct></row>
  <row><id>c</id><cx>5</cx><cy>5</cy><cr>4.5</cr><ct>yes</ct></row>
  <row><id>d</id><cx>1</cx><cy>2</cy><cr>-3</cr><ct>no</ct></row>
  <row><id>e</id><cx>-3</cx><cy>7</cy><cr>10</cr><ct>no</ct></row>
  <row><id>f</id><cx>0.1</cx><cy>0.2</cy><cr>0.25</cr><ct>yes</ct></row>
</InlineTable></TrainingInstances>`;
const fields = xyFields + `<DataField name="id" optype="categorical" dataType="string"/>`;

function knn(
  fn: string,
  target: string | null,
  attrs: string,
  measure: string,
  inputs = `<KNNInput field="x" fieldWeight="0.5"/><KNNInput field="y"/>`,
  output = `<OutputField name="id1" feature="entityId"/>`,
): string {
  const mining = `<MiningField name="x"/><MiningField name="y"/>${target ? `<MiningField name="${target}" usageType="target"/>` : ""}`;
  return pmml(
    fields,
    `<NearestNeighborModel functionName="${fn}" ${attrs} ${fn === "clustering" ? `instanceIdVariable="id"` : ""}>
  <MiningSchema>${mining}</MiningSchema>
  <Output>${output}</Output>
  ${training}
  <ComparisonMeasure kind="distance">${measure}</ComparisonMeasure>
  <KNNInputs>${inputs}</KNNInputs>
</NearestNeighborModel>`,
  );
}

const measures = ["<euclidean/>", "<squaredEuclidean/>", "<cityBlock/>", "<chebychev/>", `<minkowski p-parameter="3"/>`];

describeEachBackend("NearestNeighborModel gives the interpreter's answers", (backend) => {
  for (const m of measures) {
    for (const method of ["average", "median"]) {
      for (const k of [1, 2, 3, 4, 6]) {
        it(`regression ${method} k=${k} ${m}`, async () => {
          await backend.expectSameAnswers(knn("regression", "r", `numberOfNeighbors="${k}" continuousScoringMethod="${method}"`, m), xyRows);
        });
      }
    }
    for (const method of ["majorityVote", "weightedMajorityVote"]) {
      for (const k of [1, 2, 3, 4, 6]) {
        it(`classification ${method} k=${k} ${m} (ties)`, async () => {
          await backend.expectSameAnswers(
            knn(
              "classification",
              "t",
              `numberOfNeighbors="${k}" categoricalScoringMethod="${method}"`,
              m,
              undefined,
              `<OutputField name="p" feature="predictedValue"/><OutputField name="id1" feature="entityId"/>`,
            ),
            xyRows,
          );
        });
      }
    }
    it(`clustering with instanceIdVariable ${m}`, async () => {
      await backend.expectSameAnswers(knn("clustering", null, `numberOfNeighbors="3"`, m), xyRows);
    });
  }
  it("compare functions gaussSim/delta/equal and a threshold", async () => {
    await backend.expectSameAnswers(
      knn(
        "classification",
        "t",
        `numberOfNeighbors="3" categoricalScoringMethod="weightedMajorityVote" threshold="0.5"`,
        "<squaredEuclidean/>",
        `<KNNInput field="x" compareFunction="gaussSim" similarityScale="2"/><KNNInput field="y" compareFunction="delta" fieldWeight="3"/>`,
      ),
      xyRows,
    );
    await backend.expectSameAnswers(
      knn(
        "classification",
        "t",
        `numberOfNeighbors="3"`,
        `<cityBlock/>`,
        `<KNNInput field="x" compareFunction="equal"/><KNNInput field="y"/>`,
        `<OutputField name="p" feature="predictedValue"/>`,
      ),
      xyRows,
    );
  });
  it("probability and confidence OutputFields of a vote (nyoka's kNN classifiers write them)", async () => {
    await backend.expectSameAnswers(voteWithProbabilities(), xyRows);
  });
});

describe("compiled k-NN vote probability fields", () => {
  it("are missing: the vote's result has no distribution", () => {
    const { results } = new CompiledScorer(compilePipeline(parsePmml(voteWithProbabilities()))).scoreRows(xyRows.slice(0, 2));
    expect(results.map((r) => [r?.pyes, r?.pno, r?.pw, r?.cf])).toEqual([
      [null, null, null, null],
      [null, null, null, null],
    ]);
  });
});

describe("a compiled NearestNeighborModel survives the artifact round trip", () => {
  it("round-trips through serializeCompiled/deserializeCompiled", () => {
    const doc = knn(
      "classification",
      "t",
      `numberOfNeighbors="3" categoricalScoringMethod="weightedMajorityVote"`,
      "<euclidean/>",
      undefined,
      `<OutputField name="p" feature="predictedValue"/><OutputField name="id1" feature="entityId"/>`,
    );
    const compiled = compilePipeline(parsePmml(doc));
    const artifact = serializeCompiled(compiled);
    expect(artifact).toBeDefined();
    const back = deserializeCompiled(JSON.parse(JSON.stringify(artifact)) as { code: string; meta: Record<string, unknown> });
    const a = new CompiledScorer(compiled).scoreRows(xyRows);
    const b = new CompiledScorer(back).scoreRows(xyRows);
    expect(b.results).toEqual(a.results);
    expect(b.errors.map((e) => e?.code)).toEqual(a.errors.map((e) => e?.code));
  });
});

function voteWithProbabilities(): string {
  return knn(
    "classification",
    "t",
    `numberOfNeighbors="3"`,
    "<euclidean/>",
    undefined,
    `<OutputField name="pyes" feature="probability" value="yes"/><OutputField name="pno" feature="probability" value="no" dataType="double"/><OutputField name="pw" feature="probability"/><OutputField name="cf" feature="confidence" value="yes"/><OutputField name="p" feature="predictedValue"/>`,
  );
}
