/**
 * Comparing a shadow's answers with the live version's: online (the `agreement` of a silent
 * deploy) and offline over the shadow log (`porta shadow-report`). Two rows agree when every
 * output field does: numbers within a tolerance, anything else equal; two failed rows agree when
 * they fail with the same code.
 */
import { type Summary, summarize } from "./quantiles.ts";

/** Numbers a and b agree when |a − b| ≤ max(absolute, relative · max(|a|, |b|)). */
export interface Tolerance {
  absolute: number;
  relative: number;
}

export const DEFAULT_TOLERANCE: Readonly<Tolerance> = { absolute: 1e-9, relative: 1e-9 };

type Row = Record<string, unknown>;

/** One side of a logged request: the version, its scoring time, a result per row (null for a failed row) and the failures. */
export interface ShadowSide {
  version: string;
  ms: number;
  results: (Row | null)[];
  errors?: { row: number; code: string; message?: string }[];
}

/** One line of a shadow log: a request scored by the live version (answered) and by the shadow (logged only). */
export interface ShadowLine {
  at: string;
  model: string;
  rows: number;
  live: ShadowSide;
  shadow: ShadowSide;
}

export function valuesAgree(a: unknown, b: unknown, tolerance: Tolerance = DEFAULT_TOLERANCE): boolean {
  if (typeof a === "number" && typeof b === "number") {
    if (Number.isNaN(a) || Number.isNaN(b)) return Number.isNaN(a) && Number.isNaN(b);
    if (a === b) return true;
    return Math.abs(a - b) <= Math.max(tolerance.absolute, tolerance.relative * Math.max(Math.abs(a), Math.abs(b)));
  }
  if (a === b) return true;
  if (a === null || b === null || typeof a !== "object" || typeof b !== "object") return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a)) {
    const bs = b as unknown[];
    return a.length === bs.length && a.every((v, i) => valuesAgree(v, bs[i], tolerance));
  }
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  return ka.length === kb.length && ka.every((k) => Object.hasOwn(b, k) && valuesAgree((a as Row)[k], (b as Row)[k], tolerance));
}

/** Whether row `i` of the two sides agrees (results field by field, or failures by code). */
export function rowAgrees(live: ShadowSide, shadow: ShadowSide, i: number, tolerance: Tolerance = DEFAULT_TOLERANCE): boolean {
  const a = live.results[i] ?? null;
  const b = shadow.results[i] ?? null;
  if (a === null || b === null) return a === b && errorCode(live, i) === errorCode(shadow, i);
  return valuesAgree(a, b, tolerance);
}

function errorCode(side: ShadowSide, row: number): string | undefined {
  return side.errors?.find((e) => e.row === row)?.code;
}

export interface FieldReport {
  field: string;
  /** Rows where both versions gave this field. */
  compared: number;
  agreed: number;
  agreement: number;
  /** Numeric fields: shadow − live over the compared rows. */
  difference?: Summary & { meanAbsolute: number };
  /** Other fields: the most frequent changes, live → shadow. */
  changes?: { from: unknown; to: unknown; count: number }[];
}

export interface ShadowReport {
  model: string;
  versions: { live: string[]; shadow: string[] };
  requests: number;
  rows: number;
  /** Rows on which the two agree (every field within tolerance, or the same failure), over all rows. */
  agreed: number;
  agreement: number;
  /** Rows that failed on one side only, or on both. */
  errors: { live: number; shadow: number; both: number };
  fields: FieldReport[];
  /** Scoring time per request, ms. */
  latencyMs: { live: Summary; shadow: Summary };
  /** Lines that were not shadow records of this model (skipped). */
  skipped: number;
  tolerance: Tolerance;
}

interface FieldTally {
  compared: number;
  agreed: number;
  diffs: number[];
  changes: Map<string, { from: unknown; to: unknown; count: number }>;
}

/** Reads log lines (parsed JSON, any order) into a report; lines of other models or of another shape are counted as skipped. */
export function shadowReport(model: string, lines: Iterable<unknown>, tolerance: Tolerance = DEFAULT_TOLERANCE): ShadowReport {
  const live = new Set<string>();
  const shadow = new Set<string>();
  const latency = { live: [] as number[], shadow: [] as number[] };
  const errors = { live: 0, shadow: 0, both: 0 };
  const fields = new Map<string, FieldTally>();
  let requests = 0;
  let rows = 0;
  let agreed = 0;
  let skipped = 0;
  for (const line of lines) {
    if (!isShadowLine(line) || line.model !== model) {
      skipped++;
      continue;
    }
    requests++;
    live.add(line.live.version);
    shadow.add(line.shadow.version);
    latency.live.push(line.live.ms);
    latency.shadow.push(line.shadow.ms);
    const n = Math.max(line.live.results.length, line.shadow.results.length);
    for (let i = 0; i < n; i++) {
      rows++;
      if (rowAgrees(line.live, line.shadow, i, tolerance)) agreed++;
      const a = line.live.results[i] ?? null;
      const b = line.shadow.results[i] ?? null;
      if (a === null && b === null) errors.both++;
      else if (a === null) errors.live++;
      else if (b === null) errors.shadow++;
      else tallyFields(fields, a, b, tolerance);
    }
  }
  return {
    model,
    versions: { live: [...live].sort(), shadow: [...shadow].sort() },
    requests,
    rows,
    agreed,
    agreement: rows === 0 ? 0 : agreed / rows,
    errors,
    fields: [...fields.entries()].map(([field, t]) => fieldReport(field, t)),
    latencyMs: { live: summarize(latency.live), shadow: summarize(latency.shadow) },
    skipped,
    tolerance,
  };
}

