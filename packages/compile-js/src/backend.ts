import {
  categoryColumn,
  numberColumn,
  pipelineFacts,
  refuse,
  type Backend,
  type Batch,
  type Column,
  type ModelFacts,
  type RowsOutcome,
  type ScoredBatch,
  type Session,
  type SessionArtifact,
} from "@porta/backend";
import { EvaluationError, preparePipeline, type Value } from "@porta/ir";
import { compilePipeline, type CompiledPipeline } from "./compile.ts";
import { encodeBatch } from "./columns.ts";
import { CompiledScorer } from "./scorer.ts";
import { deserializeCompiled, serializeCompiled } from "./serialize.ts";
import { NotCompilable } from "./unsupported.ts";

/** A pipeline compiled to a generated kernel: rows and batches scored synchronously. */
export class CompiledSession implements Session {
  readonly backend = "js";
  readonly scorer: CompiledScorer;

  constructor(
    readonly compiled: CompiledPipeline,
    readonly facts: ModelFacts,
  ) {
    this.scorer = new CompiledScorer(compiled);
  }

  scoreRows(rows: readonly Readonly<Record<string, unknown>>[]): RowsOutcome {
    return this.scorer.scoreRows(rows);
  }

  runSync(batch: Batch): ScoredBatch {
    const n = batch.length;
    const errors: (EvaluationError | undefined)[] = new Array(n);
    const texts: (string[] | undefined)[] = new Array(this.compiled.inputs.length);
    const inputs = encodeBatch(this.compiled.inputs, batch, errors, texts);
    const { outputs, rowErrors } = this.scorer.runWithErrors(n, inputs, texts);
    for (let i = 0; i < n; i++) if (rowErrors[i] !== 0 && !errors[i]) errors[i] = this.scorer.rowError(rowErrors[i], i);
    const columns = new Map<string, Column>();
    this.compiled.outputs.forEach((o, k) => {
      if (o.hidden) return;
      const present = o.presence === undefined ? undefined : outputs[o.presence];
      const cells = outputs[k];
      const absent = (i: number): boolean => errors[i] !== undefined || (present !== undefined && present[i] === 0);
      if (o.decode.kind === "number" && (o.dataType === undefined || o.dataType === "double" || o.dataType === "float")) {
        const values = new Float64Array(n);
        for (let i = 0; i < n; i++) values[i] = absent(i) ? NaN : cells[i];
        columns.set(o.name, numberColumn(values));
        return;
      }
      // Texts, tables and casts: decode cell by cell through the row API's decoder (a cast that
      // fails fails the row, as in the row API).
      const texts: (string | null)[] = new Array(n);
      const values: Value[] = new Array(n);
      let allText = true;
      for (let i = 0; i < n; i++) {
        let v: Value = null;
        if (!absent(i)) {
          try {
            v = this.scorer.decodeCell(o, cells[i]);
          } catch (e) {
            if (!(e instanceof EvaluationError)) throw e;
            errors[i] = e;
          }
        }
        values[i] = v;
        if (v !== null && typeof v !== "string") allText = false;
        texts[i] = v as string | null;
      }
      columns.set(o.name, allText ? categoryColumn(texts) : { kind: "value", values });
    });
    return { length: n, columns, errors };
  }

  async run(batch: Batch): Promise<ScoredBatch> {
    return this.runSync(batch);
  }

  /** Stops the scorer's worker threads, if large batches started them. */
  async dispose(): Promise<void> {
    await this.scorer.close();
  }

  artifact(): SessionArtifact | undefined {
    return serializeCompiled(this.compiled);
  }
}

/** compile-js as a backend: PMML pipelines it can generate code for; refuses with the construct otherwise. */
export const compileJsBackend: Backend = {
  name: "js",
  description: "compile-js: the pipeline as generated vectorized JavaScript",
  sync: true,
  formats: ["pmml"],
  compile(plan) {
    if (plan.format !== "pmml") return refuse("PFA documents are not lowered into the IR yet");
    // The interpreter's preparation validates the document (cycles, references) with its errors.
    preparePipeline(plan.pipeline, plan.limits);
    try {
      return new CompiledSession(compilePipeline(plan.pipeline), pipelineFacts(plan.pipeline));
    } catch (e) {
      if (e instanceof NotCompilable) return refuse(e.message);
      throw e;
    }
  },
  restore(artifact, facts) {
    return new CompiledSession(deserializeCompiled(artifact), facts);
  },
};
