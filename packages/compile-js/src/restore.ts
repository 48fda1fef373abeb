/**
 * What a cached compile-js artifact needs to become a session again, without the compiler: the
 * scorer, the column encoders and the kernel helpers, over the IR's light entry points. An
 * artifact cache hit (a repeat `porta score`) loads this module instead of ./backend.ts, which
 * brings in every family compiler and the interpreter (issue 13, start-up).
 */
import type { ModelFacts, Session, SessionArtifact } from "@porta/backend";
import type { ScorerOptions } from "./scorer.ts";
import { loadHelpers } from "./helpers.ts";
import { deserializeCompiled } from "./serialize.ts";
import { CompiledSession } from "./session.ts";
import { isProgramArtifact, restoreProgramSession } from "./program/artifact.ts";

/** Rebuilds a session from a stored artifact (a pipeline's or a program's); throws if it cannot (the cache then compiles again). */
export function restoreCompiledSession(artifact: SessionArtifact, facts: ModelFacts, options: ScorerOptions = {}): Session {
  if (isProgramArtifact(artifact)) return restoreProgramSession(artifact, facts);
  return new CompiledSession(deserializeCompiled(artifact), facts, options);
}

/** Loads the helper modules the artifact's kernel calls, then hands back the restorer. */
export async function loadRestorer(artifact: SessionArtifact): Promise<typeof restoreCompiledSession> {
  await loadArtifactHelpers(artifact);
  return restoreCompiledSession;
}

/** Imports the modules of the helpers an artifact's kernel calls (a pool worker restores kernels too). */
export function loadArtifactHelpers(artifact: Pick<SessionArtifact, "meta">): Promise<void> {
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
