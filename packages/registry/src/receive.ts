/**
 * The "receive" stage: whatever the deploy was given — a package folder, a .tgz path, or the
 * bytes of an upload — becomes a private copy of plain files in the registry's own staging
 * folder. Everything after works on that copy, so what was verified is byte for byte what is
 * stored, and a source changed meanwhile (or a link swapped) changes nothing.
 */
import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import { copyFile, lstat, mkdir, readdir, rename, rm, stat, writeFile } from "node:fs/promises";
import { join, relative, sep } from "node:path";
import { pipeline } from "node:stream/promises";
import { DeployError, ParseError } from "@porta/ir/errors";
import { ARCHIVE_LIMITS, type ArchiveLimits, unpackArchive } from "@porta/model-package";

/** A package folder, a .tgz/.tar path, or the bytes of a .tgz (an HTTP upload). */
export type PackageSource = string | Uint8Array;

/** Largest .tgz accepted as bytes (an HTTP server's body limit for uploads): ARCHIVE_LIMITS.bytes. */
export const MAX_UPLOAD_BYTES = ARCHIVE_LIMITS.bytes;

/** The package's folder inside `staging`. */
export const STAGED_PACKAGE = "package";

/** Copies or unpacks `source` into `staging/package` (ARCHIVE_LIMITS bound all three forms); returns that folder. */
export async function receivePackage(source: PackageSource, staging: string, limits: ArchiveLimits = ARCHIVE_LIMITS): Promise<string> {
  const target = join(staging, STAGED_PACKAGE);
  if (typeof source !== "string") {
    if (source.byteLength > limits.bytes) {
      throw new DeployError("REGISTRY_UPLOAD_TOO_LARGE", `an uploaded package is at most ${limits.bytes} bytes`, { path: "upload", value: source.byteLength });
    }
    const file = join(staging, "upload.tgz");
    await writeFile(file, source);
    await unpackInto(file, target, staging, limits);
    await rm(file, { force: true });
    return target;
  }
  // The source itself may be a link (the caller named it); links inside a package folder are refused.
  const facts = await stat(source).catch(() => undefined);
  if (!facts) throw new ParseError("PACKAGE_NOT_FOUND", `no model package at ${source}`, { path: source, value: source });
  if (facts.isDirectory()) await copyPlainTree(source, target, limits);
  else await unpackInto(source, target, staging, limits);
  return target;
}

/** unpackArchive (which lists and checks the archive first) into `staging`, then the package root renamed to `target`. */
async function unpackInto(file: string, target: string, staging: string, limits: ArchiveLimits): Promise<void> {
  const unpacked = await unpackArchive(file, limits, staging);
  try {
    await rename(unpacked.root, target);
  } finally {
    unpacked.dispose();
  }
}

/**
 * Copies a package folder: plain files and folders only (a link could point anywhere, and would
 * point elsewhere tomorrow), within the archive limits.
 */
async function copyPlainTree(from: string, to: string, limits: ArchiveLimits): Promise<void> {
  const budget = { entries: 0, bytes: 0 };
  const walk = async (src: string, dst: string): Promise<void> => {
    await mkdir(dst);
    for (const entry of await readdir(src, { withFileTypes: true })) {
      const full = join(src, entry.name);
      const path = relative(from, full).split(sep).join("/");
      if (++budget.entries > limits.entries) {
        throw new DeployError("REGISTRY_PACKAGE_TOO_LARGE", `a package holds at most ${limits.entries} entries`, { path, value: budget.entries });
      }
      if (entry.isDirectory()) await walk(full, join(dst, entry.name));
      else if (entry.isFile()) {
        budget.bytes += (await lstat(full)).size;
        if (budget.bytes > limits.bytes) {
          throw new DeployError("REGISTRY_PACKAGE_TOO_LARGE", `a package holds at most ${limits.bytes} bytes`, { path, value: budget.bytes });
        }
        await copyFile(full, join(dst, entry.name));
      } else {
        throw new DeployError("REGISTRY_NOT_PLAIN_FILE", `${path} is not a plain file or folder (links are not stored)`, { path, value: path });
      }
    }
  };
  await walk(from, to);
}

/**
 * The identity of a package's content: SHA-256 over every file's path and SHA-256, in path
 * order. Redeploying a version compares it, so "the same version" means the same bytes.
 */
export async function contentHash(root: string): Promise<string> {
  const files = await plainFiles(root);
  const hash = createHash("sha256");
  for (const file of files) {
    const digest = createHash("sha256");
    await pipeline(createReadStream(join(root, file)), digest);
    hash.update(`${file}\0${digest.digest("hex")}\n`);
  }
  return `sha256:${hash.digest("hex")}`;
}

/** Relative paths (`/`-separated) of every file under `root`, sorted. */
async function plainFiles(root: string): Promise<string[]> {
  const entries = await readdir(root, { withFileTypes: true, recursive: true });
  return entries
    .filter((e) => e.isFile())
    .map((e) => relative(root, join(e.parentPath, e.name)).split(sep).join("/"))
    .sort();
}
