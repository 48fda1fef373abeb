/**
 * @porta/cache: compiled artifacts on disk, and memoized scores (local LRU, optionally shared
 * through Redis). Test support (a throwaway redis-server) is in `@porta/cache/testing`.
 */
export {
  ArtifactCache,
  artifactKey,
  defaultCacheDir,
  type Artifact,
  type ArtifactCacheOptions,
  type ArtifactCacheStats,
  type ArtifactEntry,
  type CorruptArtifactReport,
  type JsonValue,
} from "./artifact-cache.ts";
export { canonicalRowKey } from "./row-key.ts";
export {
  LocalResultCache,
  estimateBytes,
  type LocalResultCacheOptions,
  type ResultCache,
  type ResultCacheStats,
  type SyncResultCache,
} from "./result-cache.ts";
export { memoize, type MemoizeOptions } from "./memoize.ts";
export {
  RedisResultCache,
  v8Codec,
  type RedisResultCacheOptions,
  type RedisResultCacheStats,
  type ResultCodec,
} from "./redis-cache.ts";
