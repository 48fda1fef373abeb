import { refuse, type Backend, type LoweredPlan, type ModelFacts, type ScoreResult, type ScoringPlan } from "@porta/backend";
import type { Limits } from "@porta/ir";
import { compilePfa, type PfaEngine } from "./engine.ts";
import { parsePfa } from "./document.ts";
import { fieldsOf } from "./type-fields.ts";
import { decodeInput, encodeOutput } from "./rows.ts";
import { lowerPfa } from "./lower/index.ts";
import { actionResult, resultFieldsOf, RowByRowSession } from "./session-rows.ts";

/**
 * A PFA engine as a session: rows are the input record (Avro JSON: tagged unions, base64
 * bytes), results the output (a record's fields, or `{ output: value }` for other types): a map
 * engine's output, a fold engine's tally after the row, an emit engine's `{ emitted: [...] }`.
 */
export class PfaSession extends RowByRowSession {
  readonly backend = "pfa";
  readonly facts: ModelFacts;

  /** The engine's output encoder, made once (not per row). */
  private readonly encode = (v: unknown): unknown => encodeOutput(this.engine, v);

  constructor(readonly engine: PfaEngine) {
    super();
    this.facts = {
      modelTypes: [`PFA ${engine.method}`],
      inputFields: fieldsOf(engine.inputType, "input"),
      outputFields: resultFieldsOf(engine.method, engine.outputType),
    };
    engine.begin();
  }

  scoreRow(row: Readonly<Record<string, unknown>>): ScoreResult {
    const input = this.engine.inputType.kind === "record" ? row : (row as { input?: unknown }).input;
    return actionResult(this.engine, decodeInput(this.engine, input), this.encode);
  }
}

/** Checks and compiles a PFA document into an engine under the budgets of `limits`. */
export function pfaEngineOf(text: string, limits: Limits): PfaEngine {
  return compilePfa(parsePfa(text), { timeoutMs: limits.pfaWallMs, maxStateBytes: limits.pfaStateBytes });
}

/**
 * Engines checked for a plan, so that a document the lowering refused is not checked and compiled
 * again when this backend then scores it (one resolution passes the same plan object to both).
 */
const enginesOfPlans = new WeakMap<ScoringPlan, PfaEngine>();

function engineOfPlan(plan: Extract<ScoringPlan, { format: "pfa" }>): PfaEngine {
  let engine = enginesOfPlans.get(plan);
  if (!engine) enginesOfPlans.set(plan, (engine = pfaEngineOf(plan.text, plan.limits)));
  return engine;
}

/**
 * The PFA engine (checked, compiled to closures) as a backend for PFA documents; it also lowers
 * the documents it can into the IR (`lower`), which the IR backends (compile-js) then score.
 */
export const pfaBackend: Backend = {
  name: "pfa",
  description: "PFA engine: the checked document compiled to closures",
  sync: true,
  formats: ["pfa"],
  lowers: ["pfa"],
  compile(plan) {
    if (plan.format !== "pfa") return refuse("scores PFA documents only");
    const engine = engineOfPlan(plan);
    // a session begins the engine (runs begin, mutates cells): each compile gets its own engine
    enginesOfPlans.delete(plan);
    return new PfaSession(engine);
  },
  lower(plan): LoweredPlan | ReturnType<typeof refuse> {
    if (plan.format !== "pfa") return refuse("lowers PFA documents only");
    const engine = engineOfPlan(plan);
    const lowered = lowerPfa(engine);
    if (!lowered.lowered) return refuse(lowered.reason);
    return {
      pipeline: lowered.pipeline,
      input: lowered.input,
      inputFields: fieldsOf(engine.inputType, "input"),
      origin: `PFA ${engine.method}`,
      lowering: lowered.via,
      ...(lowered.avroDoubles && { avroDoubles: lowered.avroDoubles }),
      source: engine,
    };
  },
};
