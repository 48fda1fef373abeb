/**
 * @porta/pfa — the Portable Format for Analytics (PFA 0.8.1) in Node.
 *
 * ```ts
 * const engine = compilePfa(parsePfa(text));
 * const out = encodeOutput(engine, engine.action(decodeInput(engine, row)));
 * ```
 */
import { compilePfa, type PfaEngine, type PfaEngineOptions } from "./engine.ts";
import { decodeAvroJson, encodeAvroJson, parseJsonLossless, stringifyJson } from "./values.ts";
import { decodeInput, encodeOutput } from "./rows.ts";
import { registerBackend } from "@porta/backend";
import { pfaBackend } from "./backend.ts";

export { decodeInput, encodeOutput };
export { PfaSession, pfaBackend, pfaEngineOf } from "./backend.ts";

/** Importing @porta/pfa registers its engine as the backend for PFA documents. */
registerBackend("pfa", pfaBackend, 5);

export { parsePfa, validatePfa } from "./document.ts";
export type { PfaDocument, PfaMethod, PfaCellDef, PfaFcnDef } from "./document.ts";
export { compilePfa };
export type { PfaEngine, PfaEngineOptions };
export type { AvroType } from "@porta/ir/avro";
export type { DecodeLimits } from "./values.ts";
export type { PfaParseOptions } from "./document.ts";
export { DEFAULT_MAX_ARRAY_LENGTH, DEFAULT_MAX_STRING_LENGTH, DEFAULT_MAX_DEPTH, DEFAULT_MAX_DOCUMENT_BYTES } from "./limits.ts";
export { runPfaConformance } from "./conformance.ts";
export { describePfa } from "./describe.ts";
export { walkPfa, type PfaWalker } from "./walker/index.ts";
export type { PfaDescription, PfaStateDescription } from "./describe.ts";
export type { PfaConformanceReport, PfaConformanceCase, PfaTrialScorer } from "./conformance.ts";
export { decodeAvroJson, encodeAvroJson, parseJsonLossless, stringifyJson };

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
export { pmmlToPfa, pfaInputRecord, pfaDocumentText } from "./from-ir/index.ts";
export type { PfaFromPmml } from "./from-ir/index.ts";
export type { InputField as PfaInputField } from "./from-ir/fields.ts";
