export { compilePipeline, type CompiledPipeline, type CompileOptions, type OutputColumn, type Kernel, type RowErrorKind } from "./compile.ts";
export { NODE_TABLE_MIN_NODES, type TreeLayout } from "./families/mining.ts";
export { CompiledScorer, type OutputArrays } from "./scorer.ts";
export { NotCompilable } from "./unsupported.ts";
export type { InputColumn, ColumnKind } from "./columns.ts";
export { MISSING_CODE, OTHER_CODE } from "./columns.ts";
export { serializeCompiled, deserializeCompiled } from "./serialize.ts";
export { registerRuntimeHelper } from "./helpers.ts";
export { CompiledSession, compileJsBackend } from "./backend.ts";
export {
  ProgramSession,
  compileProgram,
  generateProgram,
  programSession,
  ProgramInstance,
  type ProgramOptions,
  type GeneratedProgram,
} from "./program/index.ts";
export { encodeBatch } from "./columns.ts";

import { registerBackend } from "@porta/backend";
import { compileJsBackend } from "./backend.ts";

/** Importing compile-js registers it: the fastest backend, tried first by `auto`. */
registerBackend("js", compileJsBackend, 100);
