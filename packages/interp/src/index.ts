import { registerBackend } from "@porta/backend";
import { interpreterBackend } from "./session.ts";

export { InterpreterSession, interpreterBackend } from "./session.ts";

/** Importing the interpreter registers it last in `auto`'s order: it scores what nothing faster can. */
registerBackend("interp", interpreterBackend, 10);
