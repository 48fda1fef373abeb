import { ArtifactCache, artifactKey } from "@porta/cache";
import { compilePipeline, deserializeCompiled, NotCompilable, serializeCompiled } from "@porta/compile-js";
import { parsePmml } from "@porta/pmml";
import type { Limits } from "@porta/ir";
import { CompiledPmmlModel, type ModelFacts } from "./compiled-model.ts";
import type { Model } from "./model.ts";
import { PmmlModel } from "./pmml-model.ts";
import runtimePackage from "../package.json" with { type: "json" };

/** Part of every artifact key: a new Porta version never reads an older version's code. */
export const PORTA_VERSION: string = runtimePackage.version;

/**
 * Bumped whenever the reader or compiler starts giving other answers or refusing other documents
 * between releases (here: the hostile-input checks, nested MiningField values): part of the
 * artifact key, so code compiled under older rules is never reused.
 */
const ARTIFACT_RULES = 2;

/** What loading through the artifact cache did, for `porta score --verbose`. */
export interface ArtifactLoad {
  hit: boolean;
  key: string;
  /** Milliseconds spent parsing and compiling (0 on a hit) and reading the artifact. */
  compileMs: number;
  cacheMs: number;
}

/**
 * Loads a PMML document through the compiled-artifact cache: a hit skips parsing and
 * compiling; a miss compiles and stores. A document compile-js cannot compile is scored by
 * the interpreter and not cached (parsing it again is all it costs).
 */
export function loadPmmlWithArtifacts(text: string, cache: ArtifactCache, limits: Partial<Limits> = {}): { model: Model; load: ArtifactLoad } {
  const key = artifactKey(text, "js", `${PORTA_VERSION}+rules.${ARTIFACT_RULES}`);
  const t0 = performance.now();
  const artifact = cache.get(key);
  if (artifact) {
    try {
      const facts = artifact.meta.facts as unknown as ModelFacts;
      const model = new CompiledPmmlModel(undefined, deserializeCompiled(artifact), facts);
      return { model, load: { hit: true, key, compileMs: 0, cacheMs: performance.now() - t0 } };
    } catch {
      cache.delete(key); // unreadable despite its checksum (e.g. written by a broken build): rebuild
    }
  }
  const t1 = performance.now();
  const pipeline = parsePmml(text, { limits });
  const reference = new PmmlModel(pipeline, limits);
  let model: Model = reference;
  try {
    const compiled = compilePipeline(pipeline);
    model = new CompiledPmmlModel(pipeline, compiled, reference);
    const stored = serializeCompiled(compiled);
    const t2 = performance.now();
    if (stored) {
      const facts: ModelFacts = { modelTypes: reference.modelTypes, inputFields: reference.inputFields, outputFields: reference.outputFields, notices: reference.notices, groupField: reference.groupField };
      try {
        cache.put(key, { code: stored.code, meta: { ...stored.meta, facts: JSON.parse(JSON.stringify(facts)) } });
      } catch {
        // An unwritable cache never fails a load.
      }
    }
    return { model, load: { hit: false, key, compileMs: t2 - t1, cacheMs: performance.now() - t2 } };
  } catch (e) {
    if (!(e instanceof NotCompilable)) throw e;
    reference.notices.push(`compile-js: ${e.message}; scoring with the interpreter`);
    return { model, load: { hit: false, key, compileMs: performance.now() - t1, cacheMs: 0 } };
  }
}
