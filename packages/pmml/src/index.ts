export { parsePmml, type ParsePmmlOptions } from "./parse.ts";
export { MODEL_ELEMENTS, supportedModelElements } from "./models/index.ts";
