import { createReadStream, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ParseError } from "@porta/ir/errors";
import * as tar from "tar";

/** Bounds on what a package archive may unpack to: a hostile .tgz must not fill the disk. */
export const ARCHIVE_LIMITS: ArchiveLimits = { entries: 10_000, bytes: 1024 * 1024 * 1024 };

export interface ArchiveLimits {
  readonly entries: number;
  /** Sum of the entries' sizes. */
  readonly bytes: number;
}

/** A package archive unpacked into a temporary folder; `dispose` removes it. */
export interface UnpackedArchive {
  /** The package root: the archive's single top folder (npm pack's `package/`), or the folder itself. */
  root: string;
  dispose(): void;
}

interface EntryFacts {
  path: string;
  type: string;
  size: number;
}

/**
 * Unpacks a .tgz (or .tar) package after listing it: only plain files and folders, no absolute
 * path or `..` step, at most ARCHIVE_LIMITS entries and bytes; anything else is refused before a
 * byte is written. The temporary folder is made in `parent` (the system's temporary folder).
 */
export async function unpackArchive(file: string, limits: ArchiveLimits = ARCHIVE_LIMITS, parent: string = tmpdir()): Promise<UnpackedArchive> {
  const entries = await listArchive(file, limits);
  checkEntries(file, entries, limits);
  // `parent`: a registry unpacks on its own file system, so the package is renamed into place, not copied.
  const dir = mkdtempSync(join(parent, "porta-package-"));
  const dispose = () => rmSync(dir, { recursive: true, force: true });
  try {
    await tar.x({ file, cwd: dir, strict: true, preservePaths: false, filter: (_path, entry) => isPlain("type" in entry ? entry.type : "") });
  } catch (e) {
    dispose();
    throw new ParseError("PACKAGE_ARCHIVE", `cannot unpack ${file}: ${(e as Error).message}`, { path: file, value: file });
  }
  const top = singleTopFolder(entries);
  return { root: top === undefined ? dir : join(dir, top), dispose };
}

/** The archive's entries, read from its headers; stops early once past the limits (a bomb is not inflated to the end). */
async function listArchive(file: string, limits: ArchiveLimits): Promise<EntryFacts[]> {
  const entries: EntryFacts[] = [];
  let bytes = 0;
  try {
    await new Promise<void>((resolve, reject) => {
      const input = createReadStream(file);
      const parser = new tar.Parser({
        strict: true,
        onReadEntry: (entry) => {
          entries.push({ path: entry.path, type: entry.type, size: entry.size ?? 0 });
          bytes += entry.size ?? 0;
          entry.resume(); // skip the content: only headers are listed
          if (entries.length > limits.entries || bytes > limits.bytes) {
            input.destroy();
            reject(new Error(OVER_LIMITS));
          }
        },
      });
      parser.on("end", () => resolve());
      parser.on("error", reject);
      input.on("error", reject);
      input.pipe(parser);
    });
  } catch (e) {
    if ((e as Error).message !== OVER_LIMITS) {
      throw new ParseError("PACKAGE_ARCHIVE", `${file} is not a readable tar/tgz archive: ${(e as Error).message}`, { path: file, value: file });
    }
  }
  return entries;
}

const OVER_LIMITS = "archive over the package limits";

function checkEntries(file: string, entries: readonly EntryFacts[], limits: ArchiveLimits): void {
  if (entries.length > limits.entries) {
    throw new ParseError("PACKAGE_ARCHIVE", `${file} has more than ${limits.entries} entries`, { path: file, value: entries.length });
  }
  let bytes = 0;
  for (const e of entries) {
    if (!isPlain(e.type)) throw new ParseError("PACKAGE_ARCHIVE", `${file}: ${e.path} is a ${e.type}, not a file or folder`, { path: e.path, value: e.type });
    if (e.path.startsWith("/") || /^[A-Za-z]:/.test(e.path) || e.path.split(/[\\/]/).includes("..")) {
      throw new ParseError("PACKAGE_ARCHIVE", `${file}: entry ${e.path} leaves the package`, { path: e.path, value: e.path });
    }
    bytes += e.size;
    if (bytes > limits.bytes) throw new ParseError("PACKAGE_ARCHIVE", `${file} unpacks to more than ${limits.bytes} bytes`, { path: file, value: bytes });
  }
}

function isPlain(type: string): boolean {
  return type === "File" || type === "OldFile" || type === "Directory";
}

/** The one folder every entry lies in, if there is one (npm pack writes `package/`). */
function singleTopFolder(entries: readonly EntryFacts[]): string | undefined {
  let top: string | undefined;
  for (const e of entries) {
    const [first, ...rest] = e.path.replace(/^\.\//, "").split("/");
    if (rest.length === 0 && e.type !== "Directory") return undefined;
    if (top === undefined) top = first;
    else if (top !== first) return undefined;
  }
  return top;
}
