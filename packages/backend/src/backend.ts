import { PortaError } from "@porta/ir/errors";
import type { Limits, Pipeline } from "@porta/ir";
import type { Batch, ScoredBatch } from "./batch.ts";
import type { FieldInfo, ScoreResult } from "./rows.ts";
import { LoweredSession, restoreLowered, type LoweredPlan } from "./lowered.ts";

/** What every backend is asked to score: a PMML pipeline (the IR) or a PFA document. */
export type ScoringPlan =
  | { readonly format: "pmml"; readonly pipeline: Pipeline; readonly limits: Limits }
  | { readonly format: "pfa"; readonly text: string; readonly limits: Limits };

/** What a model says about itself, whichever backend scores it. */
export interface ModelFacts {
  modelTypes: string[];
  inputFields: FieldInfo[];
  outputFields: FieldInfo[];
  /** The document's notices (pipeline.notices), kept with a cached artifact. */
  notices?: string[];
  /** The usageType="group" MiningField of a transactional model. */
  groupField?: string;
}

/** A compiled artifact a backend can store and restore (the artifact cache's entry). */
export interface SessionArtifact {
  code: string;
  meta: { [key: string]: unknown };
}

/** Per-row outcome of a row-wise scoring call: `errors[i]` set for a failed row (result null). */
export interface RowsOutcome {
  results: (ScoreResult | null)[];
  errors: (Error | undefined)[];
}

/** Scores rows one at a time, a failed row kept as its error (result null): `scoreRows` of a row-wise backend. */
export function scoreRowsEach(rows: readonly Readonly<Record<string, unknown>>[], score: (row: Readonly<Record<string, unknown>>) => ScoreResult): RowsOutcome {
  const results: (ScoreResult | null)[] = new Array(rows.length);
  const errors: (Error | undefined)[] = new Array(rows.length);
  for (let i = 0; i < rows.length; i++) {
    try {
      results[i] = score(rows[i]!);
    } catch (e) {
      results[i] = null;
      errors[i] = e instanceof Error ? e : new Error(String(e));
    }
  }
  return { results, errors };
}

/**
 * A model compiled by one backend. `run` is the one call every backend has; a synchronous
 * backend (`Backend.sync`) also has `runSync` and `scoreRows`, the latency path of the row API.
 */
export interface Session {
  /** Name of the backend that compiled it. */
  readonly backend: string;
  readonly facts: ModelFacts;
  /** Scores a columnar batch. */
  run(batch: Batch): Promise<ScoredBatch>;
  runSync?(batch: Batch): ScoredBatch;
  /** Scores row objects (raw values, strings parsed per field). Rows were depth-checked. */
  scoreRows?(rows: readonly Readonly<Record<string, unknown>>[]): RowsOutcome;
  /** The compiled form for the artifact cache, when the backend can store one. */
  artifact?(): SessionArtifact | undefined;
  /** Frees native resources (an onnxruntime session). */
  dispose?(): Promise<void> | void;
}

/** A backend's answer when it cannot score a plan: the reason, naming the element. */
export interface Refusal {
  readonly refused: true;
  readonly reason: string;
}

export function refuse(reason: string): Refusal {
  return { refused: true, reason };
}

export function isRefusal<T extends object>(x: T | Refusal): x is Refusal {
  return (x as Refusal).refused === true;
}

