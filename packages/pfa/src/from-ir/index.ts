import type { Pipeline } from "@porta/ir";
import yaml from "js-yaml";
import { Block, type Code, type Json, cannotConvert } from "./code.ts";
import { type InputField, RootEnv } from "./fields.ts";
import { convertModel } from "./models/index.ts";
import { AvroNames } from "./names.ts";

/** A PMML pipeline converted to PFA: the document, and how the input record names the PMML fields. */
export interface PfaFromPmml {
  /** The PFA document (JSON): a map engine from the input record to a map of result fields. */
  document: Record<string, unknown>;
  /** Each input record field: the PMML DataField, its Avro name and type (always a union with null: missing). */
  inputs: InputField[];
  /** The result fields, by PMML name, in the order PMML reports them: the target(s), then the OutputFields. */
  outputs: string[];
}

/**
 * Converts a PMML pipeline (as parsePmml reads it) into a PFA 0.8.1 document that scores the
 * same rows to the same results. The input is a record of the DataFields the model reads, each
 * a union with null (a missing value); the output a map from each PMML result field name (the
 * target, then the final OutputFields, named as PMML names them: Avro field names could not
 * hold "probability(setosa)") to a value. What cannot be converted exactly throws
 * UnsupportedFeatureError naming the element.
 */
export function pmmlToPfa(pipeline: Pipeline): PfaFromPmml {
  const block = new Block();
  const names = new AvroNames();
  const root = new RootEnv(block, pipeline, names);
  const run = convertModel(pipeline.model, root, false, { pipeline, block, dataFields: new Map(pipeline.dataFields.map((f) => [f.name, f])) });
  const results = new Map<string, Code>();
  if (run.target.name !== null) results.set(run.target.name, run.code.value);
  for (const [name, code] of run.outputs) results.set(name, code);
  const hidden = new Set(pipeline.model.output.filter((f) => !f.isFinalResult).map((f) => f.name));
  for (const name of hidden) results.delete(name);
  const types = new Set<string>(["null"]);
  for (const c of results.values()) types.add(c.type === "int" ? "double" : c.type);
  const valueType = [...types];
  const entries: Record<string, Json> = {};
  for (const [name, c] of results) entries[name] = c.type === "int" ? { upcast: c.expr, as: ["null", "double"] } : c.expr;
  if (root.inputs.length === 0) cannotConvert("MiningSchema", "the model reads no input field");
  const document = {
    name: pfaName(pipeline),
    method: "map",
    input: {
      type: "record",
      name: "Input",
      fields: root.inputs.map((f) => ({ name: f.avro, type: ["null", f.type], doc: f.pmml })),
    },
    output: { type: "map", values: valueType },
    action: [...block.statements, { new: entries, type: { type: "map", values: valueType } }],
    ...(Object.keys(block.cells).length > 0 ? { cells: block.cells } : {}),
    ...(Object.keys(block.fcns).length > 0 ? { fcns: block.fcns } : {}),
    // A doc, not an engine option: other PFA engines (Titus, Hadrian) need not know Porta's options.
    doc: `Converted from PMML ${pipeline.version} by porta convert --to pfa`,
  };
  return { document, inputs: root.inputs, outputs: [...results.keys()] };
}

function pfaName(pipeline: Pipeline): string {
  const name = (pipeline.model.modelName ?? "PMML").replace(/[^A-Za-z0-9_]/g, "_");
  return /^[A-Za-z_]/.test(name) ? name : `_${name}`;
}

/**
 * A row of PMML field values (numbers, text, null for missing) as the PFA input record in Avro
 * JSON: each field under its Avro name, tagged with its union branch.
 */
export function pfaInputRecord(inputs: readonly InputField[], row: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const f of inputs) {
    const v = row[f.pmml];
    if (v === null || v === undefined) out[f.avro] = null;
    else if (f.type === "string") out[f.avro] = { string: String(v) };
    else {
      const n = typeof v === "number" ? v : typeof v === "string" && v.trim() !== "" ? Number(v) : Number.NaN;
      // A number that is not one (NaN, or text a numeric field cannot hold) is missing, as PMML reads "NaN".
      out[f.avro] = Number.isNaN(n) ? null : { [f.type]: Number.isFinite(n) ? n : n > 0 ? "inf" : "-inf" };
    }
  }
  return out;
}

/** The converted document as text: JSON, or YAML (PFA's other serialisation; same structure). */
export function pfaDocumentText(document: Record<string, unknown>, format: "json" | "yaml"): string {
  if (format === "json") return `${jsonText(document)}\n`;
  // No anchors or aliases (PFA readers need not resolve them), no folding of long lines.
  return yaml.dump(document, { noRefs: true, lineWidth: -1 });
}

/**
 * JSON text as JSON.stringify writes it, except that −0 stays −0 ("-0.0"): JSON.stringify
 * writes 0, and a model parameter's sign of zero (an SVM's α, a threshold) would differ from
 * the YAML text and from the PMML.
 */
function jsonText(value: unknown): string {
  if (typeof value === "number") return Object.is(value, -0) ? "-0.0" : JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map((v) => (v === undefined ? "null" : jsonText(v))).join(",")}]`;
  if (value !== null && typeof value === "object") {
    const fields = Object.entries(value).filter(([, v]) => v !== undefined);
    return `{${fields.map(([k, v]) => `${JSON.stringify(k)}:${jsonText(v)}`).join(",")}}`;
  }
  return JSON.stringify(value);
}
