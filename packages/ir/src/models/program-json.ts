/**
 * A program model's JSON form. A program is JSON data but for one thing: a recursive named type
 * (a record with a field of its own type, e.g. a linked list) is a cycle of type objects, as the
 * PFA checker builds it. In JSON the inner occurrence is written `{ "$type": fullName }` (no
 * Avro name starts with "$") and read back as the enclosing record type itself.
 */
import type { ProgramModel } from "./program.ts";

/** The key of a reference to an enclosing record type in a program's JSON form. */
export const TYPE_REF = "$type";

/** The program as JSON data: each cycle (a recursive record type) cut at its record by name. */
export function programToJson(model: ProgramModel): unknown {
  const open = new Set<object>();
  const walk = (v: unknown): unknown => {
    if (v === null || typeof v !== "object") return v;
    if (open.has(v)) {
      const t = v as { kind?: unknown; fullName?: unknown };
      if (t.kind !== "record" || typeof t.fullName !== "string") throw new Error("a program model holds a cycle that is not a recursive record type");
      return { [TYPE_REF]: t.fullName };
    }
    open.add(v);
    const out = Array.isArray(v) ? v.map(walk) : Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x)]));
    open.delete(v);
    return out;
  };
  return walk(model);
}

/**
 * The program of a JSON form (programToJson's): inside a record type, `{ "$type": name }` is the
 * enclosing record type of that name. Elsewhere (constants, whose Avro JSON maps may hold any key)
 * and in field defaults nothing is resolved.
 */
export function programFromJson(json: unknown): ProgramModel {
  const records: { fullName: string }[] = [];
  const walk = (v: unknown): unknown => {
    if (v === null || typeof v !== "object") return v;
    if (Array.isArray(v)) return v.map(walk);
    const o = v as Record<string, unknown>;
    const ref = o[TYPE_REF];
    if (records.length > 0 && typeof ref === "string" && Object.keys(o).length === 1) {
      const target = records.findLast((r) => r.fullName === ref);
      if (target) return target;
    }
    const out: Record<string, unknown> = {};
    const isRecordType = o.kind === "record" && typeof o.fullName === "string" && Array.isArray(o.fields);
    if (isRecordType) records.push(out as { fullName: string });
    for (const [k, x] of Object.entries(o)) out[k] = isRecordType && k === "fields" ? (x as Record<string, unknown>[]).map(field) : walk(x);
    if (isRecordType) records.pop();
    return out;
  };
  // a field's default is JSON data, read as it is
  const field = (f: Record<string, unknown>): Record<string, unknown> =>
    Object.fromEntries(Object.entries(f).map(([k, x]) => [k, k === "default" ? x : walk(x)]));
  return walk(json) as ProgramModel;
}
