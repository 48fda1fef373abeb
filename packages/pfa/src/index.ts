/**
 * @porta/pfa — the Portable Format for Analytics (PFA 0.8.1) in Node.
 *
 * ```ts
 * const engine = compilePfa(parsePfa(text));
 * const out = encodeOutput(engine, engine.action(decodeInput(engine, row)));
 * ```
 */
import { compilePfa, ENGINE_FACTS, type PfaEngine, type PfaEngineOptions } from "./engine.ts";
import { decodeAvroJson, encodeAvroJson, parseJsonLossless, stringifyJson } from "./values.ts";

export { parsePfa, validatePfa } from "./document.ts";
export type { PfaDocument, PfaMethod, PfaCellDef, PfaFcnDef } from "./document.ts";
export { compilePfa };
export type { PfaEngine, PfaEngineOptions };
export type { AvroType } from "./types.ts";
export type { DecodeLimits } from "./values.ts";
export type { PfaParseOptions } from "./document.ts";
export { DEFAULT_MAX_ARRAY_LENGTH, DEFAULT_MAX_STRING_LENGTH, DEFAULT_MAX_DEPTH, DEFAULT_MAX_DOCUMENT_BYTES } from "./limits.ts";
export { runPfaConformance } from "./conformance.ts";
export { describePfa } from "./describe.ts";
export { walkPfa, type PfaWalker } from "./walker/index.ts";
export type { PfaDescription, PfaStateDescription } from "./describe.ts";
export type { PfaConformanceReport, PfaConformanceCase } from "./conformance.ts";
export { decodeAvroJson, encodeAvroJson, parseJsonLossless, stringifyJson };

/**
 * Decode one input row from Avro JSON (tagged unions, base64 bytes, "inf"/"nan"), applying the
 * engine's `maxArrayLength` and `maxDepth` (EvaluationError PFA_ARRAY_TOO_LONG / PFA_VALUE_TOO_DEEP).
 */
export function decodeInput(engine: PfaEngine, json: unknown): unknown {
  return decodeAvroJson(engine.inputType, json, "/input", ENGINE_FACTS.get(engine)?.limits);
}

/** Encode one output value as Avro JSON (write it with `stringifyJson` to keep big longs exact). */
export function encodeOutput(engine: PfaEngine, value: unknown): unknown {
  return encodeAvroJson(engine.outputType, value);
}

/** Score NDJSON text line by line with a map engine; returns NDJSON. */
export function scoreNdjson(engine: PfaEngine, text: string, options?: PfaEngineOptions): string {
  void options;
  const out: string[] = [];
  for (const line of text.split("\n")) {
    if (line.trim() === "") continue;
    out.push(stringifyJson(encodeOutput(engine, engine.action(decodeInput(engine, parseJsonLossless(line))))));
  }
  return out.join("\n");
}
