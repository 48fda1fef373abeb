/** An engine's input or output type as the fields a session reports (a record's fields, or one field). */
import type { FieldInfo } from "@porta/backend";
import type { AvroType } from "@porta/ir/avro";

function typeLabel(t: AvroType): string {
  switch (t.kind) {
    case "record":
    case "enum":
    case "fixed":
      return t.fullName;
    case "array":
      return `array<${typeLabel(t.items)}>`;
    case "map":
      return `map<${typeLabel(t.values)}>`;
    case "union":
      return t.types.map(typeLabel).join("|");
    default:
      return t.kind;
  }
}

/** A record's fields, or one field named `single` for any other type. */
export function fieldsOf(t: AvroType, single: string): FieldInfo[] {
  return t.kind === "record" ? t.fields.map((f) => ({ name: f.name, dataType: typeLabel(f.type) })) : [{ name: single, dataType: typeLabel(t) }];
}
