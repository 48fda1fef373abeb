/**
 * What a pipeline's cached compile-js artifact needs to become a session again, without the
 * compiler and without the PFA program runtime: the scorer, the column encoders and the kernel
 * helpers, over the IR's light entry points. A PMML model's standalone module bundles this alone.
 */
import type { ModelFacts, Session, SessionArtifact } from "@porta/backend";
import type { ScorerOptions } from "./scorer.ts";
import { loadHelpers } from "./helpers.ts";
import { deserializeCompiled } from "./serialize.ts";
import { CompiledSession } from "./session.ts";

/** Rebuilds a pipeline's session from its stored artifact; throws if it cannot (the cache then compiles again). */
export function restorePipelineSession(artifact: SessionArtifact, facts: ModelFacts, options: ScorerOptions = {}): Session {
  return new CompiledSession(deserializeCompiled(artifact), facts, options);
}

/** Imports the modules of the helpers a pipeline artifact's kernel calls (a pool worker restores kernels too). */
export function loadPipelineHelpers(artifact: Pick<SessionArtifact, "meta">): Promise<void> {
  return loadHelpers(helperNamesOf(artifact));
}

/** The `$helper` names in an artifact's constant pool (serialize.ts encodes helpers so). */
function helperNamesOf(artifact: Pick<SessionArtifact, "meta">): Set<string> {
  const names = new Set<string>();
  const visit = (j: unknown): void => {
    if (j === null || typeof j !== "object") return;
    if (Array.isArray(j)) {
      for (const x of j) visit(x);
      return;
    }
    const o = j as Record<string, unknown>;
    if (typeof o.$helper === "string") names.add(o.$helper);
    for (const k in o) visit(o[k]);
  };
  visit(artifact.meta.constants);
  return names;
}
