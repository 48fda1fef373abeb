import { DEFAULT_LIMITS, type Pipeline } from "@porta/ir";
import { CompiledScorer, type CompiledPipeline } from "@porta/compile-js";
import { checkRowDepth, rowErrorOf, type BatchOptions, type BatchResult, type FieldInfo, type Model, type RowError, type ScoreResult } from "./model.ts";
import { rowDepthError } from "@porta/backend";
import { PmmlModel } from "./pmml-model.ts";

const EMPTY_ROW: Readonly<Record<string, unknown>> = Object.freeze({});

/** What a model says about itself: families and fields. */
export interface ModelFacts {
  modelTypes: string[];
  inputFields: FieldInfo[];
  outputFields: FieldInfo[];
  /** The document's notices (pipeline.notices), kept with a cached artifact. */
  notices?: string[];
  /** The usageType="group" field (absent in artifacts written before it was recorded). */
  groupField?: string;
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
  readonly groupField?: string;
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
    this.groupField = facts.groupField;
  }

  score(row: Readonly<Record<string, unknown>>): ScoreResult {
    checkRowDepth(row);
    const { results, errors } = this.scorer.scoreRows([row]);
    if (errors[0]) throw errors[0];
    return results[0]!;
  }

  scoreBatch(rows: readonly Readonly<Record<string, unknown>>[], options: BatchOptions = {}): BatchResult {
    const tooDeep = this.tooDeepRows(rows, options);
    // Rows nested too deep never reach the kernel's encoder (it would recurse into them).
    const scored = tooDeep.size === 0 ? rows : rows.map((row, i) => (tooDeep.has(i) ? EMPTY_ROW : row));
    const { results, errors } = this.scorer.scoreRows(scored);
    const collected: RowError[] = [];
    for (let i = 0; i < rows.length; i++) {
      const e = tooDeep.get(i) ?? errors[i];
      if (!e) continue;
      if (options.onError !== "collect") throw e;
      results[i] = null;
      collected.push(rowErrorOf(i, e));
    }
    return { results, errors: collected };
  }

  private tooDeepRows(rows: readonly Readonly<Record<string, unknown>>[], options: BatchOptions): Map<number, Error> {
    const limit = options.rowDepth ?? DEFAULT_LIMITS.rowDepth;
    const found = new Map<number, Error>();
    for (let i = 0; i < rows.length; i++) {
      const error = rowDepthError(rows[i], limit);
      if (error) found.set(i, error);
    }
    return found;
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
