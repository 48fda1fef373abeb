export * from "./errors.ts";
export * from "./values.ts";
export * from "./fields.ts";
export * from "./expr.ts";
export { getBuiltin, builtinNames, InvalidResult } from "./functions/index.ts";
export type { BuiltinFunction } from "./functions/index.ts";