function tallyFields(fields: Map<string, FieldTally>, a: Row, b: Row, tolerance: Tolerance): void {
  for (const field of new Set([...Object.keys(a), ...Object.keys(b)])) {
    let t = fields.get(field);
    if (t === undefined) fields.set(field, (t = { compared: 0, agreed: 0, diffs: [], changes: new Map() }));
    const x = a[field];
    const y = b[field];
    t.compared++;
    const same = valuesAgree(x, y, tolerance);
    if (same) t.agreed++;
    if (typeof x === "number" && typeof y === "number" && Number.isFinite(x) && Number.isFinite(y)) t.diffs.push(y - x);
    else if (!same) {
      const key = JSON.stringify([x ?? null, y ?? null]);
      const change = t.changes.get(key);
      if (change) change.count++;
      else t.changes.set(key, { from: x ?? null, to: y ?? null, count: 1 });
    }
  }
}

function fieldReport(field: string, t: FieldTally): FieldReport {
  const report: FieldReport = { field, compared: t.compared, agreed: t.agreed, agreement: t.compared === 0 ? 0 : t.agreed / t.compared };
  if (t.diffs.length > 0) {
    let abs = 0;
    for (const d of t.diffs) abs += Math.abs(d);
    report.difference = { ...summarize(t.diffs), meanAbsolute: abs / t.diffs.length };
  }
  if (t.changes.size > 0) report.changes = [...t.changes.values()].sort((x, y) => y.count - x.count).slice(0, 5);
  return report;
}

function isShadowLine(v: unknown): v is ShadowLine {
  const o = v as ShadowLine;
  return typeof o === "object" && o !== null && typeof o.model === "string" && isSide(o.live) && isSide(o.shadow);
}

function isSide(v: unknown): v is ShadowSide {
  const s = v as ShadowSide;
  return typeof s === "object" && s !== null && typeof s.version === "string" && typeof s.ms === "number" && Array.isArray(s.results);
}

/** The report as text: totals, per field agreement and differences, latency of each version. */
export function formatShadowReport(r: ShadowReport): string {
  const pct = (x: number) => `${(100 * x).toFixed(2)} %`;
  const num = (x: number) => (Number.isFinite(x) ? Number(x.toPrecision(4)).toString() : "-");
  const out = [
    `${r.model}: live ${r.versions.live.join(", ") || "-"} vs shadow ${r.versions.shadow.join(", ") || "-"}`,
    `${r.requests} requests, ${r.rows} rows; agreement ${pct(r.agreement)} (${r.agreed} rows; tolerance absolute ${r.tolerance.absolute}, relative ${r.tolerance.relative})`,
    `failed rows: live only ${r.errors.live}, shadow only ${r.errors.shadow}, both ${r.errors.both}`,
  ];
  if (r.skipped > 0) out.push(`${r.skipped} lines skipped (another model, or not a shadow record)`);
  if (r.fields.length > 0) {
    out.push("", "field                     agreement   compared  difference (shadow - live): mean |d|, min, p50, p90, p99, max");
    for (const f of r.fields) {
      const d = f.difference;
      const diff = d ? `${num(d.meanAbsolute)}, ${num(d.min)}, ${num(d.p50)}, ${num(d.p90)}, ${num(d.p99)}, ${num(d.max)}` : "";
      const changes = f.changes ? f.changes.map((c) => `${JSON.stringify(c.from)} → ${JSON.stringify(c.to)} ×${c.count}`).join(", ") : "";
      out.push(`${f.field.padEnd(25)} ${pct(f.agreement).padStart(9)} ${String(f.compared).padStart(10)}  ${diff}${diff && changes ? "; " : ""}${changes}`);
    }
  }
  const l = r.latencyMs;
  out.push("", "latency ms (per request)  p50       p90       p99       max");
  for (const [side, s] of [
    ["live", l.live],
    ["shadow", l.shadow],
  ] as const) {
    out.push(`${side.padEnd(25)} ${num(s.p50).padEnd(9)} ${num(s.p90).padEnd(9)} ${num(s.p99).padEnd(9)} ${num(s.max)}`);
  }
  return out.join("\n");
}
