import type { ModelNode } from "@porta/ir";
import type { FamilyRow, KernelContext } from "../kernel.ts";
import type { TargetFacts } from "../targets.ts";
import { modelElementName } from "@porta/backend";
import { NotCompilable } from "../unsupported.ts";
import { compileTree } from "./tree.ts";
import { compileRegression } from "./regression.ts";
import { compileMining } from "./mining.ts";
import { compileNeuralNetwork } from "./neural-network.ts";
import { compileSvm } from "./support-vector-machine.ts";
import { compileGeneralRegression } from "./general-regression.ts";
import { compileClustering } from "./clustering.ts";
import { compileRuleSet } from "./rule-set.ts";
import { compileScorecard } from "./scorecard.ts";
import { compileNaiveBayes } from "./naive-bayes.ts";
import { compileNearestNeighbor } from "./nearest-neighbor.ts";
import { compileAnomalyDetection } from "./anomaly-detection.ts";

/** Compiles one model element's own evaluation (before Targets and Output) in its scope `ctx`. */
export function compileFamily(model: ModelNode, ctx: KernelContext, target: TargetFacts): FamilyRow {
  // mathContext="float" (JPMML's FloatValue): the tree leaves, regression tables and links,
  // regression MiningModel aggregation and Targets round every operation to float, exactly where
  // the interpreter does (each family reads model.mathContext); the interpreter computes the
  // other families in double whatever the attribute says, and so do their compiled forms.
  switch (model.kind) {
    case "tree":
      return compileTree(model, ctx, target);
    case "regression":
      return compileRegression(model, ctx, target);
    case "mining":
      return compileMining(model, ctx, target);
    case "neuralNetwork":
      return compileNeuralNetwork(model, ctx, target);
    case "svm":
      return compileSvm(model, ctx, target);
    case "generalRegression":
      return compileGeneralRegression(model, ctx, target);
    case "clustering":
      return compileClustering(model, ctx, target);
    case "ruleSet":
      return compileRuleSet(model, ctx, target);
    case "scorecard":
      return compileScorecard(model, ctx, target);
    case "naiveBayes":
      return compileNaiveBayes(model, ctx, target);
    case "nearestNeighbor":
      return compileNearestNeighbor(model, ctx, target);
    case "anomalyDetection":
      return compileAnomalyDetection(model, ctx, target);
    case "association":
    case "bayesianNetwork":
    case "gaussianProcess":
    case "baseline":
    case "timeSeries":
      throw new NotCompilable(modelElementName(model.kind));
    case "program":
      throw new NotCompilable("PFA programs");
    default: {
      const never: never = model;
      throw new NotCompilable(modelElementName((never as { kind: string }).kind));
    }
  }
}
