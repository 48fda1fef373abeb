/**
 * The DMG function-level conformance suite (`pfa-tests.json`): one engine per library function
 * signature, with trials of inputs and expected outputs or PFA error codes. Comparison follows
 * the suite's README (runTest.py's `compare(expected, actual, 1e-4, 0.05, 1e80)`), applied along
 * the output type so that int and long must match exactly and float and double within tolerance.
 */
import { readFile } from "node:fs/promises";
import { EvaluationError } from "@porta/ir";
import { validatePfa } from "./document.ts";
import { compilePfa } from "./engine.ts";
import type { AvroType } from "@porta/ir/avro";
import { decodeAvroJson, encodeAvroJson, parseJsonLossless } from "./values.ts";

export interface PfaConformanceCase {
  /** `<function>#<engine index within that function>` */
  readonly id: string;
  readonly function: string;
  readonly passed: boolean;
  /** number of trials */
  readonly rows: number;
  /** number of failed trials */
  readonly mismatches: number;
  readonly error?: string;
}

export interface PfaConformanceReport {
  readonly format: "pfa";
  /** totals are counted in trials */
  readonly total: number;
  readonly passed: number;
  readonly failed: number;
  readonly cases: PfaConformanceCase[];
  readonly byPrefix: Record<string, { total: number; passed: number }>;
  /** With `scorer`: the documents it did not score, with its reason (their trials are not counted). */
  readonly unscored?: { readonly id: string; readonly reason: string }[];
}

/**
 * Scores the trials of one conformance document another way than the PFA engine (e.g. lowered
 * into the IR and compiled): given the engine's JSON text, a function from a trial's sample
 * (Avro JSON) to the output (Avro JSON) that throws the PFA error of a failing trial, or the
 * reason it does not score this document.
 */
export type PfaTrialScorer = (engineText: string) => ((sample: unknown) => unknown) | { readonly unscored: string };

interface Trial {
  sample: unknown;
  result?: unknown;
  error?: number;
  nondeterministic?: string;
}

interface TestBlock {
  fn: string;
  engineLine: string;
  trialLines: string[];
}

/** Split the file by the DMG line layout (one engine per line, one trial per line). */
function splitTests(text: string): TestBlock[] {
  const blocks: TestBlock[] = [];
  let cur: TestBlock | null = null;
  let pos = 0;
  while (pos < text.length) {
    let nl = text.indexOf("\n", pos);
    if (nl < 0) nl = text.length;
    const line = text.slice(pos, nl);
    pos = nl + 1;
    if (line.startsWith('     {"function":')) {
      const m = /^ {5}\{"function": ("(?:[^"\\]|\\.)*")/.exec(line);
      cur = { fn: JSON.parse(m![1]!) as string, engineLine: "", trialLines: [] };
      blocks.push(cur);
    } else if (cur && line.startsWith('      "engine":')) {
      cur.engineLine = line.slice('      "engine":'.length).trim().replace(/,$/, "");
    } else if (cur && line.startsWith('          {"sample"')) {
      cur.trialLines.push(line.trim().replace(/,$/, ""));
    }
  }
  return blocks;
}

/** The engine documents of a trials file (its text), each with the id the report gives it (`function#n`). */
export function pfaTrialEngines(text: string): { readonly id: string; readonly engineText: string }[] {
  const count = new Map<string, number>();
  return splitTests(text).map((b) => {
    const n = count.get(b.fn) ?? 0;
    count.set(b.fn, n + 1);
    return { id: `${b.fn}#${n}`, engineText: b.engineLine };
  });
}

/** The prefix a function is reported under: `a`, `map`, `m.special`, `prob.dist`, or `core`. */
export function functionPrefix(fn: string): string {
  if (!/^[a-z]/.test(fn)) return "core";
  if (fn === "cmp" || fn === "max" || fn === "min") return "core";
  const parts = fn.split(".");
  if (parts.length <= 1) return "core";
  if (parts[0] === "m" && parts.length === 3) return `m.${parts[1]}`;
  if ((parts[0] === "model" || parts[0] === "prob" || parts[0] === "stat") && parts.length === 3) return `${parts[0]}.${parts[1]}`;
  return parts[0]!;
}

function isNum(x: unknown): x is number | bigint {
  return typeof x === "number" || typeof x === "bigint";
}

/** runTest.py's floating comparison: absolute below 1e-4, relative 5% above, ±inf beyond 1e80. */
function closeEnough(expected: unknown, actual: unknown): boolean {
  if (expected === "nan") return actual === "nan";
  if (expected === "inf") return actual === "inf" || (isNum(actual) && Number(actual) > 1e80);
  if (expected === "-inf") return actual === "-inf" || (isNum(actual) && Number(actual) < -1e80);
  if (!isNum(expected) || !isNum(actual)) return false;
  const e = Number(expected);
  const a = Number(actual);
  const se = Math.abs(e) < 1e-4;
  const sa = Math.abs(a) < 1e-4;
  if (se && sa) return true;
  if (se !== sa) return false;
  return Math.abs(e - a) / Math.abs(e) <= 0.05;
}

function branchOf(t: AvroType, tag: string): AvroType | undefined {
  if (t.kind !== "union") return undefined;
  return t.types.find((b) => (b.kind === "record" || b.kind === "enum" || b.kind === "fixed" ? b.fullName === tag || b.name === tag : b.kind === tag));
}

