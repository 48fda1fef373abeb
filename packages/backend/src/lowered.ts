/**
 * Documents of another format lowered into the IR (PFA → pipeline): what a lowering backend
 * hands the IR backends, and the session that puts the document's own row shape in front of a
 * session compiled from the lowered pipeline.
 *
 * The lowering is the format package's contribution to the seam (`Backend.lower`, the pfa
 * backend's): the runtime names no format and no backend, and an IR backend (compile-js) never
 * sees the foreign document, only the pipeline it would have read from PMML.
 */
import { EvaluationError } from "@porta/ir/errors";
import type { Pipeline } from "@porta/ir";
import { numberColumn, rowsFromBatch, type Batch, type Column, type ScoredBatch } from "./batch.ts";
import type { ModelFacts, RowsOutcome, Session, SessionArtifact } from "./backend.ts";

/**
 * How a row of the document becomes the pipeline's input fields.
 * - `fields`: the document's input is a record whose fields are the pipeline's DataFields;
 *   `numbers` names those the document types as numbers (`integers`: whole numbers), whose values
 *   must be JS numbers as the document's engine wants them (an IR backend would parse a text).
 * - `array`: the input is one array (`row[name]`) of exactly `fields.length` numbers, element k
 *   the DataField `fields[k]`; another length fails the row with `lengthError`.
 */
export type LoweredInput =
  | { readonly kind: "fields"; readonly numbers: readonly string[]; readonly integers: readonly string[] }
  | {
      readonly kind: "array";
      readonly name: string;
      readonly fields: readonly string[];
      /** The error the document's own engine raises for an array of another length. */
      readonly lengthError: { readonly code: string; readonly message: string; readonly pfaCode?: number };
    };

/** A document lowered into the IR: the pipeline, its input shape, and what to call it. */
export interface LoweredPlan {
  readonly pipeline: Pipeline;
  readonly input: LoweredInput;
  /** The document's own interface (input fields as the document types them), for the session's facts. */
  readonly inputFields: ModelFacts["inputFields"];
  /** e.g. "PFA map": prefixed to the pipeline's model types. */
  readonly origin: string;
  /**
   * What the lowering read (the pfa backend: the checked PFA engine), for tools that know the
   * format (the CLI's row typing and output unwrapping, `porta inspect`); never scored.
   */
  readonly source?: unknown;
}

/** The first field of a record row whose value is not of the number type the document gives it, as the row's error. */
function fieldsError(row: Readonly<Record<string, unknown>>, input: Extract<LoweredInput, { kind: "fields" }>): Error | undefined {
  for (const name of input.numbers) {
    const v = row[name];
    if (v === null || v === undefined) continue; // missing: the pipeline's MiningField fails the row
    if (typeof v !== "number" || (input.integers.includes(name) && !Number.isInteger(v))) {
      return new EvaluationError("PFA_BAD_VALUE", `input field "${name}" must be a ${input.integers.includes(name) ? "whole " : ""}number`, { value: v });
    }
  }
  return undefined;
}

/** The value a lowered session reads for one array element: the number, or a failed row. */
function arrayRow(row: Readonly<Record<string, unknown>>, input: Extract<LoweredInput, { kind: "array" }>): Record<string, unknown> | Error {
  const value = row[input.name];
  if (!Array.isArray(value)) return new EvaluationError("PFA_INPUT", `input "${input.name}" must be an array of numbers`, { value: typeof value });
  if (value.length !== input.fields.length)
    return new EvaluationError(input.lengthError.code, input.lengthError.message, { value: value.length, pfaCode: input.lengthError.pfaCode });
  const out: Record<string, unknown> = {};
  for (let k = 0; k < value.length; k++) {
    if (typeof value[k] !== "number") return new EvaluationError("PFA_INPUT", `input "${input.name}"[${k}] must be a number`, { value: value[k] });
    out[input.fields[k]!] = value[k];
  }
  return out;
}

/** A lowered plan as stored: every field but the pipeline and the source (JSON data: the row shape, the document's fields, …). */
type StoredPlan = Omit<LoweredPlan, "pipeline" | "source">;

/** What a lowered session's artifact keeps beside the IR backend's own: the plan as stored and the inner session's facts. */
interface LoweredMeta {
  readonly plan: StoredPlan;
  readonly facts: ModelFacts;
}

function isStoredPlan(p: unknown): p is StoredPlan {
  if (p === null || typeof p !== "object") return false;
  const plan = p as Partial<StoredPlan>;
  return typeof plan.origin === "string" && Array.isArray(plan.inputFields) && plan.input !== null && typeof plan.input === "object";
}

/** The key of LoweredMeta in a stored artifact's meta (absent: an artifact of a document the backend read itself). */
const LOWERED_META = "lowered";

/**
 * A session restored from a lowered session's artifact (the artifact cache): the IR backend's
 * session rebuilt from its part, in the row shape stored beside it. The pipeline and the source
 * are not stored: `lower` gives them when a tool asks (porta inspect, the CLI's PFA row typing),
 * never on the scoring path. Undefined when the artifact is not a lowered session's.
 */
