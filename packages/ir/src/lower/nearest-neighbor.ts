import type { NearestNeighborModel } from "../models/nearest-neighbor.ts";
import { lowerComparison, type ComparisonPlan } from "./comparison-measure.ts";
import { memoizedPlan } from "./plan-cache.ts";

/**
 * NearestNeighborModel (PMML 4.4 §NearestNeighborModel): the comparison over the KNNInputs (no
 * MissingValueWeights: every qᵢ is 1), where each field's training values are, and the training
 * instances' ids (the instanceIdVariable column, else the 1-based row number). Training rows are
 * prepared through the pipeline's MiningSchema per backend: that needs the pipeline, not the node.
 */
export interface NearestNeighborPlan {
  readonly comparison: ComparisonPlan;
  /** InstanceField column of each field (KNN inputs and the target) named in InstanceFields. */
  readonly columns: ReadonlyMap<string, string>;
  /** Entity id of each training instance, in row order (the tie order: earlier rows first). */
  readonly ids: readonly string[];
  readonly numberOfNeighbors: number;
  /** Added to each distance before the reciprocal of the weighted methods. */
  readonly threshold: number;
  readonly continuousScoringMethod: NearestNeighborModel["continuousScoringMethod"];
  readonly categoricalScoringMethod: NearestNeighborModel["categoricalScoringMethod"];
  readonly path: string;
}

export const lowerNearestNeighbor: (model: NearestNeighborModel) => NearestNeighborPlan = memoizedPlan((model: NearestNeighborModel): NearestNeighborPlan => {
  const columns = new Map<string, string>();
  // The first InstanceField naming a field wins, as a lookup by field name finds it.
  for (const f of model.instanceFields) if (!columns.has(f.field)) columns.set(f.field, f.column);
  const idColumns = model.instanceFields.filter((f) => f.field === model.instanceIdVariable).map((f) => f.column);
  return {
    comparison: lowerComparison(model.measure, model.inputs),
    columns,
    ids: model.rows.map((row, r) => instanceId(row, r, idColumns)),
    numberOfNeighbors: model.numberOfNeighbors,
    threshold: model.threshold,
    continuousScoringMethod: model.continuousScoringMethod,
    categoricalScoringMethod: model.categoricalScoringMethod,
    path: model.path,
  };
});

/** The row's id: its (last non-empty) instanceIdVariable cell, else its 1-based row number. */
function instanceId(row: Readonly<Record<string, string>>, r: number, idColumns: readonly string[]): string {
  let id = String(r + 1);
  for (const c of idColumns) if (row[c] !== undefined) id = row[c];
  return id;
}
