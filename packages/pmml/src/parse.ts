import { ParseError, SchemaError, type Pipeline } from "@porta/ir";
import { readPmmlVersion } from "./version.ts";
import { collectNotices } from "./notices.ts";
import { parseXml, type XmlLimits } from "./xml.ts";
import { parseDataDictionary, parseTransformations } from "./dictionary.ts";
import { isModelElement, parseModel } from "./models/index.ts";
import { checkFieldReferences } from "./references.ts";

export interface ParsePmmlOptions {
  limits?: Partial<XmlLimits>;
}

/**
 * Parses a PMML 3.0–4.4.x document straight into the pipeline IR. Namespaces are ignored (PMML
 * files in the wild carry 3_1 namespaces on 3.2 documents and the like); the version is kept, and
 * one Porta does not know is read as the newest it knows, with a notice (see version.ts).
 */
export function parsePmml(text: string, options: ParsePmmlOptions = {}): Pipeline {
  const { result, notices } = collectNotices(() => readPmml(text, options));
  if (notices.length > 0) result.notices = [...(result.notices ?? []), ...notices];
  return result;
}

function readPmml(text: string, options: ParsePmmlOptions): Pipeline {
  const root = parseXml(text, { maxChars: 512 * 1024 * 1024, maxDepth: 4096, ...options.limits });
  if (root.name !== "PMML") {
    throw new ParseError("PMML_NOT_PMML", `the root element is <${root.name}>, not <PMML>`, { path: root.path, value: root.name });
  }
  const { version, notices } = readPmmlVersion(root, text);
  const dictionary = root.child("DataDictionary");
  if (!dictionary) {
    throw new SchemaError("PMML_MISSING_ELEMENT", "PMML needs a DataDictionary", { path: root.path, value: "DataDictionary" });
  }
  const header = root.child("Header");
  const application = header?.child("Application");
  const { derived, functions } = parseTransformations(root.child("TransformationDictionary"));
  const models = root.children().filter(isModelElement);
  if (models.length === 0) {
    throw new SchemaError("PMML_NO_MODEL", "the document holds no model element", { path: root.path, value: null });
  }
  const scorable = models.find((m) => m.attr("isScorable") !== "false") ?? models[0];
  const pipeline: Pipeline = {
    format: "pmml",
    version,
    header: {
      application: application?.attr("name"),
      applicationVersion: application?.attr("version"),
      description: header?.attr("description"),
      copyright: header?.attr("copyright"),
    },
    dataFields: parseDataDictionary(dictionary),
    transformations: derived,
    functions,
    model: parseModel(scorable),
    notices,
  };
  checkFieldReferences(pipeline);
  return pipeline;
}
