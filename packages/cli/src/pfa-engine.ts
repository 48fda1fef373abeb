import { LoweredSession } from "@porta/backend";
import { PfaSession, type PfaEngine } from "@porta/pfa";
import { PortaModel, type Model } from "@porta/runtime";
import { emptyRow } from "./io.ts";

/**
 * The PFA engine behind a PFA model (CLI input typing, output unwrapping, inspect), if any: the
 * PFA backend's own, or the one the pfa backend checked and lowered into the IR for compile-js.
 */
export function pfaEngineOfModel(model: Model): PfaEngine | undefined {
  if (!(model instanceof PortaModel)) return undefined;
  if (model.session instanceof PfaSession) return model.session.engine;
  if (model.format === "pfa" && model.session instanceof LoweredSession) return model.session.plan.source as PfaEngine | undefined;
  return undefined;
}

const NUMBER_TYPES = new Set(["int", "long", "float", "double"]);

/**
 * CSV cells are text; a PFA input record wants its Avro types (PMML parses by DataField itself).
 * A field typed as a union with null (what `porta convert --to pfa` writes for every input: a
 * missing value is null) is read by its other branches: numbers when they are all numeric,
 * booleans when boolean; a union that also holds text keeps the cell as text. Empty cells are
 * already null.
 */
export function typedCsvRow(row: Record<string, unknown>, model: Model): Record<string, unknown> {
  const out = Object.assign(emptyRow(), row);
  for (const f of model.inputFields) {
    const v = row[f.name];
    if (typeof v !== "string") continue;
    const kinds = String(f.dataType)
      .split("|")
      .filter((k) => k !== "null");
    if (kinds.length > 0 && kinds.every((k) => NUMBER_TYPES.has(k))) {
      const n = Number(v);
      out[f.name] = v.trim() !== "" && !Number.isNaN(n) ? n : v;
    } else if (kinds.length > 0 && kinds.every((k) => k === "boolean") && (v === "true" || v === "false")) {
      out[f.name] = v === "true";
    }
  }
  return out;
}
