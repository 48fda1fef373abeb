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
 * - `avro`: the pipeline's model is a program that decodes the document's own row (Avro JSON)
 *   itself: rows and batches pass as they are, results come back unchanged.
 */
export type LoweredInput =
  | {
      readonly kind: "fields";
      readonly numbers: readonly string[];
      readonly integers: readonly string[];
      /**
       * Number fields whose NaN and infinities are values (PFA float/double: Avro JSON's "nan",
       * "inf", "-inf" too). The pipeline holds NaN as missing and lets it through, so the session
       * fails a row that lacks one of these fields itself.
       */
      readonly nonFinite?: readonly string[];
      /** Fields the document types boolean, and string: a value of another type fails the row. */
      readonly booleans?: readonly string[];
      readonly strings?: readonly string[];
      /** Fields every row must have, whether or not the pipeline reads them (the document's engine decodes them all). */
      readonly required?: readonly string[];
    }
  | {
      readonly kind: "array";
      readonly name: string;
      readonly fields: readonly string[];
      /** The error the document's own engine raises for an array of another length. */
      readonly lengthError: { readonly code: string; readonly message: string; readonly pfaCode?: number };
    }
  | { readonly kind: "avro" };

/** A document lowered into the IR: the pipeline, its input shape, and what to call it. */
export interface LoweredPlan {
  readonly pipeline: Pipeline;
  readonly input: LoweredInput;
  /** The document's own interface (input fields as the document types them), for the session's facts. */
  readonly inputFields: ModelFacts["inputFields"];
  /** e.g. "PFA map": prefixed to the pipeline's model types. */
  readonly origin: string;
  /** Which lowering made the pipeline, in words (the pfa backend's: "model call", "scalar core", "program"), for refusals and `porta inspect`. */
  readonly lowering?: string;
  /**
   * Result fields the document types float or double, whose engine writes NaN (missing in the
   * pipeline), Infinity and -Infinity as Avro JSON does: "nan", "inf", "-inf".
   */
  readonly avroDoubles?: readonly string[];
  /**
   * What the lowering read (the pfa backend: the checked PFA engine), for tools that know the
   * format (the CLI's row typing and output unwrapping, `porta inspect`); never scored.
   */
  readonly source?: unknown;
}

const AVRO_NON_FINITE: Readonly<Record<string, number>> = { nan: NaN, inf: Infinity, "-inf": -Infinity };

/** The first field of a record row whose value is not of the type the document gives it, as the row's error. */
function fieldsError(row: Readonly<Record<string, unknown>>, input: Extract<LoweredInput, { kind: "fields" }>): Error | undefined {
  for (const name of [...(input.required ?? []), ...(input.nonFinite ?? [])]) {
    const v = row[name];
    if (v === null || v === undefined) return new EvaluationError("PFA_BAD_VALUE", `input field "${name}" is missing`, { value: v ?? null });
  }
  for (const name of input.numbers) {
    const v = row[name];
    if (v === null || v === undefined) continue; // missing: the pipeline's MiningField fails the row
    if (typeof v === "string" && input.nonFinite?.includes(name) && Object.hasOwn(AVRO_NON_FINITE, v)) continue;
    const int = input.integers.includes(name);
    if (typeof v !== "number" || (int && !(Number.isInteger(v) && v >= -2147483648 && v <= 2147483647))) {
      return new EvaluationError("PFA_BAD_VALUE", `input field "${name}" must be a ${int ? "32-bit whole " : ""}number`, { value: v });
    }
  }
  for (const [names, type] of [
    [input.booleans, "boolean"],
    [input.strings, "string"],
  ] as const) {
    for (const name of names ?? []) {
      const v = row[name];
      if (v !== null && v !== undefined && typeof v !== type)
        return new EvaluationError("PFA_BAD_VALUE", `input field "${name}" must be a ${type}`, { value: v });
    }
  }
  return undefined;
}

/** A checked row with Avro JSON's "nan", "inf", "-inf" of its non-finite number fields as numbers. */
function fieldsRow(row: Readonly<Record<string, unknown>>, input: Extract<LoweredInput, { kind: "fields" }>): Readonly<Record<string, unknown>> | Error {
  const error = fieldsError(row, input);
  if (error) return error;
  let out: Record<string, unknown> | undefined;
  for (const name of input.nonFinite ?? []) {
    const v = row[name];
    if (typeof v === "string") (out ??= { ...row })[name] = AVRO_NON_FINITE[v];
  }
  return out ?? row;
}

