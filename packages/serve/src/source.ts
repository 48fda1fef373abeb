import type { PackageManifest } from "@porta/model-package";
import type { ActiveStrategy } from "@porta/registry";
import type { Model } from "@porta/runtime";

/**
 * Where the server finds its models. Two sources satisfy it: `DirectorySource` (a folder of
 * packages and documents loaded once at start, `porta serve --models DIR`) and the versioned
 * registry (`porta serve --registry DIR`), whose `Registry` matches it structurally. The server
 * asks `live` on every request, so it must be a synchronous O(1) lookup.
 */
export interface ModelSource {
  /** Names of the models served, in a stable order. */
  names(): string[];
  /** What is known about one model's versions, or undefined for a name not served. */
  info(name: string): ModelSummary | undefined;
  /** The version taking traffic now. */
  live(name: string): LiveModel | undefined;
  /** Calls `listener` after a model's live version changed (deploy, rollback); returns the unsubscribe. */
  onChange(listener: (change: ModelChange) => void): () => void;
  /**
   * Keeps a model from being disposed after it is replaced, until the returned release is called
   * (a source that never disposes a model it served, such as DirectorySource, need not have it).
   */
  hold?(model: Model): () => void;
  /**
   * The strategy a model runs beside its live version (silent, canary, bandit; the registry's),
   * or undefined: the live version takes every request. Asked on every score request: O(1).
   */
  strategy?(name: string): ActiveStrategy | undefined;
}

/** A model version taking traffic: the loaded model and what its package says about it. */
export interface LiveModel {
  readonly name: string;
  readonly version: string;
  readonly model: Model;
  /** porta.json of the package; a plain document served from a directory has none. */
  readonly manifest?: PackageManifest;
  readonly deployedAt?: string | Date;
}

export interface VersionSummary {
  readonly version: string;
  readonly live: boolean;
  readonly deployedAt?: string | Date;
  readonly storedAt?: string | Date;
  readonly manifest?: PackageManifest;
}

export interface ModelSummary {
  readonly name: string;
  /** The live version, when one is. */
  readonly live?: string;
  readonly versions: readonly VersionSummary[];
}

export interface ModelChange {
  readonly name: string;
  readonly version: string;
  readonly previous?: string;
}