export interface Backend {
  readonly name: string;
  /** One line for `porta inspect` / `porta backends`. */
  readonly description: string;
  /** Sessions have `runSync` and `scoreRows`, and `compile` never returns a promise. */
  readonly sync: boolean;
  /** The document formats it scores; "auto" passes over a backend whose formats exclude the document's. */
  readonly formats: readonly ScoringPlan["format"][];
  /** Compiles a plan, or refuses with the reason. Errors in the document itself are thrown. */
  compile(plan: ScoringPlan): Session | Refusal | Promise<Session | Refusal>;
  /**
   * The formats this backend lowers into the IR (`lower`): the pfa backend reads a PFA document
   * into a pipeline when its action has a shape the IR holds.
   */
  readonly lowers?: readonly ScoringPlan["format"][];
  /**
   * Lowers a plan of a format in `lowers` into an IR pipeline, or refuses with the reason (not an
   * error: the document is then scored by a backend of its own format). Errors in the document are thrown.
   */
  lower?(plan: ScoringPlan): LoweredPlan | Refusal;
  /** Scores pipelines lowered from formats it does not read itself (see `lowers`). */
  readonly scoresLowered?: boolean;
  /** Rebuilds a session from a stored artifact (the artifact cache); throws if it cannot. */
  restore?(artifact: SessionArtifact, facts: ModelFacts): Session;
  /**
   * Loads the implementation before `compile` / `restore` (a lazy backend, see `lazyBackend`):
   * `resolveBackend` awaits `load`, `resolveBackendSync` calls `loadSync`.
   */
  load?(): Promise<void>;
  loadSync?(): void;
  /**
   * Loads what `restore` needs for this artifact when that is less than `load` (compile-js: the
   * scorer without the compiler); the async resolution calls it instead of `load` when an
   * artifact is stored, and `load` only if the artifact cannot be restored.
   */
  loadRestore?(artifact: SessionArtifact): Promise<void>;
  /**
   * Why `auto` passes over this backend now, or undefined when it may be tried: a GPU backend
   * without a GPU adapter. Asked only when the backend comes from "auto", never when it is named
   * (`--backend gpu` still runs it), and before it is loaded, so it must be cheap.
   */
  autoRefusal?(): string | undefined | Promise<string | undefined>;
}

/**
 * What a backend says about itself before its implementation is loaded: enough for `auto` to
 * order and filter it, so registering costs no import (start-up of `porta` and `import("porta")`).
 */
export interface BackendDescriptor {
  readonly name: string;
  readonly description: string;
  readonly sync: boolean;
  readonly formats: readonly ScoringPlan["format"][];
  /** The implementation can rebuild sessions from stored artifacts. */
  readonly restores: boolean;
  /** As Backend.lowers: the implementation has `lower` for these formats. */
  readonly lowers?: readonly ScoringPlan["format"][];
  /** As Backend.scoresLowered. */
  readonly scoresLowered?: boolean;
  /** Imports the implementation (the async load path). */
  load(): Promise<Backend>;
  /** Loads it synchronously (`loadModelSync`: Node's require of an ES module); only sync backends need it. */
  loadSync?(): Backend;
  /**
   * Imports only what restoring `artifact` needs (a `restores` backend whose restore path is
   * lighter than its compiler) and returns the restore function: a cache hit then skips `load`.
   */
  loadRestorer?(artifact: SessionArtifact): Promise<Restorer>;
  /** As Backend.autoRefusal (it must not load the implementation). */
  autoRefusal?(): string | undefined | Promise<string | undefined>;
}

/** Rebuilds a session from a stored artifact, as `Backend.restore`. */
export type Restorer = (artifact: SessionArtifact, facts: ModelFacts) => Session;

/**
 * A backend whose implementation module is loaded the first time a model is compiled or restored
 * with it: registering it imports nothing. Loading twice yields the same implementation.
 */
export function lazyBackend(descriptor: BackendDescriptor): Backend {
  let impl: Backend | undefined;
  let pending: Promise<Backend> | undefined;
  let restorer: Restorer | undefined;
  const loaded = (): Backend => {
    if (impl) return impl;
    if (!descriptor.loadSync) throw new Error(`backend ${descriptor.name} has no synchronous loader`);
    return (impl = descriptor.loadSync());
  };
  const backend: Backend = {
    name: descriptor.name,
    description: descriptor.description,
    sync: descriptor.sync,
    formats: descriptor.formats,
    ...(descriptor.lowers && { lowers: descriptor.lowers }),
    ...(descriptor.scoresLowered && { scoresLowered: true }),
    ...(descriptor.autoRefusal && { autoRefusal: descriptor.autoRefusal }),
    compile: (plan) => loaded().compile(plan),
    load: async () => {
      impl ??= await (pending ??= descriptor.load());
    },
    loadSync: () => {
      loaded();
    },
  };
  if (descriptor.lowers) {
    backend.lower = (plan) => {
      const lower = loaded().lower;
      if (!lower) throw new Error(`backend ${descriptor.name} says it lowers ${descriptor.lowers!.join(", ")} but has no lower`);
      return lower.call(impl, plan);
    };
  }
  if (descriptor.restores) {
    const { loadRestorer } = descriptor;
    return {
      ...backend,
      restore: (artifact, facts) => {
        // The full implementation once loaded; before that, the restorer loadRestore loaded.
        if (!impl && restorer) return restorer(artifact, facts);
        const r = loaded().restore;
        if (!r) throw new Error(`backend ${descriptor.name} cannot restore artifacts`);
        return r.call(impl, artifact, facts);
      },
      ...(loadRestorer && {
        loadRestore: async (artifact: SessionArtifact) => {
          if (!impl) restorer = await loadRestorer(artifact);
        },
      }),
    };
  }
  return backend;
}

