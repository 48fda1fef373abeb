/**
 * compile-js on programs (the IR's ProgramModel, a checked PFA engine): the generated module,
 * its instance and its session.
 */
import type { ModelFacts } from "@porta/backend";
import type { ProgramModel } from "@porta/ir";
import { fieldsOf, resultFieldsOf } from "@porta/pfa/runtime";
import { NotCompilable } from "../unsupported.ts";
import { generateProgram } from "./generate.ts";
import { checkLibrary, ProgramInstance, type ProgramOptions } from "./instance.ts";
import { ProgramSession } from "./session.ts";

export { generateProgram, type GeneratedProgram } from "./generate.ts";
export { ProgramInstance, type ProgramOptions } from "./instance.ts";
export { ProgramSession } from "./session.ts";

/** A program generated and loaded (NotCompilable naming the construct it does not generate). */
export function compileProgram(model: ProgramModel, options: ProgramOptions = {}): ProgramInstance {
  try {
    const generated = generateProgram(model);
    checkLibrary(generated.constants);
    return new ProgramInstance(model, generated, options);
  } catch (e) {
    // a program nested deeper than the generator's (or V8's parser's) recursion stays on the PFA engine
    if (e instanceof RangeError && /call stack/i.test(e.message)) throw new NotCompilable("a program nested this deeply", { cause: e });
    throw e;
  }
}

/** What a program's session says about itself: the PFA engine's fields; the model type "program" (the lowered session puts "PFA map" etc. before it). */
export function programFacts(model: ProgramModel): ModelFacts {
  return { modelTypes: ["program"], inputFields: fieldsOf(model.inputType, "input"), outputFields: resultFieldsOf(model.method, model.outputType) };
}

/** A session scoring rows with a program. */
export function programSession(model: ProgramModel, options: ProgramOptions = {}): ProgramSession {
  return new ProgramSession(compileProgram(model, options), programFacts(model));
}

export { NotCompilable };
