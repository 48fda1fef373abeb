import {
  pipelineFacts,
  refuse,
  rowsFromBatch,
  scoreRowsEach,
  scoredBatchFromResults,
  type Backend,
  type Batch,
  type ModelFacts,
  type RowsOutcome,
  type ScoredBatch,
  type ScoreResult,
  type Session,
} from "@porta/backend";
import { interpret, preparePipeline, PROGRAM_REFUSAL, type Limits, type Pipeline, type PreparedPipeline } from "@porta/ir";

/** The reference interpreter over one prepared pipeline: rows one by one. */
export class InterpreterSession implements Session {
  readonly backend = "interp";
  readonly facts: ModelFacts;
  private readonly prepared: PreparedPipeline;
  private readonly finalNames: string[];

  constructor(pipeline: Pipeline, limits: Limits) {
    this.prepared = preparePipeline(pipeline, limits);
    this.facts = pipelineFacts(pipeline);
    this.finalNames = this.facts.outputFields.map((f) => f.name);
  }

  /** One row: the final result fields the interpreter produced. */
  scoreRow(row: Readonly<Record<string, unknown>>): ScoreResult {
    const all = interpret(this.prepared, row);
    const result: ScoreResult = {};
    for (const name of this.finalNames) if (name in all) result[name] = all[name];
    return result;
  }

  scoreRows(rows: readonly Readonly<Record<string, unknown>>[]): RowsOutcome {
    return scoreRowsEach(rows, (row) => this.scoreRow(row));
  }

  runSync(batch: Batch): ScoredBatch {
    const { results, errors } = this.scoreRows(rowsFromBatch(batch));
    return scoredBatchFromResults(this.finalNames, results, errors);
  }

  async run(batch: Batch): Promise<ScoredBatch> {
    return this.runSync(batch);
  }
}

/** The reference interpreter as a backend: it scores every PMML pipeline the reader accepts. */
export const interpreterBackend: Backend = {
  name: "interp",
  description: "reference interpreter: every construct Porta reads, row by row",
  sync: true,
  formats: ["pmml"],
  compile(plan) {
    if (plan.format !== "pmml") return refuse("reads PMML pipelines; PFA documents are scored by their own engine");
    if (plan.pipeline.model.kind === "program") return refuse(PROGRAM_REFUSAL);
    return new InterpreterSession(plan.pipeline, plan.limits);
  },
};
