import { averagePathLength, type AnomalyDetectionModel } from "@porta/ir";
import { _, type Code } from "../codegen.ts";
import type { FamilyRow, KernelContext } from "../kernel.ts";
import { targetsCode, type TargetFacts } from "../targets.ts";
import { NotCompilable } from "../unsupported.ts";
import { compileFamily } from "./family.ts";

/**
 * AnomalyDetectionModel (the interpreter's evaluateAnomalyDetection): the embedded model runs in
 * a scope of its own, with its Targets and its OutputFields (computed, for their errors, and not
 * passed on); its numeric prediction becomes the anomaly score: an isolation forest's mean path
 * length h as 2^(−h / c(sampleDataSize)), a one-class SVM's (or another model's) value as it is.
 * A missing prediction gives a missing score.
 */
export function compileAnomalyDetection(model: AnomalyDetectionModel, ctx: KernelContext, _target: TargetFacts): FamilyRow {
  const m = model.model;
  const sctx = ctx.nested(m);
  const st = sctx.targetOf(m);
  const row = compileFamily(m, sctx, st);
  if (row.kind !== "number") throw new NotCompilable("AnomalyDetectionModel around a categorical model");
  const post = targetsCode(m, row, st, ctx.names, (kind) => ctx.fail(kind));
  const outputs = sctx.modelOutputs(m, row, st);
  const value = ctx.names.name("value");
  let score: Code;
  switch (model.algorithmType) {
    case "iforest": {
      if (model.sampleDataSize === undefined) throw new NotCompilable("AnomalyDetectionModel iforest without sampleDataSize");
      // c(n) is row-independent: folded here, with the interpreter's own function.
      score = _`Math.pow(2, -${row.value} / ${averagePathLength(model.sampleDataSize)})`;
      break;
    }
    case "ocsvm":
    case "other":
      score = _`${row.value}`;
      break;
    case "clusterMeanDist":
      throw new NotCompilable("AnomalyDetectionModel algorithmType=clusterMeanDist");
    default: {
      const never: never = model.algorithmType;
      throw new NotCompilable(`AnomalyDetectionModel algorithmType=${String(never)}`);
    }
  }
  const body = _`${row.body}
${post}
${outputs.code}
const ${value} = ${row.value} !== ${row.value} ? NaN : ${score};`;
  return { prepass: row.prepass, body, value, kind: "number" };
}
