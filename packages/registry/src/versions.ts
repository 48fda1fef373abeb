/**
 * Stored versions: DIR/models/NAME/versions/VERSION/ holds `package/` (the package as it was
 * verified) and `version.json` (its content hash and verification summary). Both arrive in one
 * rename of the staging folder, so a version is on disk whole or not at all.
 */
import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { type PackageManifest, type PackageVerification, validateOpened } from "@porta/model-package";
import { isValidRegistryName } from "./names.ts";
import { STAGED_PACKAGE } from "./receive.ts";

export const VERSION_RECORD = "version.json";

/** What the end-to-end and confidence sets showed when the version was deployed. */
export interface VerificationSummary {
  /** The backend that scored the sets. */
  backend?: string;
  endToEnd?: { file: string; rows: number; passed: number };
  confidence?: { file: string; rows: number; metric: string; value?: number; range: { min?: number; max?: number }; ok: boolean };
}

export interface VersionRecord {
  schemaVersion: 1;
  version: string;
  /** contentHash of the package folder: a redeploy of the version must match it. */
  hash: string;
  /** ISO 8601 time it was stored. */
  storedAt: string;
  verification: VerificationSummary;
}

export interface StoredVersion {
  record: VersionRecord;
  manifest: PackageManifest;
  /** The package folder. */
  root: string;
}

export function summarise(report: PackageVerification): VerificationSummary {
  const { endToEnd: e, confidence: c } = report;
  return {
    ...(report.backend === undefined ? {} : { backend: report.backend }),
    ...(e ? { endToEnd: { file: e.file, rows: e.rows, passed: e.passed } } : {}),
    ...(c
      ? { confidence: { file: c.file, rows: c.rows, metric: c.metric, ...(c.value === undefined ? {} : { value: c.value }), range: c.range, ok: c.ok } }
      : {}),
  };
}

/** The folder of `version` in a model's `versions` folder, and its package. */
export function versionFolder(versionsDir: string, version: string): { dir: string; root: string } {
  const dir = join(versionsDir, version);
  return { dir, root: join(dir, STAGED_PACKAGE) };
}

/**
 * Every stored version of a model, each record read and its package validated again (a file
 * edited on disk is caught here, not while serving); those that fail are listed with the reason.
 */
export async function readVersions(versionsDir: string): Promise<{ versions: Map<string, StoredVersion>; broken: { version: string; reason: string }[] }> {
  const versions = new Map<string, StoredVersion>();
  const broken: { version: string; reason: string }[] = [];
  const names = await readdir(versionsDir).catch((e: NodeJS.ErrnoException) => {
    if (e.code === "ENOENT") return [];
    throw e;
  });
  for (const version of names.sort()) {
    if (!isValidRegistryName(version)) continue;
    const read = await readVersion(versionsDir, version);
    if ("reason" in read) broken.push({ version, reason: read.reason });
    else versions.set(version, read);
  }
  return { versions, broken };
}

async function readVersion(versionsDir: string, version: string): Promise<StoredVersion | { reason: string }> {
  const { dir, root } = versionFolder(versionsDir, version);
  let record: VersionRecord;
  try {
    record = JSON.parse(await readFile(join(dir, VERSION_RECORD), "utf8")) as VersionRecord;
  } catch (e) {
    return { reason: `${VERSION_RECORD} is unreadable: ${(e as Error).message}` };
  }
  if (
    record === null ||
    typeof record !== "object" ||
    record.version !== version ||
    typeof record.hash !== "string" ||
    typeof record.storedAt !== "string" ||
    typeof record.verification !== "object"
  ) {
    return { reason: `${VERSION_RECORD} is damaged` };
  }
  const { problems, manifest } = validateOpened(root);
  if (!manifest) return { reason: `the stored package is no longer valid: ${problems.map((p) => `${p.code} at ${p.path}`).join(", ")}` };
  if (manifest.model.version !== version) return { reason: `the stored package is version ${manifest.model.version}, not ${version}` };
  return { record, manifest, root };
}
