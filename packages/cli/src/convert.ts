import { writeFileSync } from "node:fs";
import { preparePipeline, UnsupportedFeatureError } from "@porta/ir";
import { parsePmml } from "@porta/pmml";
import { readModelSource } from "@porta/runtime";
import { exportPipeline, NotExportable } from "@porta/onnx";

/** A name an `iife` browser build can set and its .d.ts declare as a namespace (`--global`). */
const GLOBAL_NAME = /^[A-Za-z_$][\w$]*$/;

/** Formats `porta convert --to` writes. */
export const CONVERT_TARGETS = ["onnx", "js", "browser", "pfa"] as const;
export type ConvertTarget = (typeof CONVERT_TARGETS)[number];

/**
 * `porta convert MODEL --to onnx|js|browser|pfa -o OUT`: the PMML document as an ONNX ModelProto, a PFA document, or
 * compiled into a standalone ES module for Node or for a browser (with its .d.ts beside it). What a target cannot reproduce is an
 * UnsupportedFeatureError naming the element (exit 67). Returns the number of bytes written.
 */
export async function convertModel(
  modelPath: string,
  to: string,
  outPath: string,
  options: { yaml?: boolean; format?: string; global?: string } = {},
): Promise<number> {
  if (!(CONVERT_TARGETS as readonly string[]).includes(to)) {
    throw new UnsupportedFeatureError(`--to ${to}`, `porta convert writes ${CONVERT_TARGETS.join(", ")}, not "${to}"`);
  }
  const format = options.format ?? "esm";
  if (format !== "esm" && (to !== "browser" || format !== "iife")) {
    throw new UnsupportedFeatureError(`--format ${format}`, `--format takes esm or iife, and iife only with --to browser`);
  }
  if (options.global !== undefined && (format !== "iife" || !GLOBAL_NAME.test(options.global))) {
    throw new UnsupportedFeatureError(`--global ${options.global}`, "--global names the global of --format iife: a JavaScript identifier");
  }
  if (to === "js" || to === "browser") return writeStandaloneModule(modelPath, outPath, to === "browser" ? "browser" : "node", format, options.global);
  if (to === "pfa") return writePfa(modelPath, outPath, options.yaml === true);
  const { text } = readModelSource(modelPath);
  const pipeline = parsePmml(text);
  // The document's own errors (cycles, unknown fields) as the other commands report them.
  preparePipeline(pipeline);
  let bytes: Uint8Array;
  try {
    bytes = exportPipeline(pipeline).bytes;
  } catch (e) {
    if (e instanceof NotExportable) throw new UnsupportedFeatureError("onnx", `onnx: ${e.message}`);
    throw e;
  }
  writeFileSync(outPath, bytes);
  return bytes.length;
}

async function writeStandaloneModule(
  modelPath: string,
  outPath: string,
  platform: "node" | "browser",
  format: "esm" | "iife",
  globalName?: string,
): Promise<number> {
  const { standaloneModule } = await import("./convert-js.ts");
  const { code, types } = await standaloneModule(modelPath, platform, format, globalName);
  writeFileSync(outPath, code);
  writeFileSync(declarationPath(outPath), types);
  return Buffer.byteLength(code);
}

/** Where TypeScript looks for a module's types: model.mjs → model.d.mts, model.js → model.d.ts. */
export function declarationPath(modulePath: string): string {
  const m = /\.(m|c)?js$/.exec(modulePath);
  return m ? `${modulePath.slice(0, m.index)}.d.${m[1] ?? ""}ts` : `${modulePath}.d.ts`;
}

/** `--to pfa [--yaml]`: the PMML document as a PFA document (pmmlToPfa on the prepared IR). */
async function writePfa(modelPath: string, outPath: string, asYaml: boolean): Promise<number> {
  const { pmmlToPfa, pfaDocumentText } = await import("@porta/pfa");
  const pipeline = parsePmml(readModelSource(modelPath).text);
  preparePipeline(pipeline);
  const text = pfaDocumentText(pmmlToPfa(pipeline).document, asYaml ? "yaml" : "json");
  writeFileSync(outPath, text);
  return Buffer.byteLength(text);
}
