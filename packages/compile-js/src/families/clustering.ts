import { isSimilarityMeasure, parseNumber, type ClusteringModel, type Value } from "@porta/ir";
import { _, join, type Code } from "../codegen.ts";
import { MISSING_CODE } from "../columns.ts";
import { type FamilyRow, type KernelContext } from "../kernel.ts";
import type { TargetFacts } from "../targets.ts";
import { NotCompilable } from "../unsupported.ts";

/**
 * Center-based ClusteringModel with a distance measure, as the interpreter's evaluateClustering
 * and comparison-measure.ts step by step: per field c = compare(x, center), c^power (Math.pow),
 * × fieldWeight unless 1, summed in field order skipping missing inputs, × the missing-value
 * adjustment, then the outer root. The nearest cluster wins, the first on ties.
 */
export function compileClustering(model: ClusteringModel, ctx: KernelContext, _target: TargetFacts): FamilyRow {
  const cm = model.measure;
  const m = cm.measure;
  if (isSimilarityMeasure(m)) throw new NotCompilable(`ClusteringModel similarity measure ${m.kind}`);
  let inner: number, outer: number;
  switch (m.kind) {
    case "euclidean": inner = outer = 2; break;
    case "squaredEuclidean": inner = 2; outer = 1; break;
    case "chebychev": case "cityBlock": inner = outer = 1; break;
    case "minkowski":
      if (!(m.p >= 0)) throw new NotCompilable("minkowski with a negative p");
      inner = outer = m.p;
      break;
  }
  const fields = model.fields.filter((f) => f.isCenterField);
  const xs = fields.map((f) => {
    const col = ctx.column(f.field);
    if (col.kind !== "number") throw new NotCompilable("ClusteringField on a string field");
    return col;
  });
  const weights = model.missingValueWeights;
  if (weights && weights.length < fields.length) throw new NotCompilable("MissingValueWeights shorter than the ClusteringFields");
  let total = 0;
  for (let q = 0; q < fields.length; q++) total += weights ? weights[q] : 1;
  const present = ctx.names.name("present");
  const adjustment = ctx.names.name("adj");
  const statements: Code[] = [_`let ${present} = 0;`];
  fields.forEach((_f, q) => statements.push(_`if (${xs[q].at} === ${xs[q].at}) ${present} += ${weights ? weights[q] : 1};`));
  if (m.kind === "chebychev") {
    const seen = xs.map((x) => _`${x.at} === ${x.at}`);
    statements.push(_`if (!(${join(seen, " || ")})) { ${ctx.fail({ code: "PMML_UNDEFINED_DISTANCE", message: "chebychev: every field of the comparison is missing", path: cm.path })} }`);
  }
  statements.push(_`const ${adjustment} = ${total} / ${present};`);
  const ids = model.clusters.map((c) => c.id);
  const distances = model.clusters.map(() => ctx.names.name("dist"));
  model.clusters.forEach((cluster, k) => {
    if (cluster.center.length !== fields.length) throw new NotCompilable("Cluster center of another length than the ClusteringFields");
    const terms = fields.map((f, q) => {
      const y = parseNumber(cluster.center[q]);
      if (y === undefined) throw new NotCompilable("non-numeric Cluster center");
      const x = _`${xs[q].at}`;
      const fn = f.compareFunction ?? cm.compareFunction;
      let c: Code;
      switch (fn) {
        case "absDiff": c = _`Math.abs(${x} - ${y})`; break;
        case "gaussSim": {
          const s = f.similarityScale;
          if (s === undefined) throw new NotCompilable("gaussSim without similarityScale");
          c = _`${ctx.helper("exp")}((-Math.log(2) * (${x} - ${y}) * (${x} - ${y})) / (${s} * ${s}))`;
          break;
        }
        case "delta": c = _`(${x} === ${y} ? 0 : 1)`; break;
        case "equal": c = _`(${x} === ${y} ? 1 : 0)`; break;
        default: throw new NotCompilable(`compareFunction=${fn}`);
      }
      const powered = _`Math.pow(${c}, ${inner})`;
      return { x, term: f.fieldWeight === 1 ? powered : _`${powered} * ${f.fieldWeight}` };
    });
    const d = distances[k];
    if (m.kind === "chebychev") {
      statements.push(_`let ${d} = -Infinity; ${join(terms.map(({ x, term }) => _`if (${x} === ${x}) { const t = ${term}; if (t > ${d} || t !== t) ${d} = t; }`), " ")} ${d} = ${d} * ${adjustment};`);
    } else {
      const adjusted = _`${d} * ${adjustment}`;
      const root = outer === 1 ? adjusted : outer === 0 ? _`${ctx.helper("exp")}(${adjusted})` : _`Math.pow(${adjusted}, 1 / ${outer})`;
      statements.push(_`let ${d} = 0; ${join(terms.map(({ x, term }) => _`if (${x} === ${x}) ${d} += ${term};`), " ")} ${d} = ${root};`);
    }
  });
  const value = ctx.names.name("value");
  const best = ctx.names.name("best");
  const categories: Value[] = ids;
  const body = _`let ${value} = ${MISSING_CODE};
${join(statements, "\n")}
let ${best} = NaN;
${join(distances.map((d, k) => _`if (${k === 0 ? _`true` : _`${d} < ${best}`}) { ${value} = ${k}; ${best} = ${d}; }`), "\n")}`;
  return {
    body, value, kind: "category", categories,
    entity: { index: value, ids },
    displayValues: model.clusters.map((c) => c.name ?? null),
    affinities: { locals: distances, ids, missing: "Infinity" },
  };
}