/** A result value as the document's engine writes a float/double: NaN (missing here) and the infinities as Avro JSON's texts. */
function avroDouble(v: unknown): unknown {
  if (v === null || v === undefined || (typeof v === "number" && Number.isNaN(v))) return "nan";
  if (v === Infinity) return "inf";
  if (v === -Infinity) return "-inf";
  return v;
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
    // a program decodes the document's row itself
    if (input.kind === "avro") return score(rows);
    const spread = rows.map((r): Readonly<Record<string, unknown>> | Error => (input.kind === "fields" ? fieldsRow(r, input) : arrayRow(r, input)));
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
      results[i] = this.avroResult(scored.results[k]!);
      errors[i] = scored.errors[k];
      k++;
    });
    return { results, errors };
  }

  /** A result with the document's float/double fields written as its engine writes them (avroDoubles). */
  private avroResult<T extends Readonly<Record<string, unknown>> | null>(result: T): T {
    const doubles = this.plan.avroDoubles;
    if (!doubles || doubles.length === 0 || result === null) return result;
    const out: Record<string, unknown> = { ...result };
    for (const name of doubles) if (Object.hasOwn(out, name)) out[name] = avroDouble(out[name]);
    return out as T;
  }

  /** A scored batch whose float/double columns hold the document engine's values: a column with NaN or an infinity becomes a value column of numbers and "nan", "inf", "-inf". */
  private avroBatch(scored: ScoredBatch): ScoredBatch {
    const doubles = this.plan.avroDoubles;
    if (!doubles || doubles.length === 0) return scored;
    const columns = new Map(scored.columns);
    for (const name of doubles) {
      const col = columns.get(name);
      if (col?.kind !== "number") continue;
      const n = scored.length;
      let special = false;
      for (let i = 0; i < n && !special; i++) special = !scored.errors[i] && !Number.isFinite(col.values[i]);
      if (!special) continue;
      const values: unknown[] = new Array(n);
      for (let i = 0; i < n; i++) values[i] = scored.errors[i] ? null : avroDouble(col.values[i]);
      columns.set(name, { kind: "value", values });
    }
    return { length: scored.length, columns, errors: scored.errors };
  }

  runSync(batch: Batch): ScoredBatch {
    const run = this.inner.runSync?.bind(this.inner);
    if (!run) throw new Error(`backend ${this.backend} has no synchronous path`);
    const spread = this.spreadBatch(batch);
    return this.avroBatch(withRowErrors(run(spread.batch), spread.errors));
  }

  async run(batch: Batch): Promise<ScoredBatch> {
    const spread = this.spreadBatch(batch);
    return this.avroBatch(withRowErrors(await this.inner.run(spread.batch), spread.errors));
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
    if (input.kind === "avro") return { batch, errors };
    if (input.kind === "fields") {
      // number columns of whole numbers and non-finite fields are checked row by row too, and so
      // are other columns of typed fields
      const typed = [...new Set([...input.numbers, ...(input.booleans ?? []), ...(input.strings ?? []), ...(input.required ?? [])])];
      const rowChecked = new Set([...input.integers, ...(input.nonFinite ?? [])]);
      const checked = typed.filter((f) => batch.columns.get(f) !== undefined && (batch.columns.get(f)!.kind !== "number" || rowChecked.has(f)));
      const nonFinite = input.nonFinite ?? [];
      for (const f of [...nonFinite, ...(input.required ?? [])]) if (!batch.columns.has(f) && !checked.includes(f)) checked.push(f);
      if (checked.length === 0) return { batch, errors };
      const narrowed: Extract<LoweredInput, { kind: "fields" }> = {
        ...input,
        numbers: input.numbers.filter((f) => checked.includes(f)),
        booleans: input.booleans?.filter((f) => checked.includes(f)),
        strings: input.strings?.filter((f) => checked.includes(f)),
        required: input.required?.filter((f) => checked.includes(f)),
      };
      const rows = rowsFromBatch({
        length: batch.length,
        columns: new Map(checked.filter((f) => batch.columns.has(f)).map((f) => [f, batch.columns.get(f)!])),
      });
      // non-finite fields reach the pipeline as plain number columns (NaN its missing, let through)
      const columns = new Map(batch.columns);
      const values = nonFinite.map(() => new Float64Array(batch.length).fill(NaN));
      rows.forEach((row, i) => {
        const r = fieldsRow(row, narrowed);
        if (r instanceof Error) {
          errors[i] = r;
          return;
        }
        nonFinite.forEach((f, k) => {
          values[k]![i] = r[f] as number;
        });
      });
      nonFinite.forEach((f, k) => columns.set(f, numberColumn(values[k]!)));
      return { batch: { length: batch.length, columns }, errors };
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
