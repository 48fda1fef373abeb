import { EvaluationError, isPortaError, resolveLimits, type Limits } from "@porta/ir";
import { compilePfa, decodeInput, encodeOutput, parsePfa, type AvroType, type PfaEngine } from "@porta/pfa";
import { checkRowDepth, scoreEachRow, type BatchOptions, type BatchResult, type FieldInfo, type Model, type ScoreResult } from "./model.ts";

function typeLabel(t: AvroType): string {
  switch (t.kind) {
    case "record": case "enum": case "fixed": return t.fullName;
    case "array": return `array<${typeLabel(t.items)}>`;
    case "map": return `map<${typeLabel(t.values)}>`;
    case "union": return t.types.map(typeLabel).join("|");
    default: return t.kind;
  }
}

/**
 * A PFA document as a Model: rows are the input record (Avro JSON: tagged unions, base64
 * bytes), results the output (a record's fields, or `{ output: value }` for other types).
 */
export class PfaModel implements Model {
  readonly format = "pfa" as const;
  readonly backend = "pfa-compiled" as const;
  readonly notices: string[] = [];
  readonly modelTypes: string[];
  readonly inputFields: FieldInfo[];
  readonly outputFields: FieldInfo[];
  readonly engine: PfaEngine;

  constructor(text: string, limits: Partial<Limits> = {}) {
    const { pfaWallMs, pfaStateBytes } = resolveLimits(limits);
    this.engine = compilePfa(parsePfa(text), { timeoutMs: pfaWallMs, maxStateBytes: pfaStateBytes });
    this.modelTypes = [`PFA ${this.engine.method}`];
    const input = this.engine.inputType;
    this.inputFields = input.kind === "record"
      ? input.fields.map((f) => ({ name: f.name, dataType: typeLabel(f.type) }))
      : [{ name: "input", dataType: typeLabel(input) }];
    const output = this.engine.outputType;
    this.outputFields = output.kind === "record"
      ? output.fields.map((f) => ({ name: f.name, dataType: typeLabel(f.type) }))
      : [{ name: "output", dataType: typeLabel(output) }];
    this.engine.begin();
  }

  score(row: Readonly<Record<string, unknown>>): ScoreResult {
    checkRowDepth(row);
    return this.scoreChecked(row);
  }

  /** score() for a row whose depth was checked already (scoreBatch checks with its own limit). */
  private scoreChecked(row: Readonly<Record<string, unknown>>): ScoreResult {
    if (this.engine.method !== "map") {
      throw new EvaluationError("PFA_METHOD", `score() needs a map engine; this one is "${this.engine.method}"`, { value: this.engine.method });
    }
    const input = this.engine.inputType.kind === "record" ? row : (row as { input?: unknown }).input;
    const out = encodeOutput(this.engine, this.engine.action(decodeInput(this.engine, input)));
    return this.engine.outputType.kind === "record" ? (out as ScoreResult) : { output: out };
  }

  scoreBatch(rows: readonly Readonly<Record<string, unknown>>[], options: BatchOptions = {}): BatchResult {
    return scoreEachRow(rows, (row) => this.scoreChecked(row), options);
  }
}
