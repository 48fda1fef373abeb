export { Registry, type RegistryOptions } from "./registry.ts";
export { isValidRegistryName } from "./names.ts";
export { type PackageSource, MAX_UPLOAD_BYTES } from "./receive.ts";
export type { VerificationSummary } from "./versions.ts";
export type {
  ChangeListener,
  DeployOutcome,
  DeployStage,
  HistoryItem,
  LiveModel,
  ModelInfo,
  RegistryEvent,
  RollbackOutcome,
  VersionInfo,
} from "./outcomes.ts";
export { RegistrySync, type RegistrySyncOptions, type SyncEvent, type FleetVersion, type AppliedVersion } from "./redis-sync.ts";
export {
  type ActiveStrategy,
  type ArmCounts,
  type BanditAlgorithm,
  type BanditArm,
  type BanditRecord,
  type CanaryRecord,
  type CanaryThresholds,
  DEFAULT_CANARY_SHARE,
  DEFAULT_THRESHOLDS,
  type DeployOptions,
  type SilentRecord,
  STRATEGY_FILE,
  type StrategyKind,
  type StrategyOutcome,
  type StrategyRecord,
  type StrategySpec,
} from "./strategy-state.ts";
