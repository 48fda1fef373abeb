/**
 * What a cached compile-js artifact needs to become a session again, without the compiler: a
 * pipeline's (./restore-pipeline.ts) or a PFA program's, whose runtime (the PFA function library)
 * is imported only when a program's artifact is loaded. An artifact cache hit (a repeat `porta
 * score`) loads this module instead of ./backend.ts, which brings in every family compiler and
 * the interpreter (issue 13, start-up).
 */
import type { ModelFacts, Session, SessionArtifact } from "@porta/backend";
import type { ScorerOptions } from "./scorer.ts";
import { isProgramArtifact } from "./program/meta.ts";
import { loadPipelineHelpers, restorePipelineSession } from "./restore-pipeline.ts";

export { isProgramArtifact };

let programs: typeof import("./program/artifact.ts") | undefined;

/**
 * Rebuilds a session from a stored artifact (a pipeline's or a program's); throws if it cannot
 * (the cache then compiles again), as for a program's before loadArtifactHelpers loaded its runtime.
 */
export function restoreCompiledSession(artifact: SessionArtifact, facts: ModelFacts, options: ScorerOptions = {}): Session {
  if (!isProgramArtifact(artifact)) return restorePipelineSession(artifact, facts, options);
  if (!programs) throw new Error("a PFA program's artifact before its runtime was loaded (loadArtifactHelpers)");
  return programs.restoreProgramSession(artifact, facts);
}

/** Loads what the artifact's kernel calls, then hands back the restorer. */
export async function loadRestorer(artifact: SessionArtifact): Promise<typeof restoreCompiledSession> {
  await loadArtifactHelpers(artifact);
  return restoreCompiledSession;
}

/** Imports the modules an artifact's kernel calls: a pipeline's helpers, or a program's runtime. */
export async function loadArtifactHelpers(artifact: Pick<SessionArtifact, "meta">): Promise<void> {
  if (isProgramArtifact(artifact)) programs ??= await import("./program/artifact.ts");
  else await loadPipelineHelpers(artifact);
}
