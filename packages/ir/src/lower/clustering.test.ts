import { describe, expect, it } from "vitest";
import type { ClusteringModel } from "../models/clustering.ts";
import { lowerClustering } from "./clustering.ts";

function model(clusters: ClusteringModel["clusters"], isCenter = [true, false, true]): ClusteringModel {
  return {
    kind: "clustering",
    modelClass: "centerBased",
    functionName: "clustering",
    path: "/PMML/ClusteringModel",
    miningSchema: [],
    output: [],
    targets: [],
    localTransformations: [],
    measure: { kind: "distance", measure: { kind: "euclidean" }, compareFunction: "absDiff", path: "/PMML/ClusteringModel/ComparisonMeasure" },
    fields: ["x", "label", "y"].map((f, i) => ({ kind: "comparisonField", field: f, fieldWeight: 1, isCenterField: isCenter[i], path: `/F[${i}]` })),
    clusters,
  } as unknown as ClusteringModel;
}

describe("lowerClustering (PMML 4.4 §ClusteringModel)", () => {
  it("§ClusteringField isCenterField: only center fields take part, in document order", () => {
    const plan = lowerClustering(model([{ id: "1", center: ["0", "1e1"], path: "/C[1]" }]));
    expect(plan.comparison.fields.map((f) => f.field)).toEqual(["x", "y"]);
    expect(plan.clusters[0].centerNumbers).toEqual([0, 10]);
  });

  it("§Cluster: a center with another number of values than the center fields is a SchemaError at the Cluster", () => {
    expect(() => lowerClustering(model([{ id: "1", center: ["0"], path: "/C[1]" }]))).toThrow(
      expect.objectContaining({ code: "PMML_CLUSTER_CENTER", path: "/C[1]", value: 1 }),
    );
  });

  it("clusters keep document order (the tie order) and an unnamed cluster has no display name", () => {
    const plan = lowerClustering(
      model([
        { id: "b", name: "B", center: ["0", "0"], path: "/C[1]" },
        { id: "a", center: ["1", "1"], path: "/C[2]" },
      ]),
    );
    expect(plan.clusters.map((c) => [c.id, c.name])).toEqual([
      ["b", "B"],
      ["a", null],
    ]);
  });

  it("is memoized per model node", () => {
    const m = model([{ id: "1", center: ["0", "0"], path: "/C[1]" }]);
    expect(lowerClustering(m)).toBe(lowerClustering(m));
  });
});
