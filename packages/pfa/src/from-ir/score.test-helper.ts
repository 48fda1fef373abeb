import { interpret, preparePipeline, type Value } from "@porta/ir";
import { parsePmml } from "@porta/pmml";
import { parsePfa } from "../document.ts";
import { compilePfa } from "../engine.ts";
import { decodeInput, encodeOutput } from "../rows.ts";
import { pfaInputRecord, pmmlToPfa } from "./index.ts";

/** A PMML document with a DataDictionary and one model element, written in a test. */
export function pmml(dataFields: string, model: string, transformations = ""): string {
  return `<PMML xmlns="http://www.dmg.org/PMML-4_4" version="4.4"><Header/><DataDictionary>${dataFields}</DataDictionary>${
    transformations ? `<TransformationDictionary>${transformations}</TransformationDictionary>` : ""
  }${model}</PMML>`;
}

/**
 * The document converted to PFA and compiled by Porta's PFA engine: `score` takes a row of PMML
 * field values and answers the result map untagged; `reference` is the PMML interpreter's result.
 */
export function converted(text: string): {
  document: Record<string, unknown>;
  score: (row: Record<string, unknown>) => Record<string, unknown>;
  reference: (row: Record<string, unknown>) => Record<string, Value>;
} {
  const pipeline = parsePmml(text);
  const prepared = preparePipeline(pipeline);
  const { document, inputs } = pmmlToPfa(pipeline);
  const engine = compilePfa(parsePfa(JSON.stringify(document)));
  engine.begin();
  return {
    document,
    score: (row) => {
      const out = encodeOutput(engine, engine.action(decodeInput(engine, pfaInputRecord(inputs, row)))) as Record<string, unknown>;
      return Object.fromEntries(Object.entries(out).map(([k, v]) => [k, v !== null && typeof v === "object" ? Object.values(v)[0] : v]));
    },
    reference: (row) => interpret(prepared, row),
  };
}
