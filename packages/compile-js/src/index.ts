export { compilePipeline, type CompiledPipeline, type OutputColumn, type Kernel } from "./compile.ts";
export { CompiledScorer, type OutputArrays } from "./scorer.ts";
export { NotCompilable } from "./unsupported.ts";
export type { InputColumn, ColumnKind } from "./columns.ts";
export { MISSING_CODE, OTHER_CODE } from "./columns.ts";
