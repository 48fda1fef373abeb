/**
 * Writes that survive a crash: a file is written whole to a temporary name, flushed, renamed over
 * the old one and its folder flushed, so a reader finds the old content or the new, never a torn
 * one (rename is atomic within a file system; the folder's fsync makes the rename itself durable).
 */
import { randomBytes } from "node:crypto";
import { open, readdir, rename, rm } from "node:fs/promises";
import { basename, dirname, join } from "node:path";

/** Marks a temporary file of `writeFileDurable`: `NAME.tmp-…`, removed by `removeTempFiles`. */
const TEMP_MARK = ".tmp-";

/** Replaces `file` with `data` atomically and durably. */
export async function writeFileDurable(file: string, data: string | Uint8Array): Promise<void> {
  const temp = `${file}${TEMP_MARK}${process.pid}-${randomBytes(4).toString("hex")}`;
  try {
    const handle = await open(temp, "wx");
    try {
      await handle.writeFile(data);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, file);
  } catch (e) {
    await rm(temp, { force: true });
    throw e;
  }
  await syncFolder(dirname(file));
}

/** Renames `from` to `to` (a file or a folder) and flushes both folders. */
export async function renameDurable(from: string, to: string): Promise<void> {
  await rename(from, to);
  await syncFolder(dirname(to));
  if (dirname(from) !== dirname(to)) await syncFolder(dirname(from));
}

/** Flushes every file and folder under `dir` (before it is renamed into place). */
export async function syncTree(dir: string): Promise<void> {
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const full = join(dir, entry.name);
    if (entry.isDirectory()) await syncTree(full);
    else if (entry.isFile()) await syncFile(full);
  }
  await syncFolder(dir);
}

async function syncFile(file: string): Promise<void> {
  const handle = await open(file, "r");
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** fsync of a folder: where the platform cannot (Windows), the rename is as durable as it gets. */
export async function syncFolder(dir: string): Promise<void> {
  try {
    await syncFile(dir);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code !== "EISDIR" && code !== "EPERM" && code !== "EINVAL" && code !== "EBADF") throw e;
  }
}

/** Removes the temporary files an interrupted `writeFileDurable` left in `dir`; returns their names. */
export async function removeTempFiles(dir: string): Promise<string[]> {
  const left = (await readdir(dir)).filter((name) => name.includes(TEMP_MARK));
  for (const name of left) await rm(join(dir, name), { force: true, recursive: true });
  return left.map((name) => basename(name));
}
