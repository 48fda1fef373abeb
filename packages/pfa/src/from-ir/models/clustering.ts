import type { ClusteringModel, DistanceFieldPlan } from "@porta/ir";
import { lowerClustering } from "@porta/ir";
import { type Block, type Json, cannotConvert, literal } from "../code.ts";
import type { Env } from "../fields.ts";
import { typedLiteral } from "../fields.ts";
import type { ModelCode } from "./result.ts";

/**
 * ClusteringModel, center-based (PMML 4.4 §ClusteringModel) as explicit arithmetic rather than
 * model.cluster.closest with metric.*: PMML's distance sums fieldWeight·c(x, y)^p in field
 * order, skips missing fields and scales by the MissingValueWeights adjustment (JPMML's
 * MeasureUtil), which the library metrics do not. The nearest cluster wins, the first on ties.
 */
export function convertClustering(model: ClusteringModel, env: Env, block: Block): ModelCode {
  const plan = lowerClustering(model);
  const cmp = plan.comparison;
  if (cmp.kind !== "distance") return cannotConvert(`ComparisonMeasure/${cmp.measure}`, "similarity measures are not converted", model.path);
  if (cmp.maximum) cannotConvert("ComparisonMeasure/chebychev", "the maximum distance is not converted", model.path);
  const inputs = cmp.fields.map((f) => env.resolve(f.field));
  // adjustment = Σqᵢ / Σqᵢ·[xᵢ present], the present weights summed in field order.
  const present = block.bind(
    {
      expr: inputs
        .map((x, i): Json => {
          const w = literal(cmp.missingValueWeights[i], "double").expr;
          return x.nullable ? { ifnotnull: { [block.fresh("q")]: x.expr }, then: w, else: { double: 0 } } : w;
        })
        .reduce((a, b) => ({ "+": [a, b] })),
      type: "double",
      nullable: false,
    },
    "present",
  );
  const adjustment = block.bind({ expr: { "/": [literal(cmp.totalWeight, "double").expr, present.expr] }, type: "double", nullable: false }, "adjust");
  const distances = plan.clusters.map((cluster) => {
    const terms = cmp.fields.map((f, i) => {
      const x = inputs[i];
      const name = block.fresh("x");
      const term = innerTerm(f, x.nullable ? name : (x.expr as Json), x.type, cluster.center[i], cluster.centerNumbers[i], cmp.inner, model.path);
      return x.nullable ? ({ ifnotnull: { [name]: x.expr }, then: term, else: { double: 0 } } as Json) : term;
    });
    const adjusted: Json = { "*": [terms.reduce((a, b) => ({ "+": [a, b] })), adjustment.expr] };
    const d: Json = cmp.outer === 1 ? adjusted : cmp.outer === 0 ? { "m.exp": adjusted } : { "**": [adjusted, literal(1 / cmp.outer, "double").expr] };
    return block.bind({ expr: d, type: "double", nullable: false }, "dist");
  });
  // The first nearest cluster: a later one wins only when strictly nearer (a NaN never does).
  let best = block.bind({ expr: { int: 0 }, type: "int", nullable: false }, "best");
  let bestDistance = distances[0];
  for (let k = 1; k < distances.length; k++) {
    const nearer: Json = { "<": [distances[k].expr, bestDistance.expr] };
    best = block.bind({ expr: { if: nearer, then: { int: k }, else: best.expr }, type: "int", nullable: false }, "best");
    bestDistance = block.bind({ expr: { if: nearer, then: distances[k].expr, else: bestDistance.expr }, type: "double", nullable: false }, "nearest");
  }
  const ids: Json = { type: { type: "array", items: "string" }, value: plan.clusters.map((c) => c.id) };
  const names: Json = { type: { type: "array", items: ["null", "string"] }, value: plan.clusters.map((c) => (c.name === null ? null : { string: c.name })) };
  const id = block.bind({ expr: { attr: ids, path: [best.expr] }, type: "string", nullable: false }, "cluster");
  const displayValue = block.bind({ expr: { attr: names, path: [best.expr] }, type: "string", nullable: true }, "clusterName");
  const byId = new Map(plan.clusters.map((c, k) => [c.id, distances[k]]));
  return {
    value: id,
    categories: plan.clusters.map((c) => c.id),
    entityId: id,
    displayValue,
    affinities: { byId, absent: Number.POSITIVE_INFINITY, winner: bestDistance },
  };
}

/** weight · c(x, y)^power for one present field (§Comparison functions), as the interpreter's innerTerm. */
function innerTerm(f: DistanceFieldPlan, x: Json, type: string, centerText: string, centerNumber: number | undefined, power: number, path: string): Json {
  const compare = f.compare;
  let c: Json;
  switch (compare.fn) {
    case "absDiff": {
      if (type !== "double" || centerNumber === undefined)
        return cannotConvert(`ClusteringField[@field=${f.field}]`, "absDiff of a non-number is not converted", path);
      c = { "m.abs": { "-": [x, literal(centerNumber, "double").expr] } };
      break;
    }
    case "delta":
    case "equal": {
      const y =
        type === "double" && centerNumber !== undefined
          ? literal(centerNumber, "double").expr
          : typedLiteral(centerText, type === "double" ? "double" : "string", "Cluster center").expr;
      const same = compare.fn === "delta" ? [{ double: 0 }, { double: 1 }] : [{ double: 1 }, { double: 0 }];
      c = { if: { "==": [x, y] }, then: same[0], else: same[1] };
      break;
    }
    default:
      return cannotConvert(`ClusteringField@compareFunction=${compare.fn}`, "not converted", f.path);
  }
  // Math.pow(c, power), then the field weight (JPMML's order).
  const powered: Json = { "**": [c, literal(power, "double").expr] };
  return f.fieldWeight === 1 ? powered : { "*": [powered, literal(f.fieldWeight, "double").expr] };
}