/** Compare an encoded actual value with the expected JSON along type `t`. */
export function compareTyped(t: AvroType, expected: unknown, actual: unknown): boolean {
  switch (t.kind) {
    case "float":
    case "double":
      return closeEnough(expected, actual);
    case "int":
    case "long":
      return isNum(expected) && isNum(actual) && expected == actual;
    case "array": {
      if (!Array.isArray(expected) || !Array.isArray(actual) || expected.length !== actual.length) return false;
      return expected.every((e, i) => compareTyped(t.items, e, actual[i]));
    }
    case "map":
    case "record": {
      if (expected === null || actual === null || typeof expected !== "object" || typeof actual !== "object") return false;
      const ke = Object.keys(expected);
      const ka = Object.keys(actual);
      if (ke.length !== ka.length || !ke.every((k) => Object.hasOwn(actual as object, k))) return false;
      return ke.every((k) => {
        const ft = t.kind === "map" ? t.values : t.fields.find((f) => f.name === k)?.type;
        return ft !== undefined && compareTyped(ft, (expected as Record<string, unknown>)[k], (actual as Record<string, unknown>)[k]);
      });
    }
    case "union": {
      if (expected === null || actual === null) return expected === actual;
      if (typeof expected !== "object" || typeof actual !== "object") return false;
      const [te] = Object.keys(expected);
      const [ta] = Object.keys(actual);
      if (te === undefined || ta === undefined) return false;
      const be = branchOf(t, te);
      const ba = branchOf(t, ta);
      if (!be || !ba) return false;
      // an int-valued double may be tagged int by the runtime (JS numbers carry no int/float tag)
      if (te !== ta) {
        const num = (b: AvroType) => b.kind === "int" || b.kind === "long" || b.kind === "float" || b.kind === "double";
        if (!(num(be) && num(ba))) return false;
      }
      return compareTyped(be, (expected as Record<string, unknown>)[te], (actual as Record<string, unknown>)[ta]);
    }
    default:
      return expected === actual;
  }
}

function sortKey(v: unknown): string {
  return JSON.stringify(v, (_k, x) => (typeof x === "bigint" ? x.toString() : x));
}

function runTrial(engine: ReturnType<typeof compilePfa>, trial: Trial, score?: (sample: unknown) => unknown): boolean {
  let encoded: unknown;
  try {
    if (score) encoded = score(trial.sample);
    else {
      const input = decodeAvroJson(engine.inputType, trial.sample);
      const out = engine.action(input);
      if (trial.error !== undefined) return false;
      encoded = encodeAvroJson(engine.outputType, out);
    }
  } catch (e) {
    if (trial.error !== undefined) return e instanceof EvaluationError && e.pfaCode === trial.error;
    return false;
  }
  if (trial.error !== undefined) return false;
  if (trial.nondeterministic === "pseudorandom" || trial.nondeterministic === "unstable") return true;
  if (trial.nondeterministic === "unordered" && Array.isArray(encoded) && Array.isArray(trial.result)) {
    const t = engine.outputType.kind === "array" ? engine.outputType : null;
    if (!t) return false;
    const a = [...encoded].sort((x, y) => (sortKey(x) < sortKey(y) ? -1 : 1));
    const e = [...trial.result].sort((x, y) => (sortKey(x) < sortKey(y) ? -1 : 1));
    return compareTyped(t, e, a);
  }
  return compareTyped(engine.outputType, trial.result, encoded);
}

/**
 * Run the conformance file; `filter` keeps functions whose name starts with it (or equals it).
 * `scorer` scores each document's trials instead of the PFA engine (documents it does not score
 * are listed in `unscored`, and their trials are not counted).
 */
export async function runPfaConformance(file: string, opts: { filter?: string; scorer?: PfaTrialScorer } = {}): Promise<PfaConformanceReport> {
  const text = await readFile(file, "utf8");
  const blocks = splitTests(text);
  const cases: PfaConformanceCase[] = [];
  const byPrefix: Record<string, { total: number; passed: number }> = {};
  const engineCount = new Map<string, number>();
  let total = 0;
  let passed = 0;
  const unscored: { id: string; reason: string }[] = [];
  for (const b of blocks) {
    const n = engineCount.get(b.fn) ?? 0;
    engineCount.set(b.fn, n + 1);
    if (opts.filter && !(b.fn === opts.filter || b.fn.startsWith(opts.filter))) continue;
    const id = `${b.fn}#${n}`;
    const rows = b.trialLines.length;
    let ok = 0;
    let error: string | undefined;
    try {
      const score = opts.scorer?.(b.engineLine);
      if (score && typeof score !== "function") {
        unscored.push({ id, reason: score.unscored });
        continue;
      }
      // (a document the scorer leaves is not compiled: its trials are not counted)
      const engine = compilePfa(validatePfa(parseJsonLossless(b.engineLine)), { randseed: 12345, loopLimit: 1_000_000 });
      for (const line of b.trialLines) {
        if (runTrial(engine, parseJsonLossless(line) as Trial, score)) ok++;
      }
    } catch (e) {
      error = e instanceof Error ? e.message : String(e);
      ok = 0;
    }
    cases.push({ id, function: b.fn, passed: ok === rows && !error, rows, mismatches: rows - ok, ...(error ? { error } : {}) });
    const p = (byPrefix[functionPrefix(b.fn)] ??= { total: 0, passed: 0 });
    p.total += rows;
    p.passed += ok;
    total += rows;
    passed += ok;
  }
  return { format: "pfa", total, passed, failed: total - passed, cases, byPrefix, ...(opts.scorer && { unscored }) };
}
