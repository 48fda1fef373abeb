import { isPortaError, type Pipeline } from "@porta/ir";
import { CompiledScorer, type CompiledPipeline } from "@porta/compile-js";
import type { BatchResult, FieldInfo, Model, RowErrorPolicy, ScoreResult } from "./model.ts";
import { PmmlModel } from "./pmml-model.ts";

/** What a model says about itself: families and fields. */
export interface ModelFacts {
  modelTypes: string[];
  inputFields: FieldInfo[];
  outputFields: FieldInfo[];
  /** The document's notices (pipeline.notices), kept with a cached artifact. */
  notices?: string[];
}

/**
 * A PMML model scored by compile-js's generated kernel. Interface facts (fields, model types)
 * come from the reference PmmlModel, so both backends describe the model identically.
 */
export class CompiledPmmlModel implements Model {
  readonly format = "pmml" as const;
  readonly backend = "js" as const;
  readonly modelTypes: string[];
  readonly inputFields: FieldInfo[];
  readonly outputFields: FieldInfo[];
  readonly notices: string[] = [];
  private readonly scorer: CompiledScorer;

  /**
   * @param facts the model's interface, normally the reference PmmlModel itself; a model loaded
   *   from the artifact cache gets them from the artifact and has no `pipeline`.
   */
  constructor(readonly pipeline: Pipeline | undefined, readonly compiled: CompiledPipeline, facts: ModelFacts = new PmmlModel(pipeline!)) {
    this.scorer = new CompiledScorer(compiled);
    this.modelTypes = facts.modelTypes;
    this.inputFields = facts.inputFields;
    this.outputFields = facts.outputFields;
    this.notices.push(...(facts.notices ?? []));
  }

  score(row: Readonly<Record<string, unknown>>): ScoreResult {
    const { results, errors } = this.scorer.scoreRows([row]);
    if (errors[0]) throw errors[0];
    return results[0]!;
  }

  scoreBatch(rows: readonly Readonly<Record<string, unknown>>[], options: { onError?: RowErrorPolicy } = {}): BatchResult {
    const { results, errors } = this.scorer.scoreRows(rows);
    const collected: BatchResult["errors"] = [];
    for (let i = 0; i < rows.length; i++) {
      const e = errors[i];
      if (!e) continue;
      if (options.onError !== "collect") throw e;
      collected.push({ row: i, code: isPortaError(e) ? e.code : "INTERNAL", message: e.toOneLine() });
    }
    return { results, errors: collected };
  }

  /**
   * Scores ready columns (Float64Array per numeric input, dictionary codes per string input;
   * `compiled.inputs` gives the order). Throws the first row's evaluation error, if any row has
   * one; `scoreColumnsWithErrors` reports them per row instead.
   */
  scoreColumns(n: number, inputs: readonly (Float64Array | Int32Array)[]): (Float64Array | Int32Array)[] {
    const { outputs, rowErrors } = this.scorer.runWithErrors(n, inputs);
    const bad = rowErrors.findIndex((k) => k !== 0);
    if (bad >= 0) throw this.scorer.rowError(rowErrors[bad], bad);
    return outputs;
  }

  /** Like scoreColumns; `rowErrors[i]` is non-zero for a row that failed (see `rowError`). */
  scoreColumnsWithErrors(n: number, inputs: readonly (Float64Array | Int32Array)[]): { outputs: (Float64Array | Int32Array)[]; rowErrors: Int32Array } {
    return this.scorer.runWithErrors(n, inputs);
  }
}
