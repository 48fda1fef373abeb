import {
  applyRowErrorPolicy,
  batchFromRows,
  checkRowDepth,
  rowDepthError,
  valueAt,
  type Batch,
  type BackendRefusal,
  type BatchOptions,
  type BatchResult,
  type FieldInfo,
  type ScoredBatch,
  type ScoringPlan,
  type ScoreResult,
  type Session,
} from "@porta/backend";
import { DEFAULT_LIMITS, type Limits } from "@porta/ir/limits";
import { UnsupportedFeatureError } from "@porta/ir/errors";
import type { Model } from "./model.ts";

const EMPTY_ROW: Readonly<Record<string, unknown>> = Object.freeze({});

/** A model scored by one backend session: the row, batch and column APIs over `Session`. */
export class PortaModel implements Model {
  readonly backend: string;
  readonly notices: string[];
  readonly modelTypes: string[];
  readonly inputFields: FieldInfo[];
  readonly outputFields: FieldInfo[];
  readonly groupField?: string;
  readonly synchronous: boolean;
  loadInfo?: Model["loadInfo"];
  private readonly inputNames: string[];

  constructor(
    readonly format: "pmml" | "pfa",
    readonly session: Session,
    readonly refusals: readonly BackendRefusal[] = [],
    private readonly limits: Pick<Limits, "rowDepth"> = DEFAULT_LIMITS,
    /** What the backends were given (absent for a session restored from the artifact cache). */
    readonly plan?: ScoringPlan,
  ) {
    const facts = session.facts;
    this.backend = session.backend;
    this.modelTypes = facts.modelTypes;
    this.inputFields = facts.inputFields;
    this.outputFields = facts.outputFields;
    this.groupField = facts.groupField;
    this.notices = [...(facts.notices ?? [])];
    if (refusals.length > 0) {
      this.notices.push(`scored by ${session.backend}: ${refusals.map((r) => `${r.backend} refused (${r.reason})`).join("; ")}`);
    }
    this.synchronous = session.scoreRows !== undefined && session.runSync !== undefined;
    this.inputNames = facts.inputFields.map((f) => f.name);
  }

  score(row: Readonly<Record<string, unknown>>): ScoreResult {
    checkRowDepth(row, this.limits.rowDepth);
    const { results, errors } = this.syncSession().scoreRows!([row]);
    if (errors[0]) throw errors[0];
    return results[0]!;
  }

  scoreBatch(rows: readonly Readonly<Record<string, unknown>>[], options: BatchOptions = {}): BatchResult {
    const session = this.syncSession();
    const { scored, tooDeep } = this.depthChecked(rows, options);
    const { results, errors } = session.scoreRows!(scored);
    for (const [i, e] of tooDeep) {
      errors[i] = e;
      results[i] = null;
    }
    return applyRowErrorPolicy(results, errors, options);
  }

  scoreColumns(batch: Batch): ScoredBatch {
    return this.syncSession().runSync!(batch);
  }

  async scoreAsync(row: Readonly<Record<string, unknown>>): Promise<ScoreResult> {
    if (this.synchronous) return this.score(row);
    checkRowDepth(row, this.limits.rowDepth);
    const scored = await this.session.run(batchFromRows([row], this.inputNames));
    if (scored.errors[0]) throw scored.errors[0];
    return rowOf(scored, 0);
  }

  async scoreBatchAsync(rows: readonly Readonly<Record<string, unknown>>[], options: BatchOptions = {}): Promise<BatchResult> {
    if (this.synchronous) return this.scoreBatch(rows, options);
    const { scored: prepared, tooDeep } = this.depthChecked(rows, options);
    const scored = await this.session.run(batchFromRows(prepared, this.inputNames));
    const errors = [...scored.errors];
    errors.length = rows.length;
    const results: (ScoreResult | null)[] = new Array(rows.length);
    for (let i = 0; i < rows.length; i++) results[i] = errors[i] ? null : rowOf(scored, i);
    for (const [i, e] of tooDeep) {
      errors[i] = e;
      results[i] = null;
    }
    return applyRowErrorPolicy(results, errors, options);
  }

  async scoreColumnsAsync(batch: Batch): Promise<ScoredBatch> {
    return this.session.run(batch);
  }

  async dispose(): Promise<void> {
    await this.session.dispose?.();
  }

  private syncSession(): Session {
    if (!this.synchronous) {
      throw new UnsupportedFeatureError(
        "synchronous scoring",
        `backend ${this.backend} scores asynchronously: use scoreAsync, scoreBatchAsync or scoreColumnsAsync`,
      );
    }
    return this.session;
  }

  /** Rows nested too deep never reach a backend (an encoder would recurse into them). */
  private depthChecked(rows: readonly Readonly<Record<string, unknown>>[], options: BatchOptions) {
    const limit = options.rowDepth ?? this.limits.rowDepth;
    const tooDeep = new Map<number, Error>();
    for (let i = 0; i < rows.length; i++) {
      const error = rowDepthError(rows[i], limit);
      if (error) tooDeep.set(i, error);
    }
    const scored = tooDeep.size === 0 ? rows : rows.map((row, i) => (tooDeep.has(i) ? EMPTY_ROW : row));
    return { scored, tooDeep };
  }
}

/** Row i of a scored batch as a result object (missing values as null). */
function rowOf(scored: ScoredBatch, i: number): ScoreResult {
  const row: ScoreResult = {};
  for (const [name, col] of scored.columns) row[name] = valueAt(col, i);
  return row;
}
