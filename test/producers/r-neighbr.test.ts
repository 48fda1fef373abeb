/**
 * R pmml's pmml.neighbr (neighbr::knn): NearestNeighborModel with numberOfNeighbors, the scoring
 * method attributes, instanceIdVariable="ID" threshold="0.001" when an id column was given,
 * TrainingInstances (isTransformed="false") whose InlineTable rows hold the features, the target
 * and the ID (the ID is no DataField), ComparisonMeasure euclidean / squaredEuclidean (distance)
 * or simpleMatching / jaccard / tanimoto (similarity), KNNInput compareFunction="absDiff", and
 * OutputFields Predicted_<target> and neighbor<n> (entityId, rank n).
 */
import { describe, expect, it } from "vitest";
import { UnsupportedFeatureError } from "@porta/ir";
import { parsePmml } from "@porta/pmml";
import { expectClose, rPmml, scoreBoth } from "./both-backends.ts";

type Train = Record<string, number | string>;

function knnDocument(opts: {
  features: string[];
  targets: { name: string; categorical?: string[] }[];
  fn: string;
  attrs: string;
  measure: string;
  kind: string;
  k: number;
  ranked: number;
  train: Train[];
}): string {
  const { features, targets, train } = opts;
  const dataFields = [
    ...features.map((f) => `<DataField name="${f}" optype="continuous" dataType="double"/>`),
    ...targets.map((t) =>
      t.categorical
        ? `<DataField name="${t.name}" optype="categorical" dataType="string">${t.categorical.map((v) => `<Value value="${v}"/>`).join("")}</DataField>`
        : `<DataField name="${t.name}" optype="continuous" dataType="double"/>`,
    ),
  ];
  const columns = [...features, ...targets.map((t) => t.name), "ID"];
  return rPmml(
    `<DataDictionary numberOfFields="${dataFields.length}">${dataFields.join("")}</DataDictionary>
 <NearestNeighborModel modelName="kNN_model" ${opts.attrs} instanceIdVariable="ID" threshold="0.001" numberOfNeighbors="${opts.k}" functionName="${opts.fn}">
  <MiningSchema>${features.map((f) => `<MiningField name="${f}" usageType="active"/>`).join("")}${targets.map((t) => `<MiningField name="${t.name}" usageType="predicted"/>`).join("")}</MiningSchema>
  <Output>${targets.map((t) => `<OutputField name="Predicted_${t.name}" feature="predictedValue" dataType="${t.categorical ? "string" : "double"}" optype="${t.categorical ? "categorical" : "continuous"}"/>`).join("")}${Array.from({ length: opts.ranked }, (_, n) => `<OutputField name="neighbor${n + 1}" feature="entityId" dataType="string" optype="categorical" rank="${n + 1}"/>`).join("")}</Output>
  <TrainingInstances recordCount="${train.length}" fieldCount="${columns.length}" isTransformed="false">
   <InstanceFields>${columns.map((c) => `<InstanceField field="${c}" column="${c}"/>`).join("")}</InstanceFields>
   <InlineTable>${train.map((r) => `<row>${columns.map((c) => `<${c}>${r[c]}</${c}>`).join("")}</row>`).join("\n")}</InlineTable>
  </TrainingInstances>
  <ComparisonMeasure kind="${opts.kind}"><${opts.measure}/></ComparisonMeasure>
  <KNNInputs>${features.map((f) => `<KNNInput field="${f}" compareFunction="absDiff"/>`).join("")}</KNNInputs>
 </NearestNeighborModel>`,
    "K Nearest Neighbors Model",
  );
}

/** The k training rows nearest to `row` (ties by training order), as neighbr ranks them. */
function nearest(
  train: Train[],
  features: string[],
  row: Record<string, number>,
  k: number,
  measure: (x: number[], y: number[]) => number,
  larger: boolean,
): Train[] {
  const scored = train.map((t, i) => ({
    t,
    i,
    d: measure(
      features.map((f) => row[f]),
      features.map((f) => t[f] as number),
    ),
  }));
  scored.sort((p, q) => (larger ? q.d - p.d : p.d - q.d) || p.i - q.i);
  return scored.slice(0, k).map((s) => s.t);
}

const train: Train[] = [
  { a: 0, b: 0, y: 1.5, cls: "no", ID: 11 },
  { a: 1, b: 0.5, y: 2, cls: "no", ID: 12 },
  { a: 0.2, b: 2, y: 3.5, cls: "yes", ID: 13 },
  { a: 5, b: 5, y: 10, cls: "yes", ID: 14 },
  { a: 4, b: 6.5, y: 12, cls: "yes", ID: 15 },
  { a: 3, b: 1, y: 4, cls: "no", ID: 16 },
];
const sqEuclid = (x: number[], y: number[]) => x.reduce((s, xi, i) => s + (xi - y[i]) ** 2, 0);

