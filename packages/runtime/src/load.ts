import { existsSync, readFileSync, statSync } from "node:fs";
import { resolveBackend, resolveBackendSync, type BackendHints, type Resolved, type ScoringPlan } from "@porta/backend";
import { ArtifactCache } from "@porta/cache/artifacts";
import { ParseError } from "@porta/ir/errors";
import { resolveLimits, type Limits } from "@porta/ir/limits";
import { loadPhase } from "@porta/ir/phases";
import type { Pipeline } from "@porta/ir";
import { pmmlReader, pmmlReaderSync } from "./pmml-reader.ts";
import { artifactHooks } from "./artifacts.ts";
import type { Model } from "./model.ts";
import { PortaModel } from "./porta-model.ts";
import { assertVerified, verificationPlan, verifyModel, verifyModelSync, type VerificationPlan, type VerificationReport } from "./verify.ts";

export type ModelFormat = "pmml" | "pfa";

/**
 * Which backend scores: "auto" (every registered backend, fastest first), one backend's name
 * (tried first, then the others as "auto" would), or a list tried in order and nothing else
 * (end it with "auto" to fall back).
 */
export type BackendChoice = string | readonly string[];

export interface LoadOptions {
  /** Skip content sniffing. */
  format?: ModelFormat;
  /** Which backend scores (see BackendChoice). Default "auto". */
  backend?: BackendChoice;
  /**
   * "sync" (default): only backends with a synchronous path, so `score`/`scoreBatch`/
   * `scoreColumns` work. "async": every backend (onnxruntime among them); use the async methods.
   */
  scoring?: "sync" | "async";
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
  /**
   * Check the document's own ModelVerification records (PMML) once loaded, as JPMML's `verify()`
   * does: a record whose result disagrees throws MODEL_VERIFICATION_FAILED naming it. A cache
   * hit then parses the document for its records. Default: off.
   */
  verify?: boolean;
}

/** Largest model document read from disk (bytes). */
const MAX_DOCUMENT_BYTES = 512 * 1024 * 1024;

