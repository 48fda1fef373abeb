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

/** CSV cells are text; a PFA input record wants its Avro types (PMML parses by DataField itself). */
export function typedCsvRow(row: Record<string, unknown>, model: Model): Record<string, unknown> {
  const out = Object.assign(emptyRow(), row);
  for (const f of model.inputFields) {
    const v = row[f.name];
    if (typeof v !== "string") continue;
    if (["int", "long", "float", "double"].includes(String(f.dataType))) {
      const n = Number(v);
      out[f.name] = v.trim() !== "" && !Number.isNaN(n) ? n : v;
    } else if (f.dataType === "boolean" && (v === "true" || v === "false")) {
      out[f.name] = v === "true";
    }
  }
  return out;
}
