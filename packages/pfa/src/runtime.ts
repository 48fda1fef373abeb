/**
 * `@porta/pfa/runtime`: what code generated from a PFA program (the IR's ProgramModel, compile-js)
 * runs against, without the document reader, checker or closure compiler: the function library
 * (instantiated once per call site), Avro JSON values, the engine's limits (loop budget, wall
 * clock, state budget, sizes), its random generator, and its errors as the engine raises them.
 */
export { LIBRARY } from "./lib/index.ts";
export type { CallSite, EngineRuntime, LibImpl } from "./lib/site.ts";
export { Rng } from "./lib/rng.ts";
export {
  decodeAvroJson,
  encodeAvroJson,
  newMap,
  parseJsonLossless,
  pfaError,
  stringifyJson,
  unionBranchIndex,
  type DecodeLimits,
  type PfaValue,
} from "./values.ts";
export { decodeRow, encodeRow } from "./row-values.ts";
export {
  armWallClock,
  DEFAULT_LOOP_LIMIT,
  DEFAULT_MAX_ARRAY_LENGTH,
  DEFAULT_MAX_DEPTH,
  DEFAULT_MAX_STRING_LENGTH,
  DEFAULT_STATE_BYTES,
  DEFAULT_WALL_MS,
  LIMIT_CODES,
  newWallClock,
  readWallClock,
  StateBudget,
  type WallClock,
} from "./limits.ts";
export { typedRuntimeError } from "./runtime-errors.ts";
export { fieldsOf } from "./type-fields.ts";
export { checkedIndex, presentKey } from "./compiler/paths.ts";
export { actionResult, EMITTED_FIELD, resultFieldsOf, RowByRowSession, type ActionRunner } from "./session-rows.ts";
