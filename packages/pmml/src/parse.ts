import { DEFAULT_LIMITS, loadPhase, ParseError, SchemaError, resolveLimits, type Limits, type Pipeline } from "@porta/ir";
import { readPmmlVersion } from "./version.ts";
import { collectNotices } from "./notices.ts";
import { parseXml, type XmlElement } from "./xml.ts";
import { parseDataDictionary, parseTransformations } from "./dictionary.ts";
import { isModelElement, parseModel } from "./models/index.ts";
import { checkFieldReferences } from "./references.ts";
import { TreeCapture, treeTableReading } from "./models/tree-table.ts";

export interface ParsePmmlOptions {
  /** Overrides of @porta/ir's DEFAULT_LIMITS; the reader uses documentBytes, xmlElements and documentDepth. */
  limits?: Partial<Limits>;
}

/**
 * Parses a PMML 3.0–4.4.x document straight into the pipeline IR. Namespaces are ignored (PMML
 * files in the wild carry 3_1 namespaces on 3.2 documents and the like); the version is kept, and
 * one Porta does not know is read as the newest it knows, with a notice (see version.ts). The
 * document is its text, or its bytes (a file's: read as UTF-8, never decoded whole; see xml-check.ts).
 */
export function parsePmml(text: string | Uint8Array, options: ParsePmmlOptions = {}): Pipeline {
  const { result, notices } = collectNotices(() => readPmml(text, options));
  if (notices.length > 0) result.notices = [...(result.notices ?? []), ...notices];
  return result;
}

function readPmml(text: string | Uint8Array, options: ParsePmmlOptions): Pipeline {
  const limits = resolveLimits(options.limits);
  // Plain TreeModels are read into node tables as the document is scanned (models/tree-table.ts).
  const root = loadPhase("xml", () => parseXml(text, limits, treeTableReading.enabled ? new TreeCapture() : undefined));
  try {
    return loadPhase("ir", () => pipelineOf(root, text));
  } catch (e) {
    // The converters below recurse once per nesting level. The default documentDepth is set well
    // inside the stack; a caller who raises it past what the stack holds gets the typed error the
    // limit would have given, not a RangeError.
    if (isStackOverflow(e)) {
      throw new ParseError(
        "XML_TOO_DEEP",
        `the document nests too deeply to be read (the stack ran out below the documentDepth limit of ${limits.documentDepth}; the default limit is ${DEFAULT_LIMITS.documentDepth})`,
        { path: root.path, value: limits.documentDepth },
      );
    }
    throw e;
  }
}

function isStackOverflow(e: unknown): boolean {
  return e instanceof RangeError && /call stack/i.test(e.message);
}

function pipelineOf(root: XmlElement, text: string | Uint8Array): Pipeline {
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
