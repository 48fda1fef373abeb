import { createHash, randomBytes } from "node:crypto";
import { closeSync, fstatSync, mkdirSync, openSync, readdirSync, readSync, renameSync, rmSync, statSync, unlinkSync, writeFileSync } from "node:fs";
import { homedir } from "node:os";
import { isAbsolute, join } from "node:path";
import { SchemaError } from "@porta/ir/errors";

/** JSON-serialisable metadata stored next to generated code. */
export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

/** What a backend stores for one compiled model. */
export interface Artifact {
  /** Generated source text. */
  code: string;
  /** Whatever the backend needs to use the code again (field order, dictionaries, timings, ...). */
  meta: { [key: string]: JsonValue };
}

export interface ArtifactEntry {
  key: string;
  /** Size of the entry on disk. */
  bytes: number;
  modifiedAt: Date;
}

export interface ArtifactCacheStats {
  dir: string;
  entries: number;
  bytes: number;
  /** Counters of this instance (this process), since it was created. */
  hits: number;
  misses: number;
  writes: number;
  /** Entries found corrupt (and deleted); each also counts as a miss. */
  corrupt: number;
}

/** Why an entry was found unusable. */
export interface CorruptArtifactReport {
  key: string;
  path: string;
  reason: string;
}

export interface ArtifactCacheOptions {
  /** Cache root; default `defaultCacheDir()`. Artifacts live in `<dir>/artifacts/`. */
  dir?: string;
  /** Told about every corrupt entry found (it is deleted and reported as a miss). */
  onCorrupt?: (report: CorruptArtifactReport) => void;
}

/**
 * The cache key of a compiled artifact: sha256 over the document bytes, the backend name and the
 * Porta version, each length-prefixed so that no two different triples hash the same input.
 * A string document is hashed as its UTF-8 bytes, so the text and its file give the same key.
 */
export function artifactKey(document: string | Buffer, backend: string, version: string): string {
  const bytes = typeof document === "string" ? Buffer.from(document, "utf8") : document;
  const hash = createHash("sha256");
  hash.update(`porta-artifact\0${bytes.length}\0`);
  hash.update(bytes);
  hash.update(`\0${Buffer.byteLength(backend)}\0${backend}\0${Buffer.byteLength(version)}\0${version}`);
  return hash.digest("hex");
}

/** `PORTA_CACHE_DIR`, else `$XDG_CACHE_HOME/porta`, else `~/.cache/porta`. */
export function defaultCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.PORTA_CACHE_DIR) return env.PORTA_CACHE_DIR;
  // XDG: a relative XDG_CACHE_HOME is invalid and must be ignored.
  const xdg = env.XDG_CACHE_HOME;
  if (xdg && isAbsolute(xdg)) return join(xdg, "porta");
  return join(homedir(), ".cache", "porta");
}

const KEY_PATTERN = /^[0-9a-f]{64}$/;
const ENTRY_SUFFIX = ".artifact";
const TEMP_MARK = ".tmp-";
/** A temp file older than this belongs to a writer that died; `clear` and `list` remove it. */
const STALE_TEMP_MS = 10 * 60 * 1000;
const MAGIC = "PORTA-ARTIFACT";
const FORMAT_VERSION = 1;

/**
 * Compiled artifacts on disk, one file per key.
 *
 * Entry file: one header line `PORTA-ARTIFACT 1 <key> <sha256> <metaBytes> <codeBytes>`, then
 * the metadata JSON, a newline, and the code. The sha256 covers everything after the header, so a
 * truncated, bit-flipped or half-written entry is detected, deleted and reported as a miss.
 *
 * Writes go to a temp file in the same directory, then `rename` over the entry: readers see the
 * old entry or the new one, never a mix, and concurrent writers of one key (processes or
 * threads) each publish a whole entry; the last rename wins.
 *
 * Generated code from here is executed: the directory is created private (0700) and entries
 * 0600. The checksum detects accidents, not tampering by someone who can write the directory.
 */
export class ArtifactCache {
  /** Directory holding the entries (`<root>/artifacts`). */
  readonly dir: string;
  readonly #onCorrupt?: (report: CorruptArtifactReport) => void;
  #hits = 0;
  #misses = 0;
  #writes = 0;
  #corrupt = 0;

