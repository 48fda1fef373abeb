export type {
  PackageManifest,
  BuiltWith,
  DataSetInfo,
  FieldDeclaration,
  Audit,
  Review,
  EndToEndAsset,
  ConfidenceAsset,
  MetricSpec,
} from "./manifest.ts";
export { PACKAGE_SCHEMA, COMPONENTS, METRICS, type Component, type MetricName } from "./schema.ts";
export { formatProblems, type PackageProblem } from "./problems.ts";
export {
  MANIFEST_FILE,
  openPackage,
  withPackage,
  validatePackage,
  validateOpened,
  versionProblems,
  type OpenedPackage,
  type PackageValidation,
} from "./validate.ts";
export { unpackArchive, ARCHIVE_LIMITS, type ArchiveLimits, type UnpackedArchive } from "./archive.ts";
export { readAssetRows, MAX_ASSET_BYTES, type AssetRow } from "./assets.ts";
export { accuracy, auc, f1, logLoss, mae, rmse } from "./metrics.ts";
export {
  verifyPackage,
  verifyOpened,
  loadPackageModel,
  loadProblem,
  agrees,
  rangeText,
  type PackageVerification,
  type EndToEndReport,
  type EndToEndFailure,
  type ConfidenceReport,
  type VerifyOptions,
  type LoadPackageOptions,
} from "./verify.ts";
export { initPackage, type InitOptions } from "./init.ts";
