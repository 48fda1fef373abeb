export { parsePmml, type ParsePmmlOptions } from "./parse.ts";
export { MODEL_ELEMENTS } from "./models/index.ts";
