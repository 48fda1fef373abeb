import { existsSync, readFileSync, statSync } from "node:fs";
import { ParseError, type Limits, type Pipeline } from "@porta/ir";
import { compilePipeline, NotCompilable } from "@porta/compile-js";
import { CompiledPmmlModel } from "./compiled-model.ts";
import { ArtifactCache } from "@porta/cache";
import { loadPmmlWithArtifacts } from "./artifacts.ts";
import { parsePmml } from "@porta/pmml";
import type { Model } from "./model.ts";
import { PmmlModel } from "./pmml-model.ts";
import { PfaModel } from "./pfa-model.ts";

export type ModelFormat = "pmml" | "pfa";

export type Backend = "auto" | "js" | "interp";

export interface LoadOptions {
  /** Skip content sniffing. */
  format?: ModelFormat;
  /**
   * PMML scoring backend: "js" (compiled) or "interp" (the reference interpreter). "auto" and
   * "js" compile and fall back to the interpreter, with a notice, for what compile-js lacks.
   */
  backend?: Backend;
  /**
   * Compiled-artifact cache: true for the default directory (PORTA_CACHE_DIR or
   * ~/.cache/porta), or a cache instance. A hit skips parsing and compiling. Default: off.
   */
  cache?: boolean | ArtifactCache;
  /**
   * Resource limits over `DEFAULT_LIMITS` (see @porta/ir `Limits` and SECURITY.md). The PMML
   * reader reads documentBytes, xmlElements and documentDepth; the interpreter regexSteps; PFA
   * engines `pfaWallMs` (per begin/action/end call, PFA_TIMEOUT) and `pfaStateBytes` (cells and
   * pools, PFA_MEMORY); `scoreBatch` rowDepth. A cache hit skips the reader's limits (the
   * document was read under them when it was compiled).
   */
  limits?: Partial<Limits>;
}

/** Largest model document read from disk (bytes). */
const MAX_DOCUMENT_BYTES = 512 * 1024 * 1024;

/** Detects the format from the content: XML is PMML, a JSON object or YAML mapping is PFA. */
export function detectFormat(text: string): ModelFormat {
  const head = text.slice(0, 4096).replace(/^\uFEFF/, "").trimStart();
  if (head.startsWith("<")) return "pmml";
  if (head.startsWith("{")) return "pfa";
  // YAML PFA: a document marker, a comment, or a `key:` mapping line first.
  if (/^(---|#|[A-Za-z_"'][\w"' -]*:(\s|$))/.test(head)) return "pfa";
  throw new ParseError("UNKNOWN_FORMAT", "not a model document: expected PMML (XML) or PFA (JSON or YAML)", { path: "/", value: head.slice(0, 40) });
}

/** Reads a model document from a path, or takes the text itself when it looks like a document. */
export function readModelSource(pathOrText: string): { text: string; origin: string } {
  const looksLikeText = /[<{\n]/.test(pathOrText.slice(0, 4096));
  if (looksLikeText && !existsSync(pathOrText)) return { text: pathOrText, origin: "<string>" };
  if (!existsSync(pathOrText)) {
    throw new ParseError("MODEL_NOT_FOUND", `no model file at ${pathOrText}`, { value: pathOrText });
  }
  const size = statSync(pathOrText).size;
  if (size > MAX_DOCUMENT_BYTES) {
    throw new ParseError("MODEL_TOO_LARGE", `model file is ${size} bytes, more than ${MAX_DOCUMENT_BYTES}`, { value: size });
  }
  const buf = readFileSync(pathOrText);
  return { text: buf.toString("utf8"), origin: pathOrText };
}

/** Loads a PMML or PFA model from a path or from the document text. */
export async function loadModel(pathOrText: string, options: LoadOptions = {}): Promise<Model> {
  return loadModelSync(pathOrText, options);
}

export function loadModelSync(pathOrText: string, options: LoadOptions = {}): Model {
  const { text } = readModelSource(pathOrText);
  const format = options.format ?? detectFormat(text);
  if (format === "pmml" && options.cache && options.backend !== "interp") {
    const cache = options.cache === true ? new ArtifactCache() : options.cache;
    const { model, load } = loadPmmlWithArtifacts(text, cache, options.limits);
    (model as { loadInfo?: Model["loadInfo"] }).loadInfo = { artifactCache: load };
    return model;
  }
  return modelFromText(text, format, options.backend, options.limits);
}

export function modelFromText(text: string, format: ModelFormat, backend: Backend = "auto", limits: Partial<Limits> = {}): Model {
  if (format === "pfa") return new PfaModel(text, limits);
  return pmmlModel(parsePmml(text, { limits }), backend, limits);
}

/** The fastest backend that can score the pipeline; the interpreter says why when it is chosen. */
export function pmmlModel(pipeline: Pipeline, backend: Backend = "auto", limits: Partial<Limits> = {}): Model {
  const reference = new PmmlModel(pipeline, limits);
  if (backend === "interp") return reference;
  try {
    return new CompiledPmmlModel(pipeline, compilePipeline(pipeline), reference);
  } catch (e) {
    if (!(e instanceof NotCompilable)) throw e;
    reference.notices.push(`compile-js: ${e.message}; scoring with the interpreter`);
    return reference;
  }
}
