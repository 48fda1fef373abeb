import { pipelineFacts, refuse, type Backend } from "@porta/backend";
import { preparePipeline } from "@porta/ir";
import { compilePipeline } from "./compile.ts";
import { CompiledSession } from "./session.ts";
import { restorePipelineSession } from "./restore-pipeline.ts";
import { isProgramArtifact } from "./program/meta.ts";
import { restoreProgramSession } from "./program/artifact.ts";
import { NotCompilable } from "./unsupported.ts";
import { programSession } from "./program/index.ts";

export { CompiledSession } from "./session.ts";

/** compile-js as a backend: PMML pipelines it can generate code for; refuses with the construct otherwise. */
export const compileJsBackend: Backend = {
  name: "js",
  description: "compile-js: the pipeline as generated vectorized JavaScript",
  sync: true,
  formats: ["pmml"],
  // PFA documents arrive lowered into the IR by the backend that reads them (pfa's `lower`)
  scoresLowered: true,
  compile(plan) {
    if (plan.format !== "pmml") return refuse("scores IR pipelines only (a PFA document reaches it lowered by the pfa backend)");
    const model = plan.pipeline.model;
    if (model.kind === "program") {
      // a PFA engine lowered as a program: generated code with the engine's own row shape and budgets
      try {
        return programSession(model, { timeoutMs: plan.limits.pfaWallMs, maxStateBytes: plan.limits.pfaStateBytes });
      } catch (e) {
        if (e instanceof NotCompilable) return refuse(e.message);
        throw e;
      }
    }
    // The interpreter's preparation validates the document (cycles, references) with its errors.
    preparePipeline(plan.pipeline, plan.limits);
    try {
      return new CompiledSession(compilePipeline(plan.pipeline), pipelineFacts(plan.pipeline));
    } catch (e) {
      if (e instanceof NotCompilable) return refuse(e.message);
      throw e;
    }
  },
  restore: (artifact, facts) => (isProgramArtifact(artifact) ? restoreProgramSession(artifact, facts) : restorePipelineSession(artifact, facts)),
};
