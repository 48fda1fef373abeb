import { PortaError, lowerClustering, type ClusteringModel, type ClusteringPlan, type DistancePlan } from "@porta/ir";
import { NotExportable } from "../refusal.ts";
import type { GraphScope } from "../scope.ts";

/**
 * Center-based ClusteringModel with a distance measure (PMML 4.4 §ClusteringModel "Scoring"):
 * every cluster's distance as the interpreter computes it, one column per cluster [N, clusters].
 * The lowered plan gives the kernel, field weights and MissingValueWeights. Each field's term
 * w·|x − c|^p is a [N, clusters] tensor (the field's column against the row of centers), summed
 * field by field from 0 in document order as the interpreter sums (a ReduceSum's order would
 * differ in the last bits), a missing field adding nothing; then times the missing-value
 * adjustment Σq / Σq·[present] and the outer root. The backend picks the winner with the
 * interpreter's clusteringResult (first nearest, NaN never displacing it).
 */
export function clusteringDistances(model: ClusteringModel, scope: GraphScope): { distances: string; plan: ClusteringPlan } {
  const plan = lowered(model);
  const cmp = plan.comparison;
  if (cmp.kind === "similarity") throw new NotExportable(`ComparisonMeasure kind="similarity" (${cmp.measure}) is not exported`);
  checkKernel(cmp);
  const g = scope.g;
  const k = plan.clusters.length;
  if (k === 0) throw new NotExportable("ClusteringModel without Cluster elements is not exported");
  if (cmp.fields.length === 0) throw new NotExportable("ClusteringModel without center ClusteringFields is not exported");
  let sum = g.doubles(new Float64Array(k), [1, k]);
  let present = g.scalar(0);
  cmp.fields.forEach((field, f) => {
    if (field.compare.fn !== "absDiff") throw new NotExportable(`ClusteringField field="${field.field}" compareFunction="${field.compare.fn}" is not exported`);
    const v = scope.resolve(field.field);
    if (v.kind !== "number") throw new NotExportable(`ClusteringField field="${field.field}" is text`);
    const centers = plan.clusters.map((c) => {
      const y = c.centerNumbers[f];
      if (y === undefined) throw new NotExportable(`Cluster id="${c.id}" center value "${c.center[f]}" is not a number`);
      return y;
    });
    const missing = g.isNaN(v.tensor);
    let term = g.op("Abs", [g.sub(v.tensor, g.doubles(centers, [1, k]))]);
    if (cmp.inner !== 1) term = g.op("Pow", [term, g.scalar(cmp.inner)]);
    if (field.fieldWeight !== 1) term = g.mul(term, g.scalar(field.fieldWeight));
    sum = g.add(sum, g.where(missing, g.scalar(0), term));
    present = g.add(present, g.where(missing, g.scalar(0), g.scalar(cmp.missingValueWeights[f])));
  });
  // Every field missing: Σq / 0 is Infinity and 0·Infinity NaN, every distance NaN, as the interpreter.
  const adjusted = g.mul(sum, g.div(g.scalar(cmp.totalWeight), present));
  const distances = cmp.outer === 1 ? adjusted : g.op("Pow", [adjusted, g.scalar(1 / cmp.outer)]);
  return { distances, plan };
}

/** A plan the interpreter rejects is an error on every row it scores: left to the interpreter. */
function lowered(model: ClusteringModel): ClusteringPlan {
  try {
    return lowerClustering(model);
  } catch (e) {
    if (e instanceof PortaError) throw new NotExportable(`ClusteringModel (${e.code}${e.path ? ` at ${e.path}` : ""})`);
    throw e;
  }
}

/** Sums of powers only: chebychev's maximum (an error when every field is missing) and minkowski p=0's e^x are not exported. */
function checkKernel(cmp: DistancePlan): void {
  if (cmp.maximum) throw new NotExportable("ComparisonMeasure chebychev is not exported");
  if (cmp.outer === 0) throw new NotExportable('ComparisonMeasure minkowski p-parameter="0" is not exported');
}
