import type { AnomalyDetectionModel } from "@porta/ir";
import { averagePathLength } from "@porta/ir";
import { type Json, cannotConvert, lift, literal } from "../code.ts";
import type { Env } from "../fields.ts";
import { convertModel, type Conversion } from "./index.ts";
import type { ModelCode } from "./result.ts";

/**
 * AnomalyDetectionModel (PMML 4.4 §AnomalyDetectionModel), as the interpreter's
 * evaluateAnomalyDetection: the embedded model converted in a scope of its own, its numeric
 * prediction then the anomaly score: an isolation forest's mean path length E(h) becomes
 * 2^(−E(h) / c(sampleDataSize)) (Math.pow, as PFA's **), a one-class SVM's (or another model's)
 * decision value is the score itself; a missing prediction is a missing score.
 * clusterMeanDist is not converted.
 */
export function convertAnomalyDetection(model: AnomalyDetectionModel, env: Env, cx: Conversion): ModelCode {
  const inner = convertModel(model.model, env, true, cx).code.value;
  if (inner.type !== "double" && inner.type !== "int") {
    return cannotConvert("AnomalyDetectionModel", `an embedded model whose prediction is not a number (${inner.type}) is not converted`, model.path);
  }
  switch (model.algorithmType) {
    case "iforest": {
      if (model.sampleDataSize === undefined) return cannotConvert("AnomalyDetectionModel@sampleDataSize", "an isolation forest needs it", model.path);
      const cn = literal(averagePathLength(model.sampleDataSize), "double").expr;
      const score = lift(cx.block, [inner], ([depth]) => ({
        expr: { "**": [{ double: 2 }, { "/": [{ "u-": depth!.expr }, cn] }] } as Json,
        type: "double",
        nullable: false,
      }));
      return { value: cx.block.bind(score, "anomaly") };
    }
    case "ocsvm":
    case "other":
      return {
        value:
          inner.type === "int"
            ? cx.block.bind(
                lift(cx.block, [inner], ([v]) => ({ expr: { upcast: v!.expr, as: "double" }, type: "double", nullable: false })),
                "anomaly",
              )
            : inner,
      };
    case "clusterMeanDist":
      return cannotConvert("AnomalyDetectionModel@algorithmType=clusterMeanDist", "not converted", model.path);
  }
}
