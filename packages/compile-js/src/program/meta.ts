/** How a program's artifact is told from a pipeline's without loading the program runtime. */
import type { SessionArtifact } from "@porta/backend";

/** The key of a program in an artifact's meta (a pipeline's artifact has none). */
export const PROGRAM_META = "program";

export function isProgramArtifact(artifact: Pick<SessionArtifact, "meta">): boolean {
  return artifact.meta[PROGRAM_META] !== undefined;
}
