import { PfaSession, type PfaEngine } from "@porta/pfa";
import { PortaModel, type Model } from "@porta/runtime";
import { emptyRow } from "./io.ts";

/** The PFA engine behind a model scored by the PFA backend (CLI input typing, inspect), if any. */
export function pfaEngineOfModel(model: Model): PfaEngine | undefined {
  return model instanceof PortaModel && model.session instanceof PfaSession ? model.session.engine : undefined;
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
