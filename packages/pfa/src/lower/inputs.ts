/**
 * The pipeline's data dictionary from a PFA input type. A record's fields become DataFields of the
 * same names; an array of numbers becomes one DataField per element (`input[0]`, …), as many as
 * the model reads. Every field is treated returnInvalid: PFA raises on a missing or mistyped
 * input field, so a row the engine rejects must fail in the pipeline too, never score as missing.
 */
import type { DataField, DataType, MiningField, OpType } from "@porta/ir";
import type { AvroType } from "@porta/ir/avro";
import { notLowerable } from "./refusal.ts";

/** Avro primitives the IR holds exactly: numbers as doubles (int and float values are doubles in JS), strings as categories. */
function fieldTypeOf(t: AvroType): { dataType: DataType; opType: OpType } | undefined {
  switch (t.kind) {
    case "double":
    case "float":
    case "int":
      return { dataType: "double", opType: "continuous" };
    case "string":
      return { dataType: "string", opType: "categorical" };
    default:
      // long (a bigint beyond 2^53), booleans, bytes, unions with null, nested records and arrays
      // have no IR field type that scores them as PFA does (yet)
      return undefined;
  }
}

export interface LoweredInputs {
  readonly dataFields: DataField[];
  /** Active MiningFields, one per DataField, in order. */
  readonly miningFields: MiningField[];
  /** Field name → its Avro type (record inputs). */
  readonly types: ReadonlyMap<string, AvroType>;
}

function dataField(name: string, dataType: DataType, opType: OpType): DataField {
  return { name, dataType, opType, validValues: [], invalidValues: [], missingValues: [], intervals: [] };
}

/** A MiningField that fails the row on a missing or invalid value, as PFA's input decoding does. */
export function strictMiningField(name: string, usageType: MiningField["usageType"] = "active"): MiningField {
  return { name, usageType, missingValueTreatment: "returnInvalid", invalidValueTreatment: "returnInvalid", outliers: "asIs" };
}

/** DataFields of a record input. */
export function recordInputs(input: AvroType): LoweredInputs {
  if (input.kind !== "record") return notLowerable(`input of type ${input.kind} is not a record`, "/input");
  const dataFields: DataField[] = [];
  const types = new Map<string, AvroType>();
  input.fields.forEach((f, k) => {
    const t = fieldTypeOf(f.type);
    if (!t) return notLowerable(`input field "${f.name}" of Avro type ${f.type.kind} has no exact IR field type`, `/input/fields/${k}`);
    dataFields.push(dataField(f.name, t.dataType, t.opType));
    types.set(f.name, f.type);
  });
  return { dataFields, miningFields: dataFields.map((f) => strictMiningField(f.name)), types };
}

/** The DataField name of element k of an array input. */
export function elementName(k: number): string {
  return `input[${k}]`;
}

/** DataFields of an array-of-numbers input read as `length` elements. */
export function arrayInputs(input: AvroType, length: number): LoweredInputs {
  if (input.kind !== "array" || !fieldTypeOf(input.items) || fieldTypeOf(input.items)!.dataType !== "double") {
    return notLowerable("input is not an array of numbers", "/input");
  }
  const dataFields = Array.from({ length }, (_, k) => dataField(elementName(k), "double", "continuous"));
  return { dataFields, miningFields: dataFields.map((f) => strictMiningField(f.name)), types: new Map() };
}
