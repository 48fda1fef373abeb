import { describe, expect, it } from "vitest";
import { parsePmml } from "@porta/pmml";
import { EvaluationError, SchemaError, UnsupportedFeatureError, interpret } from "@porta/ir";

// Training data: id, x, y, class, value.
const TRAINING = [
  ["p1", 0, 0, "a", 1],
  ["p2", 1, 0, "a", 2],
  ["p3", 0, 1, "b", 3],
  ["p4", 5, 5, "b", 10],
  ["p5", 6, 5, "c", 20],
  ["p6", 5, 6, "b", 12],
] as const;

function knnDoc(
  opts: {
    fn?: "classification" | "regression" | "clustering";
    attrs?: string;
    measure?: string;
    inputs?: string;
    output?: string;
    k?: number;
    rows?: string;
  } = {},
): string {
  const fn = opts.fn ?? "classification";
  const targetName = fn === "regression" ? "value" : "class";
  const rows =
    opts.rows ?? TRAINING.map(([id, x, y, c, v]) => `<row><id>${id}</id><x>${x}</x><y>${y}</y><class>${c}</class><value>${v}</value></row>`).join("");
  const target = fn === "clustering" ? "" : `<MiningField name="${targetName}" usageType="target"/>`;
  return `<PMML version="4.4" xmlns="http://www.dmg.org/PMML-4_4">
  <Header/>
  <DataDictionary>
    <DataField name="x" optype="continuous" dataType="double"/>
    <DataField name="y" optype="continuous" dataType="double"/>
    <DataField name="class" optype="categorical" dataType="string"><Value value="a"/><Value value="b"/><Value value="c"/></DataField>
    <DataField name="value" optype="continuous" dataType="double"/>
  </DataDictionary>
  <NearestNeighborModel functionName="${fn}" numberOfNeighbors="${opts.k ?? 3}" ${opts.attrs ?? `instanceIdVariable="id"`}>
    <MiningSchema><MiningField name="x"/><MiningField name="y"/>${target}</MiningSchema>
    <Output>${opts.output ?? `<OutputField name="nearest" feature="entityId" dataType="string"/>`}</Output>
    <TrainingInstances>
      <InstanceFields>
        <InstanceField field="id" column="id"/><InstanceField field="x" column="x"/><InstanceField field="y" column="y"/>
        <InstanceField field="class" column="class"/><InstanceField field="value" column="value"/>
      </InstanceFields>
      <InlineTable>${rows}</InlineTable>
    </TrainingInstances>
    ${opts.measure ?? `<ComparisonMeasure kind="distance"><euclidean/></ComparisonMeasure>`}
    <KNNInputs>${opts.inputs ?? `<KNNInput field="x"/><KNNInput field="y"/>`}</KNNInputs>
  </NearestNeighborModel>
</PMML>`;
}

