import { EvaluationError, UnsupportedFeatureError } from "@porta/ir/errors";
import { describeValue, parseNumber } from "@porta/ir/values";
import type { ModelVerification, Pipeline, VerificationField } from "@porta/ir";
import type { BatchResult, Model } from "./model.ts";

/** What a document's ModelVerification asks to check: its records and the fields holding expected results. */
export interface VerificationPlan {
  verification: ModelVerification;
  /**
   * The VerificationFields compared with results. PMML: those naming OutputFields when there
   * are any; otherwise those naming target fields (then the targets are expected outputs, not
   * the training data's dependent variable).
   */
  expected: VerificationField[];
}

/** One disagreement: a record whose result differs from the expected one, or that failed to score. */
export interface VerificationFailure {
  /** Index of the record in the InlineTable (0-based). */
  record: number;
  /** The compared field, or undefined when the record failed to score. */
  field?: string;
  expected?: string;
  actual?: unknown;
  message: string;
}

/** The outcome of checking a model against its ModelVerification records. */
export interface VerificationReport {
  /** Document path of the ModelVerification element. */
  path: string;
  records: number;
  /** recordCount as the document declares it, when it does. */
  declaredRecords?: number;
  /** Field names compared (empty: the records name no output or target field, nothing to check). */
  compared: string[];
  /** Records whose every compared field is acceptable. */
  passed: number;
  failures: VerificationFailure[];
}

/** The verification plan of a pipeline's top-level model, or undefined when it has no ModelVerification. */
export function verificationPlan(pipeline: Pipeline): VerificationPlan | undefined {
  const model = pipeline.model;
  const verification = model.verification;
  if (!verification) return undefined;
  const outputs = new Set(model.output.map((o) => o.name));
  const ofOutputs = verification.fields.filter((f) => outputs.has(f.field));
  if (ofOutputs.length > 0) return { verification, expected: ofOutputs };
  const targets = new Set(model.miningSchema.filter((f) => f.usageType === "target" || f.usageType === "predicted").map((f) => f.name));
  return { verification, expected: verification.fields.filter((f) => targets.has(f.field)) };
}

/** Scores the records with the loaded model and compares (async scoring: every backend). */
export async function verifyModel(model: Model, plan: VerificationPlan): Promise<VerificationReport> {
  return compareRecords(plan, await model.scoreBatchAsync(inputRows(model, plan), { onError: "collect" }));
}

/** verifyModel for a model with a synchronous path. */
export function verifyModelSync(model: Model, plan: VerificationPlan): VerificationReport {
  return compareRecords(plan, model.scoreBatch(inputRows(model, plan), { onError: "collect" }));
}

/** Throws MODEL_VERIFICATION_FAILED naming the first failing record when the report has failures. */
export function assertVerified(report: VerificationReport): void {
  const first = report.failures[0];
  if (!first) return;
  throw new EvaluationError(
    "MODEL_VERIFICATION_FAILED",
    `${report.failures.length} of ${report.records} ModelVerification records disagree; first: ${first.message}`,
    {
      path: `${report.path}/InlineTable/row[${first.record + 1}]`,
      value: first.field === undefined ? first.message : { field: first.field, expected: first.expected, actual: first.actual },
    },
  );
}

/** Each record as an input row: the model's input fields, absent ones missing. */
function inputRows(model: Model, plan: VerificationPlan): Record<string, string | null>[] {
  if (model.groupField !== undefined) {
    // Records of a transactional model are items to group into baskets first; JPMML groups them,
    // Porta does not yet.
    throw new UnsupportedFeatureError("ModelVerification", 'ModelVerification of a transactional model (a usageType="group" field) is not checked yet', {
      path: plan.verification.path,
    });
  }
  const names = model.inputFields.map((f) => f.name);
  return plan.verification.rows.map((record) => {
    const row: Record<string, string | null> = {};
    for (const name of names) row[name] = record[name] ?? null;
    return row;
  });
}

function compareRecords(plan: VerificationPlan, scored: BatchResult): VerificationReport {
  const { verification, expected } = plan;
  const failures: VerificationFailure[] = [];
  const rowErrors = new Map(scored.errors.map((e) => [e.row, e]));
  let passed = 0;
  verification.rows.forEach((record, i) => {
    const result = scored.results[i];
    if (!result) {
      failures.push({ record: i, message: `record ${i + 1} failed to score: ${rowErrors.get(i)?.message ?? "no result"}` });
      return;
    }
    let ok = true;
    for (const f of expected) {
      const want = record[f.field];
      if (want === null || want === undefined) continue; // PMML: a missing expected value is not checked
      const got = result[f.field];
      if (acceptable(want, got, f)) continue;
      ok = false;
      failures.push({
        record: i,
        field: f.field,
        expected: want,
        actual: got,
        message: `record ${i + 1}: ${f.field} is ${describeValue(got)}, expected ${want}`,
      });
    }
    if (ok) passed++;
  });
  return {
    path: verification.path,
    records: verification.rows.length,
    ...(verification.recordCount === undefined ? {} : { declaredRecords: verification.recordCount }),
    compared: expected.map((f) => f.field),
    passed,
    failures,
  };
}

/**
 * Whether a result matches the expected cell text, read as the result's type. Numbers: within
 * `precision` in proportion of the expected value (boundaries included), or both within
 * `zeroThreshold` of zero, as PMML's ModelVerification (and JPMML) define it.
 */
export function acceptable(expected: string, actual: unknown, field: Pick<VerificationField, "precision" | "zeroThreshold">): boolean {
  if (actual === null || actual === undefined) return false;
  if (typeof actual === "number") {
    const e = parseNumber(expected);
    if (e === undefined) return false;
    if (Number.isNaN(e) || Number.isNaN(actual)) return Number.isNaN(e) && Number.isNaN(actual);
    return numbersAcceptable(e, actual, field.precision, field.zeroThreshold);
  }
  if (typeof actual === "boolean") return booleanOf(expected) === actual;
  if (typeof actual === "string") return expected === actual;
  return expected === describeValue(actual);
}

function numbersAcceptable(expected: number, actual: number, precision: number, zeroThreshold: number): boolean {
  if (Math.abs(expected) <= zeroThreshold && Math.abs(actual) <= zeroThreshold) return true;
  const towardZero = expected * (1 - precision);
  const awayFromZero = expected * (1 + precision);
  return expected >= 0 ? actual >= towardZero && actual <= awayFromZero : actual <= towardZero && actual >= awayFromZero;
}

function booleanOf(text: string): boolean | undefined {
  const t = text.trim().toLowerCase();
  if (t === "true" || t === "1") return true;
  if (t === "false" || t === "0") return false;
  return undefined;
}
