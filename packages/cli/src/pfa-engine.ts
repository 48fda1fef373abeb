import { PfaSession, type PfaEngine } from "@porta/pfa";
import { PortaModel, type Model } from "@porta/runtime";

/** The PFA engine behind a model scored by the PFA backend (CLI input typing, inspect), if any. */
export function pfaEngineOfModel(model: Model): PfaEngine | undefined {
  return model instanceof PortaModel && model.session instanceof PfaSession ? model.session.engine : undefined;
}