interface Registered {
  backend: Backend;
  priority: number;
  order: number;
}

const registry = new Map<string, Registered>();
let registrations = 0;

/**
 * Registers a backend under `name` (replacing one of that name). `auto` tries backends from the
 * highest priority down; equal priorities keep registration order.
 */
export function registerBackend(name: string, backend: Backend, priority: number): void {
  registry.set(name, { backend, priority, order: registrations++ });
}

/** Removes a backend (tests). */
export function unregisterBackend(name: string): void {
  registry.delete(name);
}

/** Registered backends, highest priority first. */
export function registeredBackends(): { name: string; backend: Backend; priority: number }[] {
  return [...registry.entries()]
    .sort(([, a], [, b]) => b.priority - a.priority || a.order - b.order)
    .map(([name, r]) => ({ name, backend: r.backend, priority: r.priority }));
}

/** Which backends to try. */
export interface BackendHints {
  /**
   * Names to try, in order; "auto" (or none) is every registered backend by priority. A list
   * may end in "auto" ("onnx,auto": onnx first, then the rest by priority).
   */
  backends?: readonly string[];
  /** Only backends with a synchronous path (the row API of `loadModelSync`). */
  sync?: boolean;
  /** The document's format: "auto" leaves out backends that do not score it, a named one refuses. */
  format?: ScoringPlan["format"];
}

/** One backend's refusal, as reported by `resolveBackend`. */
export interface BackendRefusal {
  backend: string;
  reason: string;
}

export interface Resolved {
  session: Session;
  /** Backends tried before it, and why each refused. */
  refusals: BackendRefusal[];
  /**
   * Backends "auto" passed over before trying them (Backend.autoRefusal: no GPU), with why; not
   * refusals of the document, so no notice of the model's. They join the refusals of a NoBackendError.
   */
  passedOver?: BackendRefusal[];
  /** The session came from a stored artifact. */
  restored: boolean;
  /** The plan, when one was built (a restored session needs none). */
  plan?: ScoringPlan;
}

/** No backend can score the plan; `refusals` lists every backend's reason. */
export class NoBackendError extends PortaError {
  readonly kind = "unsupported";
  constructor(
    readonly refusals: BackendRefusal[],
    message?: string,
  ) {
    super("NO_BACKEND", message ?? `no backend can score this model: ${refusals.map((r) => `${r.backend}: ${r.reason}`).join("; ")}`, {
      value: refusals.map((r) => r.backend),
    });
  }
}

/** The backends a hint names, in the order to try them. */
export function candidates(hints: BackendHints = {}): Backend[] {
  return candidateEntries(hints).map((c) => c.backend);
}

