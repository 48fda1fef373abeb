import type { PackageManifest, PackageProblem, PackageVerification } from "@porta/model-package";
import type { Model } from "@porta/runtime";
import type { VerificationSummary } from "./versions.ts";
import type { StrategyKind, StrategyRecord } from "./strategy-state.ts";

/** The gates of a deploy, in order; a refused deploy names the one it failed. */
export type DeployStage = "receive" | "validate" | "load" | "end-to-end" | "confidence" | "store" | "switch";

/** One event per deploy or rollback outcome, and one per live model restored at open (for logs and metrics). */
export type RegistryEvent =
  /** `strategy`: the version was deployed beside the live one (silent, canary, bandit), not switched to. */
  | { kind: "deploy"; ok: true; name: string; version: string; previous?: string; ms: number; switched: boolean; strategy?: StrategyKind }
  | { kind: "deploy"; ok: false; name?: string; version?: string; stage: DeployStage; reason: string; code: string; ms: number }
  | { kind: "rollback"; ok: boolean; name: string; version?: string; previous?: string; reason?: string; code?: string }
  /** A strategy promoted (its version made live) or aborted (the live version kept). */
  | { kind: "promote" | "abort"; ok: boolean; name: string; version?: string; previous?: string; reason?: string; code?: string }
  /** `version` is "" when state.json could not be read (the live version is then unknown). */
  | { kind: "restore"; ok: boolean; name: string; version: string; reason?: string };

/** The version of a model that takes traffic: read on every request (`Registry.live`). */
export interface LiveModel {
  name: string;
  version: string;
  model: Model;
  manifest: PackageManifest;
  /** ISO 8601 time of the switch that made it live. */
  deployedAt: string;
}

export interface VersionInfo {
  version: string;
  /** When it last became live (deploy or rollback), if ever. */
  deployedAt?: string;
  /** When it was stored. */
  storedAt: string;
  live: boolean;
  manifest: PackageManifest;
  /** What its end-to-end and confidence sets showed when it was stored. */
  verification: VerificationSummary;
  /** SHA-256 of the package's files (see contentHash). */
  hash: string;
}

export interface HistoryItem {
  version: string;
  at: string;
  action: "deploy" | "rollback";
  previous?: string;
}

export interface ModelInfo {
  name: string;
  /** The version serving now; absent when none is (never switched, or it failed to restore). */
  live?: string;
  versions: VersionInfo[];
  history: HistoryItem[];
  /** Why the model is not served although state.json names a live version, if so. */
  problem?: string;
  /** Stored versions that could not be read back (each skipped, with the reason). */
  broken?: { version: string; reason: string }[];
}

export type DeployOutcome =
  | {
      ok: true;
      name: string;
      version: string;
      /** The version live before the switch, if any. */
      previous?: string;
      /** False when the version was already live (an identical redeploy), or deployed beside it (`strategy`). */
      switched: boolean;
      report: PackageVerification;
      /** The strategy it now runs in beside the live version (a silent, canary or bandit deploy). */
      strategy?: StrategyRecord;
    }
  | {
      ok: false;
      stage: DeployStage;
      reason: string;
      /** A PortaError code: the first problem's, REGISTRY_END_TO_END_FAILED, REGISTRY_VERSION_CONFLICT, … */
      code: string;
      name?: string;
      version?: string;
      problems?: PackageProblem[];
      report?: PackageVerification;
    };

export type RollbackOutcome = { ok: true; name: string; version: string; previous: string } | { ok: false; name: string; reason: string; code: string };

export type ChangeListener = (change: { name: string; version: string; previous?: string }) => void;
