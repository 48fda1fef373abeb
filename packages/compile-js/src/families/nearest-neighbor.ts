import { compareValues, lowerNearestNeighbor, parseNumber, type NearestNeighborModel, type Value } from "@porta/ir";
import { _, join, type Code } from "../codegen.ts";
import { MISSING_CODE } from "../columns.ts";
import type { FamilyRow, KernelContext } from "../kernel.ts";
import type { TargetFacts } from "../targets.ts";
import { NotCompilable } from "../unsupported.ts";
import { compileAdjustment, compileDistance } from "./comparison-measure.ts";
import { planOrRefuse } from "./plan.ts";
import { knnRank } from "./knn-rank.ts";

/**
 * NearestNeighborModel with a distance measure over numeric double inputs: per training instance
 * the lowered plan's distance (comparison-measure.ts), ranked by knnRank (the interpreter's stable sort), the k nearest scored by
 * average/median/weightedAverage or (weighted) majority vote with the interpreter's tie rules.
 */
export function compileNearestNeighbor(model: NearestNeighborModel, ctx: KernelContext, target: TargetFacts): FamilyRow {
  const plan = planOrRefuse("NearestNeighborModel", () => lowerNearestNeighbor(model));
  const cmp = plan.comparison;
  if (cmp.kind === "similarity") throw new NotCompilable(`NearestNeighborModel similarity measure ${cmp.measure}`);
  if (model.targets.length > 0) throw new NotCompilable("NearestNeighborModel with Targets");
  const pipeline = ctx.pipeline;
  const plainDouble = (name: string): void => {
    const df = pipeline.dataFields.find((f) => f.name === name);
    const mf = model.miningSchema.find((f) => f.name === name);
    if (df?.dataType !== "double" || df.validValues.length > 0 || df.invalidValues.length > 0 || df.intervals.length > 0) {
      throw new NotCompilable(`KNN field "${name}" that is not a plain double DataField`);
    }
    if (!mf || mf.missingValueReplacement !== undefined || mf.outliers !== "asIs") throw new NotCompilable(`KNN field "${name}" with MiningField treatments`);
  };
  const column = (name: string): string => {
    const c = plan.columns.get(name);
    if (c === undefined) throw new NotCompilable(`KNN field "${name}" not in the InstanceFields`);
    return c;
  };
  const fields = cmp.fields;
  const F = fields.length;
  const N = model.rows.length;
  if (N === 0) throw new NotCompilable("NearestNeighborModel without training instances");
  const xs = fields.map((f) => {
    plainDouble(f.field);
    const col = ctx.column(f.field);
    if (col.kind !== "number") throw new NotCompilable("KNNInput on a string field");
    return col;
  });
  const train = new Float64Array(N * F);
  fields.forEach((f, q) => {
    const c = column(f.field);
    model.rows.forEach((row, r) => {
      const y = row[c] === undefined ? undefined : parseNumber(row[c]);
      if (y === undefined || Number.isNaN(y)) throw new NotCompilable("missing or non-numeric training value");
      train[r * F + q] = y;
    });
  });
  const ids = [...plan.ids];

  // Outputs this family answers: entityId of rank 1 and the prediction's own features.
  for (const o of model.output) {
    if (o.segmentId !== undefined) throw new NotCompilable("OutputField segmentId on NearestNeighborModel");
    if ((o.feature === "entityId" || o.feature === "clusterId") && o.rank !== 1) throw new NotCompilable(`${o.feature} rank=${o.rank} of NearestNeighborModel`);
    if (o.feature === "affinity" || o.feature === "entityAffinity" || o.feature === "clusterAffinity")
      throw new NotCompilable(`${o.feature} of NearestNeighborModel`);
  }

  const clustering = model.functionName === "clustering" || target.name === null;
  let continuous: boolean;
  if (clustering) continuous = false;
  else if (model.functionName === "regression") continuous = true;
  else if (model.functionName === "classification") continuous = false;
  else throw new NotCompilable(`NearestNeighborModel functionName=${model.functionName}`);

  const K = Math.min(plan.numberOfNeighbors, N);
  if (plan.numberOfNeighbors > N) throw new NotCompilable("numberOfNeighbors above the training instances");
  if (!(K >= 1)) throw new NotCompilable("numberOfNeighbors below 1");
  const pool = ctx.pool;
  const T = pool.add(train, "knnTrain");
  const D = pool.add(new Float64Array(N), "knnDist");
  const R = pool.add(new Int32Array(K), "knnRank");
  const rank = pool.add(knnRank, "knnRankFn");

  const adjustment = ctx.names.name("adj");
  const j = ctx.names.name("j");
  const d = ctx.names.name("d");
  const xv = xs.map(() => ctx.names.name("x"));
  const statements: Code[] = compileAdjustment(
    cmp,
    xs.map((x) => x.at),
    adjustment,
    ctx,
  );
  statements.push(
    _`${join(
      xs.map((x, q) => _`const ${xv[q]} = ${x.at};`),
      "\n",
    )}`,
  );
  const perInstance = _`${compileDistance(cmp, xv, (q) => _`${T}[${j} * ${F} + ${q}]`, adjustment, d, ctx)} ${D}[${j}] = ${d};`;
  statements.push(_`for (let ${j} = 0; ${j} < ${N}; ${j}++) { ${perInstance} }`);
  statements.push(_`${rank}(${D}, ${N}, ${R});`);
  const entity = ctx.names.name("entity");
  statements.push(_`const ${entity} = ${R}[0];`);

  const value = ctx.names.name("value");
  const s = ctx.names.name("s");
  const weight = (dist: Code): Code => _`(1 / (${dist} + ${plan.threshold}))`;
  if (clustering) {
    // No prediction: compiled only with outputs that read the entity (see the check above).
    for (const o of model.output) {
      if (o.feature !== "entityId" && o.feature !== "clusterId")
        throw new NotCompilable(`OutputField feature=${o.feature} of a clustering NearestNeighborModel`);
    }
    const body = _`let ${value} = ${MISSING_CODE};\n${join(statements, "\n")}\n${value} = ${entity};`;
    return { body, value, kind: "category", categories: ids, entity: { index: value, ids } };
  }
  const targetColumn = column(target.name!);
  if (continuous) {
    plainDouble(target.name!);
    const ys = new Float64Array(N);
    model.rows.forEach((row, r) => {
      const y = row[targetColumn] === undefined ? undefined : parseNumber(row[targetColumn]);
      if (y === undefined || !Number.isFinite(y) || Object.is(y, -0)) throw new NotCompilable("missing, infinite or negative-zero training target");
      ys[r] = y;
    });
    const Y = pool.add(ys, "knnY");
    let score: Code;
    switch (plan.continuousScoringMethod) {
      case "average":
        score = _`let ${s} = 0; for (let ${j} = 0; ${j} < ${K}; ${j}++) ${s} += ${Y}[${R}[${j}]]; ${value} = ${s} / ${K};`;
        break;
      case "median": {
        const S = pool.add(new Float64Array(K), "knnSorted");
        const h = K >> 1;
        const pick = K % 2 === 1 ? _`${S}[${h}]` : _`(${S}[${h - 1}] + ${S}[${h}]) / 2`;
        score = _`for (let ${j} = 0; ${j} < ${K}; ${j}++) { const v = ${Y}[${R}[${j}]]; let p = ${j}; while (p > 0 && ${S}[p - 1] > v) { ${S}[p] = ${S}[p - 1]; p--; } ${S}[p] = v; } ${value} = ${pick};`;
        break;
      }
      case "weightedAverage":
        // 0/0 (every neighbour at an infinite or NaN distance) is a present NaN in the
        // interpreter's result, which a compiled number column cannot tell from missing.
        throw new NotCompilable("NearestNeighborModel continuousScoringMethod=weightedAverage");
    }
    const body = _`let ${value} = NaN;\n${join(statements, "\n")}\n${score}`;
    return { body, value, kind: "number", entity: { index: entity, ids } };
  }
  // Categorical target: string DataField without treatments.
  const df = pipeline.dataFields.find((f) => f.name === target.name);
  const mf = model.miningSchema.find((f) => f.name === target.name);
  if (df?.dataType !== "string" || df.invalidValues.length > 0) throw new NotCompilable("KNN categorical target that is not a string DataField");
  if (!mf || mf.missingValueReplacement !== undefined) throw new NotCompilable("KNN target with MiningField treatments");
  const categories: Value[] = [];
  const codes = new Int32Array(N);
  const counts: number[] = [];
  model.rows.forEach((row, r) => {
    const y = row[targetColumn];
    if (y === undefined) throw new NotCompilable("training instance without a target value");
    if (df.validValues.length > 0 && !df.validValues.includes(y)) throw new NotCompilable("training target outside the declared values");
    let k = categories.indexOf(y);
    if (k < 0) {
      k = categories.length;
      categories.push(y);
      counts.push(0);
    }
    counts[k]++;
    codes[r] = k;
  });
  const C = categories.length;
  // Tie priority: most training cases, then the smallest value (compareValues).
  const order = categories.map((_c, k) => k).sort((a, b) => counts[b] - counts[a] || compareValues(categories[a], categories[b]));
  const priority = new Int32Array(C);
  order.forEach((k, p) => {
    priority[k] = p;
  });
  const Yc = pool.add(codes, "knnClass");
  const P = pool.add(priority, "knnPriority");
  const V = pool.add(new Float64Array(C), "knnVotes");
  const seen = pool.add(new Uint8Array(C), "knnSeen");
  const weighted = plan.categoricalScoringMethod === "weightedMajorityVote";
  const max = ctx.names.name("max");
  const best = ctx.names.name("bestPriority");
  const score = _`${V}.fill(0); ${seen}.fill(0);
for (let ${j} = 0; ${j} < ${K}; ${j}++) { const c = ${Yc}[${R}[${j}]]; ${V}[c] += ${weighted ? weight(_`${D}[${R}[${j}]]`) : 1}; ${seen}[c] = 1; }
let ${max} = -Infinity; for (let ${j} = 0; ${j} < ${C}; ${j}++) if (${seen}[${j}] === 1 && ${V}[${j}] > ${max}) ${max} = ${V}[${j}];
let ${best} = ${C}; for (let ${j} = 0; ${j} < ${C}; ${j}++) if (${seen}[${j}] === 1 && ${V}[${j}] === ${max} && ${P}[${j}] < ${best}) { ${best} = ${P}[${j}]; ${value} = ${j}; }
if (${best} === ${C}) { ${ctx.fail({ code: "PMML_UNDEFINED_RESULT", message: "no neighbour has a usable vote weight", path: model.path })} }`;
  const body = _`let ${value} = ${MISSING_CODE};\n${join(statements, "\n")}\n${score}`;
  // Votes are no distribution: the interpreter's result carries no probabilities.
  return { body, value, kind: "category", categories, noDistribution: true, entity: { index: entity, ids } };
}
