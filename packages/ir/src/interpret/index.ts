import type { Pipeline } from "../pipeline.ts";
import type { Value } from "../values.ts";
import { DEFAULT_LIMITS, type Limits } from "../limits.ts";
import { PipelineScope, indexPipeline, type InputRow, type PipelineIndex } from "./scope.ts";
import { runModel } from "./model.ts";

export type { InputRow } from "./scope.ts";
export { runModel, evaluateFamily, type ModelRun } from "./model.ts";
export { ModelScope, PipelineScope, classifyInput, prepareInput, inInterval } from "./scope.ts";
export { evaluateExpr } from "./expression.ts";
export { evaluatePredicate } from "./predicate.ts";

/** A pipeline with its lookup tables built once, for scoring many rows. */
export interface PreparedPipeline {
  pipeline: Pipeline;
  index: PipelineIndex;
  /** What scoring one row may spend (regexSteps for PMML matches/replace). */
  limits: Readonly<Limits>;
}

export function preparePipeline(pipeline: Pipeline, limits: Readonly<Limits> = DEFAULT_LIMITS): PreparedPipeline {
  return { pipeline, index: indexPipeline(pipeline), limits };
}

/**
 * The reference evaluator: scores one row. Returns the target field(s) with their predicted
 * value and every OutputField of the top-level model, by name.
 */
export function interpret(pipeline: Pipeline | PreparedPipeline, row: InputRow): Record<string, Value> {
  const prepared = "index" in pipeline ? pipeline : preparePipeline(pipeline);
  const root = new PipelineScope(prepared.pipeline, row, prepared.index, prepared.limits);
  root.setTopModel(prepared.pipeline.model);
  const run = runModel(prepared.pipeline.model, root, root);
  const result: Record<string, Value> = {};
  if (run.target.name !== null) result[run.target.name] = run.result.value;
  for (const [name, value] of run.outputs) result[name] = value;
  return result;
}