  constructor(options: ArtifactCacheOptions = {}) {
    this.dir = join(options.dir ?? defaultCacheDir(), "artifacts");
    this.#onCorrupt = options.onCorrupt;
  }

  /** The artifact stored under `key`, or undefined (absent, unreadable or corrupt). Never throws for I/O. */
  get(key: string): Artifact | undefined {
    checkKey(key);
    const path = this.#pathOf(key);
    let fd: number;
    try {
      fd = openSync(path, "r");
    } catch {
      this.#misses++;
      return undefined;
    }
    let bytes: Buffer;
    let inode: number;
    try {
      const stat = fstatSync(fd);
      inode = stat.ino;
      bytes = Buffer.allocUnsafe(stat.size);
      let read = 0;
      while (read < bytes.length) {
        const n = readSync(fd, bytes, read, bytes.length - read, read);
        if (n === 0) break;
        read += n;
      }
      bytes = bytes.subarray(0, read);
    } catch (e) {
      this.#misses++;
      return this.#discard(key, path, undefined, `unreadable: ${(e as Error).message}`);
    } finally {
      closeSync(fd);
    }
    const decoded = decodeEntry(key, bytes);
    if (typeof decoded === "string") {
      this.#misses++;
      return this.#discard(key, path, inode, decoded);
    }
    this.#hits++;
    return decoded;
  }

  /**
   * Stores `artifact` under `key` atomically. Throws the file-system error when the entry cannot
   * be written (read-only or full disk); callers that treat caching as optional catch it.
   */
  put(key: string, artifact: Artifact): ArtifactEntry {
    checkKey(key);
    if (typeof artifact?.code !== "string" || typeof artifact.meta !== "object" || artifact.meta === null) {
      throw new SchemaError("ARTIFACT_INVALID", "an artifact is { code: string, meta: object }", { path: key, value: artifact });
    }
    const bytes = encodeEntry(key, artifact);
    mkdirSync(this.dir, { recursive: true, mode: 0o700 });
    const path = this.#pathOf(key);
    const temp = `${path}${TEMP_MARK}${process.pid}-${randomBytes(6).toString("hex")}`;
    try {
      writeFileSync(temp, bytes, { mode: 0o600, flag: "wx" });
      renameSync(temp, path);
    } catch (e) {
      rmSync(temp, { force: true });
      throw e;
    }
    this.#writes++;
    return { key, bytes: bytes.length, modifiedAt: new Date() };
  }

  /** The cached artifact, or the one `build` makes (then stored). A failed store does not fail the build. */
  getOrBuild(key: string, build: () => Artifact): { artifact: Artifact; hit: boolean } {
    const cached = this.get(key);
    if (cached) return { artifact: cached, hit: true };
    const artifact = build();
    try {
      this.put(key, artifact);
    } catch {
      // An unwritable cache directory costs a rebuild next time, never this compile.
    }
    return { artifact, hit: false };
  }