describe("NearestNeighborModel (PMML 4.4 §NearestNeighborModel)", () => {
  it("§categoricalScoringMethod majorityVote over the k nearest; entityId is the nearest instance", () => {
    const p = parsePmml(knnDoc());
    expect(interpret(p, { x: 0.2, y: 0.1 })).toEqual({ class: "a", nearest: "p1" });
    expect(interpret(p, { x: 5.4, y: 5 })).toEqual({ class: "b", nearest: "p4" });
  });

  it("§instance ids: without instanceIdVariable the 1-based row number identifies an instance", () => {
    const p = parsePmml(knnDoc({ attrs: "" }));
    expect(interpret(p, { x: 5.9, y: 5 })).toEqual({ class: "b", nearest: "5" });
  });

  it("§weightedMajorityVote weighs votes by 1/(distance + threshold)", () => {
    // k=3 nearest to (5.9,5): p5 (c, d=.1), p4 (b, d=.9), p6 (b, d≈1.35): b has two far votes, c one close vote.
    const plain = parsePmml(knnDoc());
    expect(interpret(plain, { x: 5.9, y: 5 }).class).toBe("b");
    const weighted = parsePmml(knnDoc({ attrs: `instanceIdVariable="id" categoricalScoringMethod="weightedMajorityVote"` }));
    expect(interpret(weighted, { x: 5.9, y: 5 }).class).toBe("c");
  });

  it("§ties: the category with most training cases wins, then the smallest value", () => {
    // k=2 nearest to (5.5,5): p4 (b) and p5 (c) tie at one vote; b has 3 training cases, c has 1.
    expect(interpret(parsePmml(knnDoc({ k: 2 })), { x: 5.5, y: 5 }).class).toBe("b");
    // k=2 nearest to (0.5,0.5) over a and b rows only: one vote each, two cases each: "a" is smaller.
    const rows = `<row><id>q1</id><x>0</x><y>0</y><class>b</class><value>1</value></row><row><id>q2</id><x>1</x><y>1</y><class>a</class><value>1</value></row>
      <row><id>q3</id><x>9</x><y>9</y><class>a</class><value>1</value></row><row><id>q4</id><x>9</x><y>8</y><class>b</class><value>1</value></row>`;
    expect(interpret(parsePmml(knnDoc({ k: 2, rows })), { x: 0.5, y: 0.5 }).class).toBe("a");
  });

  it("§continuousScoringMethod: average, median and weightedAverage of the k nearest targets", () => {
    const at = (method: string) => interpret(parsePmml(knnDoc({ fn: "regression", attrs: `continuousScoringMethod="${method}"` })), { x: 0, y: 0 }).value;
    expect(at("average")).toBe((1 + 2 + 3) / 3);
    expect(at("median")).toBe(2);
    const w = [1 / (0 + 0.001), 1 / (1 + 0.001), 1 / (1 + 0.001)];
    expect(at("weightedAverage")).toBe((1 * w[0] + 2 * w[1] + 3 * w[2]) / (w[0] + w[1] + w[2]));
    // An even k takes the mean of the two middle values.
    expect(interpret(parsePmml(knnDoc({ fn: "regression", k: 4, attrs: `continuousScoringMethod="median"` })), { x: 0, y: 0 }).value).toBe(2.5);
  });

  it("§Output: entityId/affinity with rank give the runner-up instances; affinity with value names one", () => {
    const output = `<OutputField name="second" feature="entityId" rank="2" dataType="string"/>
      <OutputField name="d2" feature="affinity" rank="2" dataType="double"/>
      <OutputField name="toP4" feature="affinity" value="p4" dataType="double"/>`;
    const p = parsePmml(knnDoc({ output, measure: `<ComparisonMeasure kind="distance"><cityBlock/></ComparisonMeasure>` }));
    expect(interpret(p, { x: 0.25, y: 0 })).toEqual({ class: "a", second: "p2", d2: 0.75, toP4: 4.75 + 5 });
  });

  it("§clustering: no prediction, the instances are the entities", () => {
    const p = parsePmml(knnDoc({ fn: "clustering" }));
    expect(interpret(p, { x: 1, y: 0.1 })).toEqual({ nearest: "p2" });
  });

  it("§Missing values: a missing input is skipped and the distance adjusted; all missing is an EvaluationError", () => {
    const output = `<OutputField name="d" feature="entityAffinity" dataType="double"/>`;
    const p = parsePmml(knnDoc({ output, measure: `<ComparisonMeasure kind="distance"><squaredEuclidean/></ComparisonMeasure>` }));
    expect(interpret(p, { x: 6, y: null })).toEqual({ class: "b", d: 0 });
    // All missing (as JPMML): every distance is NaN, so the first k training rows are the neighbours.
    expect(interpret(p, { x: null, y: null })).toEqual({ class: "a", d: null });
    expect(() => interpret(p, { x: "far", y: 1 })).toThrow(EvaluationError);
  });

  it("KNNInput fieldWeight and compareFunction apply per field", () => {
    const inputs = `<KNNInput field="x" fieldWeight="10"/><KNNInput field="y" compareFunction="delta"/>`;
    const output = `<OutputField name="d" feature="entityAffinity" dataType="double"/>`;
    const p = parsePmml(knnDoc({ inputs, output, measure: `<ComparisonMeasure kind="distance"><cityBlock/></ComparisonMeasure>` }));
    // p1: 10·0 + delta(0, .5) = 1; p3 ties at 1 but comes later; p2: 10·1 + 1.
    expect(interpret(p, { x: 0, y: 0.5 })).toEqual({ class: "a", d: 1 });
  });

  it("weighted methods with a similarity measure, too many neighbors, and TableLocator are rejected", () => {
    const sim = knnDoc({
      attrs: `categoricalScoringMethod="weightedMajorityVote"`,
      measure: `<ComparisonMeasure kind="similarity"><jaccard/></ComparisonMeasure>`,
    });
    const rows = `<row><id>1</id><x>1</x><y>0</y><class>a</class><value>1</value></row><row><id>2</id><x>0</x><y>1</y><class>b</class><value>1</value></row>`;
    expect(() =>
      interpret(
        parsePmml(
          knnDoc({
            k: 1,
            rows,
            attrs: `categoricalScoringMethod="weightedMajorityVote"`,
            measure: `<ComparisonMeasure kind="similarity"><jaccard/></ComparisonMeasure>`,
          }),
        ),
        { x: 1, y: 0 },
      ),
    ).toThrow(SchemaError);
    expect(sim).toContain("jaccard");
    expect(() => parsePmml(knnDoc({ k: 9 }))).toThrow(SchemaError);
    expect(() =>
      parsePmml(
        knnDoc().replace(
          `<MiningField name="class" usageType="target"/>`,
          `<MiningField name="class" usageType="target"/><MiningField name="value" usageType="target"/>`,
        ),
      ),
    ).toThrow(/several target fields/);
    expect(() => parsePmml(knnDoc().replace(/<InlineTable>[\s\S]*<\/InlineTable>/, `<TableLocator/>`))).toThrow(UnsupportedFeatureError);
  });

  it("a KNNInput that is a derived field is computed for the training rows through the model's transformations", () => {
    const local = `<LocalTransformations><DerivedField name="x10" optype="continuous" dataType="double">
      <NormContinuous field="x"><LinearNorm orig="0" norm="0"/><LinearNorm orig="1" norm="10"/></NormContinuous>
    </DerivedField></LocalTransformations>`;
    const doc = knnDoc({
      inputs: `<KNNInput field="x10"/><KNNInput field="y"/>`,
      output: `<OutputField name="d" feature="entityAffinity" dataType="double"/>`,
      measure: `<ComparisonMeasure kind="distance"><cityBlock/></ComparisonMeasure>`,
    }).replace("<TrainingInstances>", `${local}<TrainingInstances>`);
    // (0.9, 0): p2 (x10=10) is 1 away, p1 (x10=0) is 9 away.
    expect(interpret(parsePmml(doc), { x: 0.9, y: 0 })).toEqual({ class: "a", d: 1 });
  });

  it("§similarity measures pick the most similar instance", () => {
    const rows = `<row><id>s1</id><x>1</x><y>0</y><class>a</class><value>1</value></row><row><id>s2</id><x>0</x><y>1</y><class>b</class><value>1</value></row>`;
    const p = parsePmml(knnDoc({ k: 1, rows, measure: `<ComparisonMeasure kind="similarity"><simpleMatching/></ComparisonMeasure>` }));
    expect(interpret(p, { x: 0, y: 1 })).toEqual({ class: "b", nearest: "s2" });
  });

  it("affinity without @value looks up the predicted value among instance ids (JPMML): +Infinity for a distance; clustering needs instanceIdVariable", () => {
    const output = `<OutputField name="a" feature="affinity"/><OutputField name="p1" feature="affinity" value="p1"/>`;
    const p = parsePmml(knnDoc({ output }));
    expect(interpret(p, { x: 0, y: 0 })).toEqual({ class: "a", a: Infinity, p1: 0 });
    expect(() => parsePmml(knnDoc({ fn: "clustering", attrs: "" }))).toThrow(SchemaError);
  });
});
