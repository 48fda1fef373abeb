import { interpret, preparePipeline, type Value } from "@porta/ir";
import { parsePmml } from "@porta/pmml";
import { parsePfa } from "../document.ts";
import { compilePfa, type PfaEngine } from "../engine.ts";
import { decodeInput, encodeOutput } from "../rows.ts";
import { pfaDocumentText, pfaInputRecord, pmmlToPfa } from "./index.ts";

/** A PMML document with a DataDictionary and one model element, written in a test. */
export function pmml(dataFields: string, model: string, transformations = ""): string {
  return `<PMML xmlns="http://www.dmg.org/PMML-4_4" version="4.4"><Header/><DataDictionary>${dataFields}</DataDictionary>${
    transformations ? `<TransformationDictionary>${transformations}</TransformationDictionary>` : ""
  }${model}</PMML>`;
}

/**
 * The document converted to PFA and compiled by Porta's PFA engine, from its JSON and from its
 * YAML text: `score` takes a row of PMML field values and answers the result map untagged (the
 * two texts must agree); `reference` is the PMML interpreter's result.
 */
export function converted(text: string): {
  document: Record<string, unknown>;
  score: (row: Record<string, unknown>) => Record<string, unknown>;
  reference: (row: Record<string, unknown>) => Record<string, Value>;
} {
  const pipeline = parsePmml(text);
  const prepared = preparePipeline(pipeline);
  const { document, inputs } = pmmlToPfa(pipeline);
  const engine = compilePfa(parsePfa(pfaDocumentText(document, "json")));
  engine.begin();
  // The YAML text (porta convert --yaml) is the same document: it must score every row alike.
  const fromYaml = compilePfa(parsePfa(pfaDocumentText(document, "yaml")));
  fromYaml.begin();
  const run = (e: PfaEngine, row: Record<string, unknown>): string => JSON.stringify(encodeOutput(e, e.action(decodeInput(e, pfaInputRecord(inputs, row)))));
  return {
    document,
    score: (row) => {
      const json = run(engine, row);
      const yaml = run(fromYaml, row);
      if (yaml !== json) throw new Error(`the YAML document scores ${yaml}, the JSON one ${json}`);
      const out = JSON.parse(json) as Record<string, unknown>;
      return Object.fromEntries(Object.entries(out).map(([k, v]) => [k, v !== null && typeof v === "object" ? Object.values(v)[0] : v]));
    },
    reference: (row) => interpret(prepared, row),
  };
}
