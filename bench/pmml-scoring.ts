/**
 * What the PMML scoring suites (families, batch) share: rows turned into the columns the
 * compiled kernel reads, a check that two backends agree, and corpus access.
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { MISSING_CODE, OTHER_CODE, type CompiledPipeline, type CompiledSession } from "@porta/compile-js";
import type { Model, PortaModel } from "@porta/runtime";

export type Row = Record<string, unknown>;

/** Where the conformance corpus lives (PORTA_CONFORMANCE_DIR, default ../shared/conformance), or null. */
export function corpusDir(): string | null {
  const base = process.env.PORTA_CONFORMANCE_DIR ?? join(import.meta.dirname, "..", "..", "shared", "conformance");
  const dir = join(base, "pmml");
  return existsSync(join(dir, "manifest.json")) ? dir : null;
}

/** The corpus harness's CSV dialect: "," without quoting, NA and N/A missing, stop at a blank line. */
export function readCorpusRows(path: string): Row[] {
  const lines = readFileSync(path, "utf8").split("\n");
  const header = lines[0]!.replace(/\r$/, "").split(",");
  const rows: Row[] = [];
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i]!.replace(/\r$/, "");
    if (line === "") break;
    const cells = line.split(",");
    const row: Row = {};
    header.forEach((h, k) => {
      const c = cells[k];
      row[h] = c === "NA" || c === "N/A" || c === undefined ? null : c;
    });
    rows.push(row);
  }
  return rows;
}

/** `rows` repeated until there are `n`. */
export function repeatRows(rows: readonly Row[], n: number): Row[] {
  return Array.from({ length: n }, (_, i) => rows[i % rows.length]!);
}

/**
 * Rows as the kernel's input columns: a Float64Array per numeric field (NaN missing), dictionary
 * codes per string field (MISSING_CODE, OTHER_CODE for a category the model never names). The
 * caller's columns are what a columnar producer (Arrow, a data frame) hands over: the encoding is
 * done once, outside the timed region.
 */
export function encodeColumns(compiled: CompiledPipeline, rows: readonly Row[]): (Float64Array | Int32Array)[] {
  return compiled.inputs.map((col) => {
    if (col.kind === "number") {
      return Float64Array.from(rows, (r) => {
        const v = r[col.name];
        return v === null || v === undefined || v === "" ? NaN : typeof v === "boolean" ? Number(v) : Number(v);
      });
    }
    return Int32Array.from(rows, (r) => {
      const v = r[col.name];
      return v === null || v === undefined ? MISSING_CODE : (col.dictionary.get(String(v)) ?? OTHER_CODE);
    });
  });
}

function sameValue(a: unknown, b: unknown): boolean {
  if (typeof a === "number" && typeof b === "number") return a === b || Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(a));
  return a === b || (a != null && b != null && String(a) === String(b));
}

/** Throws unless `model` gives the reference's results on `rows` (every output field). */
export function checkAgainst(label: string, reference: Model, model: Model, rows: readonly Row[]): void {
  const want = reference.scoreBatch(rows, { onError: "collect" }).results;
  const got = model.scoreBatch(rows, { onError: "collect" }).results;
  for (let i = 0; i < rows.length; i++) {
    const w = want[i],
      g = got[i];
    if (w === null || g === null) {
      if (w !== g) throw new Error(`${label}: row ${i}: one backend failed the row and the other did not`);
      continue;
    }
    for (const k of Object.keys(w)) {
      if (!sameValue(w[k], g[k])) throw new Error(`${label}: row ${i}: ${k} = ${JSON.stringify(g[k])}, reference ${JSON.stringify(w[k])}`);
    }
  }
}

/** Throws unless the first output column of a columnar run matches the row API's first output. */
export function checkColumns(
  label: string,
  compiled: CompiledPipeline,
  outputs: readonly (Float64Array | Int32Array)[],
  rowResults: readonly (Record<string, unknown> | null)[],
): void {
  const o = compiled.outputs[0]!;
  const column = outputs[0]!;
  for (let i = 0; i < rowResults.length; i++) {
    const r = rowResults[i];
    if (!r) continue;
    const cell = column[i]!;
    const v = o.decode.kind === "table" ? (cell < 0 ? null : o.decode.table[cell]) : cell !== cell ? null : cell;
    if (!sameValue(r[o.name], v) && !(r[o.name] == null && v == null)) {
      throw new Error(`${label}: columnar row ${i}: ${o.name} = ${JSON.stringify(v)}, row API ${JSON.stringify(r[o.name])}`);
    }
  }
}

/** A compiled model's row API beside its kernel's own columns (the encoded layout of `compiled.inputs`). */
export function compiledView(model: Model | PortaModel) {
  const session = (model as PortaModel).session as CompiledSession;
  return {
    compiled: session.compiled,
    scoreBatch: model.scoreBatch.bind(model),
    scoreColumns: (n: number, inputs: readonly (Float64Array | Int32Array)[]) => session.scorer.run(n, inputs),
  };
}