/** candidates, each with whether "auto" brought it (then its `autoRefusal` is asked first). */
function candidateEntries(hints: BackendHints): { backend: Backend; auto: boolean }[] {
  const byPriority = registeredBackends();
  const names = hints.backends && hints.backends.length > 0 ? hints.backends : ["auto"];
  const out: { backend: Backend; auto: boolean }[] = [];
  let auto = false;
  const add = (b: Backend): void => {
    if (!out.some((c) => c.backend === b)) out.push({ backend: b, auto });
  };
  const lowered = hints.format !== undefined && loweringFor(hints.format) !== undefined;
  for (const name of names) {
    auto = name === "auto";
    if (auto) {
      for (const r of byPriority) if (!hints.format || r.backend.formats.includes(hints.format) || (lowered && r.backend.scoresLowered)) add(r.backend);
      continue;
    }
    const found = registry.get(name);
    if (!found) {
      const known = byPriority.map((r) => r.name);
      throw new NoBackendError([], `unknown backend "${name}"; registered: ${known.length ? known.join(", ") : "none (import porta or a backend package)"}`);
    }
    add(found.backend);
  }
  return out;
}

/** The registered backend that lowers documents of `format` into the IR, if any (the highest priority). */
export function loweringFor(format: ScoringPlan["format"]): Backend | undefined {
  return registeredBackends().find((r) => r.backend.lowers?.includes(format))?.backend;
}

function formatRefusal(b: Backend): BackendRefusal {
  return { backend: b.name, reason: `scores ${b.formats.join(" and ")} documents only` };
}

function syncRefusal(b: Backend): BackendRefusal {
  return { backend: b.name, reason: 'scores asynchronously only (load with scoring "async" and use the async methods)' };
}

/** How resolution reads and writes stored artifacts (the runtime's artifact cache). */
export interface ArtifactHooks {
  /** The stored artifact of this backend for the document, with the facts stored beside it. */
  stored(backend: Backend): { artifact: SessionArtifact; facts: ModelFacts } | undefined;
  /** A stored artifact failed to restore: forget it (it is compiled again). */
  unreadable(backend: Backend): void;
  /** A backend compiled a session: store its artifact, if it has one. */
  compiled(backend: Backend, session: Session): void;
}

/** A value a resolution step waits for: used as is by the sync driver, awaited by the async one. */
type Awaitable<T> = T | Promise<T>;

/** Yields a value to the driver and takes back what it resolved to (the one cast of the loop). */
function* wait<T>(value: Awaitable<T>): Generator<Awaitable<unknown>, T, unknown> {
  return (yield value) as T;
}

/**
 * The one resolution loop, driven synchronously or asynchronously: each hinted backend in turn
 * is loaded, then restored from a stored artifact or asked to compile; the first session wins,
 * refusals are collected. `plan` is built on first need (a restored artifact needs no parsing).
 */