export function restoreLowered(
  artifact: SessionArtifact,
  restore: (artifact: SessionArtifact, facts: ModelFacts) => Session,
  lower: () => LoweredPlan | undefined,
): LoweredSession | undefined {
  const { [LOWERED_META]: meta, ...innerMeta } = artifact.meta;
  if (meta === null || typeof meta !== "object") return undefined;
  const shape = meta as Partial<LoweredMeta>;
  // written by another build (a checksum guards the bytes, not the layout): compiled again
  if (!isStoredPlan(shape.plan) || shape.facts === null || typeof shape.facts !== "object") throw new Error("a lowered session's artifact of another layout");
  const inner = restore({ code: artifact.code, meta: innerMeta }, shape.facts as ModelFacts);
  let relowered: LoweredPlan | undefined;
  let done = false;
  const again = (): LoweredPlan | undefined => {
    if (!done) {
      done = true;
      try {
        relowered = lower();
      } catch {
        relowered = undefined;
      }
    }
    return relowered;
  };
  const plan: LoweredPlan = {
    ...shape.plan!,
    get pipeline(): Pipeline {
      const p = again()?.pipeline;
      if (!p) throw new Error("the lowered document's pipeline could not be rebuilt");
      return p;
    },
    get source(): unknown {
      return again()?.source;
    },
  };
  return new LoweredSession(inner, plan);
}

/**
 * A session of a lowered pipeline seen through the document's row shape. Array inputs are spread
 * into their element fields (per row, or column by column for a batch); record inputs pass as
 * they are. Its artifact is the IR backend's with the row shape beside it (restoreLowered), so a
 * cached document is neither lowered nor compiled again.
 */
export class LoweredSession implements Session {
  readonly backend: string;
  readonly facts: ModelFacts;

  constructor(
    readonly inner: Session,
    readonly plan: LoweredPlan,
  ) {
    this.backend = inner.backend;
    this.facts = { ...inner.facts, modelTypes: [plan.origin, ...inner.facts.modelTypes], inputFields: plan.inputFields };
  }

  scoreRows(rows: readonly Readonly<Record<string, unknown>>[]): RowsOutcome {
    const score = this.inner.scoreRows?.bind(this.inner);
    if (!score) throw new Error(`backend ${this.backend} has no row path`);
    const input = this.plan.input;
    const spread = rows.map((r): Readonly<Record<string, unknown>> | Error => (input.kind === "fields" ? (fieldsError(r, input) ?? r) : arrayRow(r, input)));
    const ok = spread.filter((r): r is Readonly<Record<string, unknown>> => !(r instanceof Error));
    const scored = score(ok);
    const results: RowsOutcome["results"] = new Array(rows.length);
    const errors: RowsOutcome["errors"] = new Array(rows.length);
    let k = 0;
    spread.forEach((r, i) => {
      if (r instanceof Error) {
        results[i] = null;
        errors[i] = r;
        return;
      }
      results[i] = scored.results[k]!;
      errors[i] = scored.errors[k];
      k++;
    });
    return { results, errors };
  }

  runSync(batch: Batch): ScoredBatch {
    const run = this.inner.runSync?.bind(this.inner);
    if (!run) throw new Error(`backend ${this.backend} has no synchronous path`);
    const spread = this.spreadBatch(batch);
    return withRowErrors(run(spread.batch), spread.errors);
  }

  async run(batch: Batch): Promise<ScoredBatch> {
    const spread = this.spreadBatch(batch);
    return withRowErrors(await this.inner.run(spread.batch), spread.errors);
  }

  dispose(): Promise<void> | void {
    return this.inner.dispose?.();
  }

  artifact(): SessionArtifact | undefined {
    const inner = this.inner.artifact?.();
    if (!inner) return undefined;
    const { pipeline: _pipeline, source: _source, ...stored } = this.plan;
    const meta: LoweredMeta = { plan: stored, facts: this.inner.facts };
    return { code: inner.code, meta: { ...inner.meta, [LOWERED_META]: meta } };
  }

  /**
   * A batch whose array column is spread into one number column per element. A row whose array
   * is not a number array of the right length is missing in every element column (the lowered
   * pipeline's MiningFields fail it) and keeps the error the row path gives it.
   */
  private spreadBatch(batch: Batch): { batch: Batch; errors: (Error | undefined)[] } {
    const input = this.plan.input;
    const errors: (Error | undefined)[] = [];
    if (input.kind === "fields") {
      // number columns are numbers; other columns of number fields are checked row by row
      const checked = input.numbers.filter((f) => batch.columns.get(f) !== undefined && batch.columns.get(f)!.kind !== "number");
      if (checked.length > 0) {
        const narrowed: Extract<LoweredInput, { kind: "fields" }> = { ...input, numbers: checked };
        rowsFromBatch({ length: batch.length, columns: new Map(checked.map((f) => [f, batch.columns.get(f)!])) }).forEach((row, i) => {
          errors[i] = fieldsError(row, narrowed);
        });
      }
      return { batch, errors };
    }
    const n = batch.length;
    const columns = new Map<string, Column>();
    const values = input.fields.map(() => new Float64Array(n).fill(NaN));
    const rows = rowsFromBatch({
      length: n,
      columns: new Map([[input.name, batch.columns.get(input.name) ?? { kind: "value", values: new Array(n).fill(null) }]]),
    });
    rows.forEach((row, i) => {
      const r = arrayRow(row, input);
      if (r instanceof Error) {
        errors[i] = r;
        return;
      }
      input.fields.forEach((f, k) => {
        values[k]![i] = r[f] as number;
      });
    });
    input.fields.forEach((f, k) => columns.set(f, numberColumn(values[k]!)));
    return { batch: { length: n, columns }, errors };
  }
}

/** A scored batch with the rows the spreading failed carrying their own error (the row path's). */
function withRowErrors(scored: ScoredBatch, errors: readonly (Error | undefined)[]): ScoredBatch {
  if (errors.length === 0) return scored;
  const merged = [...scored.errors];
  errors.forEach((e, i) => {
    if (e) merged[i] = e;
  });
  return { length: scored.length, columns: scored.columns, errors: merged };
}
