import { lowerClustering, type ClusteringModel, type Value } from "@porta/ir";
import { _, join, type Code } from "../codegen.ts";
import { MISSING_CODE } from "../columns.ts";
import type { FamilyRow, KernelContext } from "../kernel.ts";
import type { TargetFacts } from "../targets.ts";
import { NotCompilable } from "../unsupported.ts";
import { compileAdjustment, compileDistance } from "./comparison-measure.ts";
import { planOrRefuse } from "./plan.ts";

/**
 * Center-based ClusteringModel with a distance measure over numeric columns: the lowered plan's
 * distance to every center (comparison-measure.ts); the nearest cluster wins, the first on ties.
 */
export function compileClustering(model: ClusteringModel, ctx: KernelContext, _target: TargetFacts): FamilyRow {
  const plan = planOrRefuse("ClusteringModel", () => lowerClustering(model));
  const cmp = plan.comparison;
  if (cmp.kind === "similarity") throw new NotCompilable(`ClusteringModel similarity measure ${cmp.measure}`);
  const xs = cmp.fields.map((f) => {
    const col = ctx.column(f.field);
    if (col.kind !== "number") throw new NotCompilable("ClusteringField on a string field");
    return col.at;
  });
  const adjustment = ctx.names.name("adj");
  const statements: Code[] = compileAdjustment(cmp, xs, adjustment, ctx);
  const ids = plan.clusters.map((c) => c.id);
  const distances = plan.clusters.map(() => ctx.names.name("dist"));
  plan.clusters.forEach((cluster, k) => {
    const ys = cluster.centerNumbers.map((y) => {
      if (y === undefined) throw new NotCompilable("non-numeric Cluster center");
      return _`${y}`;
    });
    statements.push(compileDistance(cmp, xs, (q) => ys[q], adjustment, distances[k], ctx));
  });
  const value = ctx.names.name("value");
  const best = ctx.names.name("best");
  const categories: Value[] = ids;
  const body = _`let ${value} = ${MISSING_CODE};
${join(statements, "\n")}
let ${best} = NaN;
${join(
  distances.map((d, k) => _`if (${k === 0 ? _`true` : _`${d} < ${best}`}) { ${value} = ${k}; ${best} = ${d}; }`),
  "\n",
)}`;
  return {
    body,
    value,
    kind: "category",
    categories,
    entity: { index: value, ids },
    displayValues: plan.clusters.map((c) => c.name),
    affinities: { locals: distances, ids, missing: "Infinity" },
  };
}
