import { SchemaError, type ModelVerification, type VerificationField } from "@porta/ir";
import { numberAttr, requiredAttr } from "./attributes.ts";
import { columnName } from "./expressions.ts";
import type { XmlElement } from "./xml.ts";

/** PMML's defaults for VerificationField/@precision and @zeroThreshold. */
const DEFAULT_PRECISION = 1e-6;
const DEFAULT_ZERO_THRESHOLD = 1e-16;

/**
 * A model element's ModelVerification: its VerificationFields and the InlineTable rows keyed by
 * field name. A column that no VerificationField names is not part of the records (JPMML keys
 * records the same way); a cell that is absent or blank is missing (null).
 */
export function parseModelVerification(el: XmlElement | undefined): ModelVerification | undefined {
  if (!el) return undefined;
  const fields = (el.child("VerificationFields")?.children("VerificationField") ?? []).map(parseVerificationField);
  const table = el.child("InlineTable");
  if (!table) {
    throw new SchemaError("PMML_MISSING_ELEMENT", "ModelVerification needs an InlineTable of records", { path: el.path, value: "InlineTable" });
  }
  const fieldOfColumn = new Map(fields.map((f) => [f.column, f.field]));
  const rows = table.children("row").map((row) => recordOf(row, fields, fieldOfColumn));
  const recordCount = numberAttr(el, "recordCount");
  return { ...(recordCount === undefined ? {} : { recordCount }), fields, rows, path: el.path };
}

function parseVerificationField(el: XmlElement): VerificationField {
  const field = requiredAttr(el, "field");
  return {
    field,
    column: columnName(el.attr("column") ?? field),
    precision: nonNegative(el, "precision", DEFAULT_PRECISION),
    zeroThreshold: nonNegative(el, "zeroThreshold", DEFAULT_ZERO_THRESHOLD),
    path: el.path,
  };
}

function nonNegative(el: XmlElement, name: string, fallback: number): number {
  const n = numberAttr(el, name, fallback);
  if (!(n >= 0)) {
    throw new SchemaError("PMML_BAD_ATTRIBUTE", `${el.name}/@${name} must be a number ≥ 0`, { path: `${el.path}/@${name}`, value: el.attr(name) });
  }
  return n;
}

function recordOf(row: XmlElement, fields: readonly VerificationField[], fieldOfColumn: ReadonlyMap<string, string>): Record<string, string | null> {
  const record: Record<string, string | null> = Object.create(null) as Record<string, string | null>;
  for (const f of fields) record[f.field] = null;
  for (const cell of row.children()) {
    const field = fieldOfColumn.get(cell.name);
    if (field === undefined) continue;
    const text = cell.text();
    record[field] = text.trim() === "" ? null : text;
  }
  return record;
}
