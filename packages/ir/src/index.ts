export * from "./errors.ts";
export * from "./limits.ts";
export * from "./phases.ts";
export { compileSafeRegex, REGEX_STEPS_PER_MS, type SafeRegex, type RegexMatch } from "./regex.ts";
export * from "./values.ts";
export * from "./fields.ts";
export * from "./expr.ts";
export { getBuiltin, builtinNames, InvalidResult } from "./functions/index.ts";
export type { BuiltinFunction } from "./functions/index.ts";
export { PFA_FUNCTION_PREFIX, PFA_RAISES, pfaRuntimeError, type PfaRaise } from "./functions/pfa.ts";
export { pfaRint, pfaStringOrder } from "./functions/pfa-kernels.ts";
export * from "./predicate.ts";
export * from "./model.ts";
export * from "./pipeline.ts";
export * from "./models/tree.ts";
export * from "./models/tree-table.ts";
export * from "./models/regression.ts";
export * from "./models/mining.ts";
export * from "./models/scorecard.ts";
export * from "./models/association.ts";
export { resultOutputFields } from "./interpret/mining.ts";
export * from "./models/general-regression.ts";
export * from "./models/neural-network.ts";
export * from "./models/support-vector-machine.ts";
export * from "./models/comparison-measure.ts";
export * from "./models/clustering.ts";
export * from "./models/rule-set.ts";
export * from "./models/naive-bayes.ts";
export * from "./models/nearest-neighbor.ts";
export * from "./models/bayesian-network.ts";
export * from "./models/gaussian-process.ts";
export * from "./models/baseline.ts";
export * from "./models/time-series.ts";
export * from "./models/anomaly-detection.ts";
export * from "./models/program.ts";
export * from "./models/program-json.ts";
// Lowered family plans: the row-independent rules every backend reads (ARCHITECTURE.md "Lowered plans").
export * from "./lower/index.ts";
export {
  interpret,
  preparePipeline,
  runModel,
  evaluateFamily,
  evaluateExpr,
  evaluatePredicate,
  ModelScope,
  PipelineScope,
  classifyInput,
  prepareInput,
  inInterval,
} from "./interpret/index.ts";
export type { InputRow, PreparedPipeline, ModelRun } from "./interpret/index.ts";
export { targetDefaultValue, targetPriors, toCategory, type TargetInfo } from "./interpret/target.ts";
export { treeNodeResult } from "./interpret/tree.ts";
export { neuralNetworkResult } from "./interpret/neural-network.ts";
export { clusteringResult } from "./interpret/clustering.ts";
export { generalRegressionResult } from "./interpret/general-regression.ts";
export { svmResult } from "./interpret/support-vector-machine.ts";
export { normalizeClassification, normalizeRegression, regressionPlan, regressionResult } from "./interpret/regression.ts";
export { prepareTextIndex, compileTextRegex, MAX_LEVENSHTEIN_DISTANCE } from "./interpret/text-index.ts";
export { normalCdf, erf, erfc } from "./interpret/normal.ts";
export { averagePathLength } from "./interpret/anomaly-detection.ts";
// One correctly rounded exp (both names are the same function); expReference is its slow path, for tests and benchmarks.
export { exp as correctlyRoundedExp, exp as exactExp, expReference } from "./interpret/exp.ts";
