import { interpret, type Pipeline, type Value } from "@porta/ir";
import { parsePmml } from "./parse.ts";

/** Test support: wraps a DataDictionary body and a model element into a PMML 4.4 document. */
export function pmmlDocument(dataFields: string, body: string, version = "4.4"): string {
  return `<?xml version="1.0"?>
<PMML version="${version}" xmlns="http://www.dmg.org/PMML-${version.replace(".", "_")}">
  <Header/>
  <DataDictionary>${dataFields}</DataDictionary>
  ${body}
</PMML>`;
}

/** Parses a document and returns a scorer for rows. */
export function scorer(xml: string): (row: Record<string, unknown>) => Record<string, Value> {
  const pipeline: Pipeline = parsePmml(xml);
  return (row) => interpret(pipeline, row);
}