/** Detects the format from the content: XML is PMML, a JSON object or YAML mapping is PFA. */
export function detectFormat(text: string): ModelFormat {
  const head = text
    .slice(0, 4096)
    .replace(/^\uFEFF/, "")
    .trimStart();
  if (head.startsWith("<")) return "pmml";
  if (head.startsWith("{")) return "pfa";
  // YAML PFA: a document marker, a comment, or a `key:` mapping line first.
  if (/^(---|#|[A-Za-z_"'][\w"' -]*:(\s|$))/.test(head)) return "pfa";
  throw new ParseError("UNKNOWN_FORMAT", "not a model document: expected PMML (XML) or PFA (JSON or YAML)", { path: "/", value: head.slice(0, 40) });
}

/** Reads a model document from a path, or takes the text itself when it looks like a document. */
export function readModelSource(pathOrText: string): ModelSource {
  const looksLikeText = /[<{\n]/.test(pathOrText.slice(0, 4096));
  if (looksLikeText && !existsSync(pathOrText)) return { text: pathOrText, origin: "<string>" };
  if (!existsSync(pathOrText)) {
    throw new ParseError("MODEL_NOT_FOUND", `no model file at ${pathOrText}`, { value: pathOrText });
  }
  const size = statSync(pathOrText).size;
  if (size > MAX_DOCUMENT_BYTES) {
    throw new ParseError("MODEL_TOO_LARGE", `model file is ${size} bytes, more than ${MAX_DOCUMENT_BYTES}`, { value: size });
  }
  const bytes = loadPhase("read", () => readFileSync(pathOrText));
  return fileSource(bytes, pathOrText);
}

/**
 * A file's document: its text is decoded when first asked for (a PFA document, a command that
 * shows it); the PMML reader reads the bytes themselves (issue 14: decoding a 100 MB forest was
 * 0.4 s and 100 MB of string the reader never needed).
 */
function fileSource(bytes: Buffer, origin: string): ModelSource {
  let text: string | undefined;
  return {
    get text() {
      return (text ??= loadPhase("decode", () => bytes.toString("utf8")));
    },
    origin,
    bytes,
  };
}

/** A model document: its text, where it came from, and the file's bytes when read from one. */
export interface ModelSource {
  readonly text: string;
  origin: string;
  /** The artifact cache keys these (hashing the text would encode it again); the PMML reader reads them. */
  bytes?: Buffer;
}

/** The first 4096 characters of a document, for detectFormat, without decoding a file whole. */
function headOf(source: Pick<ModelSource, "text" | "bytes">): string {
  // At most 3 bytes a UTF-16 code unit: 3 · 4096 + 3 bytes hold the first 4096 units.
  return source.bytes !== undefined ? source.bytes.toString("utf8", 0, 3 * 4096 + 3).slice(0, 4096) : source.text;
}

/** The backends a choice names, in the order resolution tries them. */
export function backendHints(choice: BackendChoice = "auto", scoring: "sync" | "async" = "sync", format?: ModelFormat): BackendHints {
  const backends = typeof choice === "string" ? (choice === "auto" ? ["auto"] : [choice, "auto"]) : choice;
  return { backends, sync: scoring === "sync", format };
}

interface Loading {
  format: ModelFormat;
  hints: BackendHints;
  limits: Limits;
  /** The plan for the sync load path (the PMML reader required) and for the async one (imported). */
  plan: () => ScoringPlan;
  planAsync: () => Promise<ScoringPlan>;
  hooks?: ReturnType<typeof artifactHooks>;
}

function loading(source: Pick<ModelSource, "text" | "bytes">, options: LoadOptions): Loading {
  const { bytes } = source;
  const format = options.format ?? detectFormat(headOf(source));
  const limits = resolveLimits(options.limits ?? {});
  // PMML from a file is read from its bytes; PFA (and text given as text) as text.
  const document = (): string | Buffer => bytes ?? source.text;
  const plan = (): ScoringPlan =>
    format === "pfa" ? { format, text: source.text, limits } : { format, pipeline: pmmlReaderSync().parsePmml(document(), { limits }), limits };
  const planAsync = async (): Promise<ScoringPlan> =>
    format === "pfa" ? { format, text: source.text, limits } : { format, pipeline: (await pmmlReader()).parsePmml(document(), { limits }), limits };
  const cache = options.cache === true ? new ArtifactCache() : options.cache || undefined;
  return {
    format,
    hints: backendHints(options.backend, options.scoring, format),
    limits,
    plan,
    planAsync,
    hooks: cache ? artifactHooks(bytes ?? source.text, cache) : undefined,
  };
}

function modelOf(l: Loading, resolved: Resolved, started: number): Model {
  const model = new PortaModel(l.format, resolved.session, resolved.refusals, l.limits, resolved.plan);
  if (l.hooks) model.loadInfo = { artifactCache: l.hooks.load(resolved.session.backend, started) };
  return model;
}

/** Loads a PMML or PFA model from a path or from the document text. */
export async function loadModel(pathOrText: string, options: LoadOptions = {}): Promise<Model> {
  const started = performance.now();
  if (options.verify) {
    const { model, report } = await loadModelVerified(pathOrText, options);
    if (report) assertVerified(report);
    return model;
  }
  const l = loading(readModelSource(pathOrText), options);
  return modelOf(l, await resolveBackend(l.hints, l.planAsync, l.hooks), started);
}

/**
 * Loads a model and checks it against the document's ModelVerification records (PMML); the
 * report is undefined when the document has none. Disagreements are in the report, not thrown.
 */
export async function loadModelVerified(pathOrText: string, options: LoadOptions = {}): Promise<{ model: Model; report?: VerificationReport }> {
  const started = performance.now();
  const l = loading(readModelSource(pathOrText), options);
  const resolved = await resolveBackend(l.hints, l.planAsync, l.hooks);
  const model = modelOf(l, resolved, started);
  const plan = verificationOf(resolved.plan ?? (await l.planAsync()));
  return plan ? { model, report: await verifyModel(model, plan) } : { model };
}

/** loadModel for synchronous callers: only backends with a synchronous path are tried. */
export function loadModelSync(pathOrText: string, options: LoadOptions = {}): Model {
  return loadSourceSync(readModelSource(pathOrText), options);
}

function loadSourceSync(source: Pick<ModelSource, "text" | "bytes">, options: LoadOptions): Model {
  const started = performance.now();
  const l = loading(source, options);
  const resolved = resolveBackendSync(l.hints, l.plan, l.hooks);
  const model = modelOf(l, resolved, started);
  if (options.verify) {
    const plan = verificationOf(resolved.plan ?? l.plan());
    if (plan) assertVerified(verifyModelSync(model, plan));
  }
  return model;
}

function verificationOf(plan: ScoringPlan): VerificationPlan | undefined {
  return plan.format === "pmml" ? verificationPlan(plan.pipeline) : undefined;
}

/** A model from document text (synchronous backends). */
export function modelFromText(text: string, format: ModelFormat, backend: BackendChoice = "auto", limits: Partial<Limits> = {}): Model {
  return loadSourceSync({ text }, { format, backend, limits });
}

/** A model of a parsed PMML pipeline, scored by the chosen backend (synchronous backends). */
export function pmmlModel(pipeline: Pipeline, backend: BackendChoice = "auto", limits: Partial<Limits> = {}): Model {
  const resolved = resolveLimits(limits);
  const r = resolveBackendSync(backendHints(backend, "sync", "pmml"), { format: "pmml", pipeline, limits: resolved });
  return new PortaModel("pmml", r.session, r.refusals, resolved, r.plan);
}
