/**
 * @porta/serve: the scoring service (`porta serve`). `createServer({ source })` gives a fastify
 * app with the score, stream, model, health and metrics routes; `DirectorySource` serves a
 * folder of model packages and documents. Register the backends before loading models
 * (`import "porta"`, or `porta/backends`).
 */
export { createServer, type PortaServer, type ServeOptions } from "./server.ts";
export { DirectorySource, MODEL_NAME, type DirectorySourceOptions } from "./directory-source.ts";
export type { LiveModel, ModelChange, ModelSource, ModelSummary, VersionSummary } from "./source.ts";
export type { RequestLimits } from "./context.ts";
export type { ResultCacheOptions } from "./scorer.ts";
export type { ErrorBody } from "./errors.ts";
export { NDJSON_TYPES } from "./routes/stream.ts";
export type { DeployTarget } from "./routes/admin.ts";
export { StreamWorker, type StreamWorkerOptions } from "./fleet/worker.ts";
export type { FleetCounts } from "./fleet/metrics.ts";
export { KEY_HEADER, REQUEST_ID_HEADER, type StrategyOptions, type StrategyView } from "./strategies/router.ts";
export { chooseArm, probabilityBest, thompsonChoice, ucb1Choice, type ArmStats } from "./strategies/bandit.ts";
export { seededRandom, type Random } from "./strategies/random.ts";
export {
  DEFAULT_TOLERANCE,
  formatShadowReport,
  shadowReport,
  valuesAgree,
  type ShadowLine,
  type ShadowReport,
  type ShadowSide,
  type Tolerance,
} from "./strategies/compare.ts";
export {
  FileShadowSink,
  RedisShadowSink,
  readShadowStream,
  shadowLogFile,
  shadowStreamKey,
  type RedisShadowSinkOptions,
  type ShadowSink,
} from "./strategies/shadow-log.ts";
