import { writeFileSync } from "node:fs";
import { preparePipeline, UnsupportedFeatureError } from "@porta/ir";
import { parsePmml } from "@porta/pmml";
import { readModelSource } from "@porta/runtime";
import { exportPipeline, NotExportable } from "@porta/onnx";

/** Formats `porta convert --to` writes. */
export const CONVERT_TARGETS = ["onnx"] as const;
export type ConvertTarget = (typeof CONVERT_TARGETS)[number];

/**
 * `porta convert MODEL --to onnx -o model.onnx`: the PMML document as an ONNX ModelProto. What the
 * export cannot reproduce is an UnsupportedFeatureError naming the element (exit 67).
 * Returns the number of bytes written.
 */
export function convertModel(modelPath: string, to: string, outPath: string): number {
  if (!(CONVERT_TARGETS as readonly string[]).includes(to)) {
    throw new UnsupportedFeatureError(`--to ${to}`, `porta convert writes ${CONVERT_TARGETS.join(", ")}, not "${to}"`);
  }
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
