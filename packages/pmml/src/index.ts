export { parsePmml, type ParsePmmlOptions } from "./parse.ts";
export { MODEL_ELEMENTS, supportedModelElements } from "./models/index.ts";
export { readPmmlVersion, KNOWN_PMML_VERSIONS, NEWEST_PMML_VERSION, type PmmlVersion } from "./version.ts";