function* resolution(
  driver: "sync" | "async",
  hints: BackendHints,
  plan: ScoringPlan | (() => Awaitable<ScoringPlan>),
  hooks?: ArtifactHooks,
): Generator<Awaitable<unknown>, Resolved, unknown> {
  const refusals: BackendRefusal[] = [];
  const passedOver: BackendRefusal[] = [];
  let built: ScoringPlan | undefined = typeof plan === "function" ? undefined : plan;
  const lowering = hints.format && loweringFor(hints.format);
  let lowered: LoweredPlan | Refusal | undefined;
  for (const { backend: b, auto } of candidateEntries(hints)) {
    // A backend "auto" may pass over (a GPU one) is not a notice on the synchronous path either: it
    // is asynchronous only, so passed over there without asking it (its probe may be asynchronous).
    if (auto && b.autoRefusal && hints.sync && !b.sync) {
      passedOver.push({ backend: b.name, reason: `auto passes over it: ${syncRefusal(b).reason}` });
      continue;
    }
    if (auto && b.autoRefusal) {
      const why = yield* wait(b.autoRefusal());
      if (why !== undefined) {
        passedOver.push({ backend: b.name, reason: `auto passes over it: ${why}` });
        continue;
      }
    }
    if (hints.format && !b.formats.includes(hints.format)) {
      if (!lowering || !b.scoresLowered) {
        refusals.push(formatRefusal(b));
        continue;
      }
      if (hints.sync && !b.sync) {
        refusals.push(syncRefusal(b));
        continue;
      }
      // A stored artifact of the lowered session: neither lowered nor compiled again.
      const stored = b.restore && hooks?.stored(b);
      if (stored) {
        yield* wait(driver === "sync" ? b.loadSync?.() : b.loadRestore ? b.loadRestore(stored.artifact) : b.load?.());
        // The lowering backend loaded now, as the driver loads (its synchronous loader is
        // require(esm), which a TypeScript source tree cannot serve): a tool asking the restored
        // session for its document (the CLI's PFA row shape) relowers it then.
        if (driver !== "sync") yield* wait(lowering.load?.());
        built ??= yield* wait((plan as () => Awaitable<ScoringPlan>)());
        const document = built;
        try {
          const session = restoreLowered(stored.artifact, b.restore!.bind(b), () => {
            lowering.loadSync?.();
            const l = lowering.lower!(document);
            return isRefusal(l) ? undefined : l;
          });
          if (session) return { session, refusals, restored: true, plan: built };
        } catch {
          // unreadable: lowered and compiled again below
        }
        hooks!.unreadable(b);
      }
      // The document lowered into the IR once, for every IR backend that is tried.
      if (!lowered) {
        yield* wait(driver === "sync" ? lowering.loadSync?.() : lowering.load?.());
        built ??= yield* wait((plan as () => Awaitable<ScoringPlan>)());
        lowered = lowering.lower!(built);
      }
      if (isRefusal(lowered)) {
        refusals.push({ backend: b.name, reason: `the ${hints.format} document is not lowered into the IR: ${lowered.reason}` });
        continue;
      }
      yield* wait(driver === "sync" ? b.loadSync?.() : b.load?.());
      const out = yield* wait(b.compile({ format: "pmml", pipeline: lowered.pipeline, limits: built!.limits }));
      if (isRefusal(out)) {
        refusals.push({ backend: b.name, reason: `the ${hints.format} document lowered into the IR, but: ${out.reason}` });
        continue;
      }
      const session = new LoweredSession(out, lowered);
      hooks?.compiled(b, session);
      return { session, refusals, passedOver, restored: false, plan: built };
    }
    if (hints.sync && !b.sync) {
      refusals.push(syncRefusal(b));
      continue;
    }
    const stored = b.restore && hooks?.stored(b);
    if (stored) {
      // A stored artifact may need less than the whole backend (compile-js: no compiler).
      yield* wait(driver === "sync" ? b.loadSync?.() : b.loadRestore ? b.loadRestore(stored.artifact) : b.load?.());
      try {
        return { session: b.restore!(stored.artifact, stored.facts), refusals, passedOver, restored: true, plan: built };
      } catch {
        hooks!.unreadable(b); // unreadable despite its checksum (e.g. written by a broken build): rebuild
      }
    }
    yield* wait(driver === "sync" ? b.loadSync?.() : b.load?.());
    built ??= yield* wait((plan as () => Awaitable<ScoringPlan>)());
    const out = yield* wait(b.compile(built));
    if (isRefusal(out)) {
      refusals.push({ backend: b.name, reason: out.reason });
      continue;
    }
    hooks?.compiled(b, out);
    return { session: out, refusals, passedOver, restored: false, plan: built };
  }
  throw new NoBackendError([...passedOver, ...refusals]);
}

/** Tries the hinted backends in order and returns the first session; throws NoBackendError if all refuse. */
export async function resolveBackend(hints: BackendHints, plan: ScoringPlan | (() => Awaitable<ScoringPlan>), hooks?: ArtifactHooks): Promise<Resolved> {
  const steps = resolution("async", hints, plan, hooks);
  let step = steps.next();
  while (!step.done) step = steps.next(await step.value);
  return step.value;
}

/** resolveBackend for the synchronous load path: only backends with `sync` are tried. */
export function resolveBackendSync(hints: BackendHints, plan: ScoringPlan | (() => ScoringPlan), hooks?: ArtifactHooks): Resolved {
  const steps = resolution("sync", { ...hints, sync: true }, plan, hooks);
  let step = steps.next();
  while (!step.done) {
    if (step.value instanceof Promise)
      throw new Error("a backend that says it is synchronous returned a promise (from load or compile), or the plan was built asynchronously");
    step = steps.next(step.value);
  }
  return step.value;
}