describe("R pmml neighbr", () => {
  it("regression, continuousScoringMethod=average, squaredEuclidean: the mean target of the k nearest; neighbor<n> are their IDs (the ID column is no DataField)", () => {
    const text = knnDocument({
      features: ["a", "b"],
      targets: [{ name: "y" }],
      fn: "regression",
      attrs: `continuousScoringMethod="average"`,
      measure: "squaredEuclidean",
      kind: "distance",
      k: 3,
      ranked: 2,
      train: train.map(({ cls: _c, ...r }) => r),
    });
    const rows = [
      { a: 0.3, b: 0.2 },
      { a: 4.4, b: 5.5 },
      { a: 2.5, b: 1.2 },
    ];
    const got = scoreBoth(text, rows);
    rows.forEach((row, i) => {
      const nn = nearest(train, ["a", "b"], row, 3, sqEuclid, false);
      expectClose(got[i].Predicted_y, nn.reduce((s, t) => s + (t.y as number), 0) / 3);
      expect(got[i].neighbor1).toBe(String(nn[0].ID));
      expect(got[i].neighbor2).toBe(String(nn[1].ID));
    });
  });

  it("regression, continuousScoringMethod=median over euclidean distance", () => {
    const text = knnDocument({
      features: ["a", "b"],
      targets: [{ name: "y" }],
      fn: "regression",
      attrs: `continuousScoringMethod="median"`,
      measure: "euclidean",
      kind: "distance",
      k: 3,
      ranked: 0,
      train: train.map(({ cls: _c, ...r }) => r),
    });
    const rows = [
      { a: 0.3, b: 0.2 },
      { a: 4.4, b: 5.5 },
    ];
    const got = scoreBoth(text, rows);
    rows.forEach((row, i) => {
      const ys = nearest(train, ["a", "b"], row, 3, sqEuclid, false)
        .map((t) => t.y as number)
        .sort((p, q) => p - q);
      expectClose(got[i].Predicted_y, ys[1]);
    });
  });

  it("classification, categoricalScoringMethod=majorityVote, jaccard similarity on 0/1 features: the most similar k vote", () => {
    const bin: Train[] = [
      { p: 1, q: 1, r: 0, s: 0, cls: "dem", ID: 1 },
      { p: 1, q: 1, r: 1, s: 0, cls: "dem", ID: 2 },
      { p: 0, q: 0, r: 1, s: 1, cls: "rep", ID: 3 },
      { p: 0, q: 1, r: 1, s: 1, cls: "rep", ID: 4 },
      { p: 1, q: 0, r: 0, s: 0, cls: "dem", ID: 5 },
    ];
    const features = ["p", "q", "r", "s"];
    const text = knnDocument({
      features,
      targets: [{ name: "cls", categorical: ["dem", "rep"] }],
      fn: "classification",
      attrs: `categoricalScoringMethod="majorityVote"`,
      measure: "jaccard",
      kind: "similarity",
      k: 3,
      ranked: 1,
      train: bin,
    });
    const jaccard = (x: number[], y: number[]) => {
      const a11 = x.filter((v, i) => v === 1 && y[i] === 1).length;
      const differ = x.filter((v, i) => v !== y[i]).length;
      return a11 / (a11 + differ);
    };
    const rows = [
      { p: 1, q: 1, r: 0, s: 1 },
      { p: 0, q: 0, r: 1, s: 0 },
    ];
    const got = scoreBoth(text, rows);
    rows.forEach((row, i) => {
      const nn = nearest(bin, features, row, 3, jaccard, true);
      const dem = nn.filter((t) => t.cls === "dem").length;
      expect(got[i].Predicted_cls).toBe(dem >= 2 ? "dem" : "rep");
      expect(got[i].neighbor1).toBe(String(nn[0].ID));
    });
  });

  it("clustering (no target): only the neighbor<n> ids", () => {
    const text = knnDocument({
      features: ["a", "b"],
      targets: [],
      fn: "clustering",
      attrs: "",
      measure: "squaredEuclidean",
      kind: "distance",
      k: 2,
      ranked: 2,
      train: train.map(({ cls: _c, y: _y, ...r }) => r),
    });
    const rows = [{ a: 3.2, b: 1.1 }];
    const got = scoreBoth(text, rows);
    const nn = nearest(train, ["a", "b"], rows[0], 2, sqEuclid, false);
    expect(got[0].neighbor1).toBe(String(nn[0].ID));
    expect(got[0].neighbor2).toBe(String(nn[1].ID));
  });

  it("functionName=mixed (a categorical and a continuous target, OutputFields without targetField) is refused, naming the element", () => {
    const text = knnDocument({
      features: ["a", "b"],
      targets: [{ name: "cls", categorical: ["no", "yes"] }, { name: "y" }],
      fn: "mixed",
      attrs: `categoricalScoringMethod="majorityVote" continuousScoringMethod="average"`,
      measure: "squaredEuclidean",
      kind: "distance",
      k: 3,
      ranked: 1,
      train,
    });
    expect(() => parsePmml(text)).toThrow(UnsupportedFeatureError);
    expect(() => parsePmml(text)).toThrow(/NearestNeighborModel/);
  });
});