  /** Removes one entry; true when it existed. */
  delete(key: string): boolean {
    checkKey(key);
    try {
      unlinkSync(this.#pathOf(key));
      return true;
    } catch {
      return false;
    }
  }

  /** Entries on disk, newest first (temp files of writers in progress are not entries). */
  list(): ArtifactEntry[] {
    const entries: ArtifactEntry[] = [];
    for (const name of this.#names()) {
      if (!name.endsWith(ENTRY_SUFFIX)) continue;
      const key = name.slice(0, -ENTRY_SUFFIX.length);
      if (!KEY_PATTERN.test(key)) continue;
      try {
        const stat = statSync(join(this.dir, name));
        entries.push({ key, bytes: stat.size, modifiedAt: stat.mtime });
      } catch {
        // Deleted while listing.
      }
    }
    return entries.sort((a, b) => b.modifiedAt.getTime() - a.modifiedAt.getTime());
  }

  /**
   * Deletes every entry, and temp files left by writers that died (recent ones may belong to a
   * writer in progress and are left alone). Returns what was removed.
   */
  clear(): { removed: number; bytes: number } {
    let removed = 0;
    let bytes = 0;
    const now = Date.now();
    for (const name of this.#names()) {
      const path = join(this.dir, name);
      const isEntry = name.endsWith(ENTRY_SUFFIX) && KEY_PATTERN.test(name.slice(0, -ENTRY_SUFFIX.length));
      const isTemp = name.includes(TEMP_MARK);
      if (!isEntry && !isTemp) continue;
      try {
        const stat = statSync(path);
        if (isTemp && now - stat.mtimeMs < STALE_TEMP_MS) continue;
        unlinkSync(path);
        if (isEntry) {
          removed++;
          bytes += stat.size;
        }
      } catch {
        // Gone already.
      }
    }
    return { removed, bytes };
  }

  stats(): ArtifactCacheStats {
    const entries = this.list();
    return {
      dir: this.dir,
      entries: entries.length,
      bytes: entries.reduce((sum, e) => sum + e.bytes, 0),
      hits: this.#hits,
      misses: this.#misses,
      writes: this.#writes,
      corrupt: this.#corrupt,
    };
  }

  #pathOf(key: string): string {
    return join(this.dir, key + ENTRY_SUFFIX);
  }

  #names(): string[] {
    try {
      return readdirSync(this.dir);
    } catch {
      return [];
    }
  }

  /** Deletes a corrupt entry, unless a writer has already replaced the file we read. */
  #discard(key: string, path: string, inode: number | undefined, reason: string): undefined {
    this.#corrupt++;
    try {
      if (inode === undefined || statSync(path).ino === inode) unlinkSync(path);
    } catch {
      // Already gone or replaced.
    }
    this.#onCorrupt?.({ key, path, reason });
    return undefined;
  }
}

function checkKey(key: string): void {
  // The key becomes a file name: anything but a sha256 in hex could escape the directory.
  if (typeof key !== "string" || !KEY_PATTERN.test(key)) {
    throw new SchemaError("ARTIFACT_KEY_INVALID", "an artifact key is a sha256 in lowercase hex (see artifactKey)", { value: key });
  }
}

function encodeEntry(key: string, artifact: Artifact): Buffer {
  const meta = Buffer.from(JSON.stringify(artifact.meta), "utf8");
  const code = Buffer.from(artifact.code, "utf8");
  const body = Buffer.concat([meta, Buffer.from("\n"), code]);
  const sha = createHash("sha256").update(body).digest("hex");
  const header = Buffer.from(`${MAGIC} ${FORMAT_VERSION} ${key} ${sha} ${meta.length} ${code.length}\n`, "latin1");
  return Buffer.concat([header, body]);
}

/** The artifact, or why the bytes are not a valid entry for `key`. */
function decodeEntry(key: string, bytes: Buffer): Artifact | string {
  const newline = bytes.indexOf(10);
  if (newline < 0 || newline > 512) return "no header line";
  const fields = bytes.toString("latin1", 0, newline).split(" ");
  if (fields.length !== 6 || fields[0] !== MAGIC) return "not a Porta artifact";
  if (fields[1] !== String(FORMAT_VERSION)) return `format version ${fields[1]}, expected ${FORMAT_VERSION}`;
  if (fields[2] !== key) return "entry belongs to another key";
  const metaBytes = Number(fields[4]);
  const codeBytes = Number(fields[5]);
  const body = bytes.subarray(newline + 1);
  if (!Number.isSafeInteger(metaBytes) || !Number.isSafeInteger(codeBytes) || body.length !== metaBytes + 1 + codeBytes) {
    return `truncated: ${body.length} body bytes, header says ${metaBytes + 1 + codeBytes}`;
  }
  if (createHash("sha256").update(body).digest("hex") !== fields[3]) return "checksum mismatch";
  let meta: unknown;
  try {
    meta = JSON.parse(body.toString("utf8", 0, metaBytes));
  } catch {
    return "metadata is not JSON";
  }
  if (typeof meta !== "object" || meta === null || Array.isArray(meta)) return "metadata is not an object";
  return { code: body.toString("utf8", metaBytes + 1), meta: meta as Artifact["meta"] };
}
