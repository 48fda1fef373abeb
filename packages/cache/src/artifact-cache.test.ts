import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { spawn } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ArtifactCache, artifactKey, defaultCacheDir, type CorruptArtifactReport } from "./artifact-cache.ts";

let root: string;
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), "porta-artifacts-"));
});
afterEach(() => {
  rmSync(root, { recursive: true, force: true });
});

const KEY = artifactKey("<PMML/>", "js", "0.1.0");
const ARTIFACT = { code: "return function score(b) { /* é ✓ */ };\n", meta: { fields: ["a", "b"], compiledMs: 1.5 } };

describe("artifactKey", () => {
  it("is sha256 hex, the same for a string and its UTF-8 bytes", () => {
    expect(KEY).toMatch(/^[0-9a-f]{64}$/);
    expect(artifactKey(Buffer.from("<PMML/>"), "js", "0.1.0")).toBe(KEY);
  });

  it("changes with the document, the backend and the version, and is not fooled by shifted boundaries", () => {
    const keys = [
      KEY,
      artifactKey("<PMML />", "js", "0.1.0"),
      artifactKey("<PMML/>", "onnx", "0.1.0"),
      artifactKey("<PMML/>", "js", "0.1.1"),
      artifactKey("<PMML/>j", "s", "0.1.0"),
      artifactKey("<PMML/>", "js0", ".1.0"),
    ];
    expect(new Set(keys).size).toBe(keys.length);
  });
});

describe("defaultCacheDir", () => {
  it("prefers PORTA_CACHE_DIR, then an absolute XDG_CACHE_HOME, then ~/.cache", () => {
    expect(defaultCacheDir({ PORTA_CACHE_DIR: "/x/porta", XDG_CACHE_HOME: "/xdg" })).toBe("/x/porta");
    expect(defaultCacheDir({ XDG_CACHE_HOME: "/xdg" })).toBe("/xdg/porta");
    expect(defaultCacheDir({ XDG_CACHE_HOME: "relative" })).toMatch(/\.cache\/porta$/);
    expect(defaultCacheDir({})).toMatch(/\.cache\/porta$/);
  });
});

describe("ArtifactCache", () => {
  it("round-trips code and metadata, counting hits and misses", () => {
    const cache = new ArtifactCache({ dir: root });
    expect(cache.get(KEY)).toBeUndefined();
    cache.put(KEY, ARTIFACT);
    expect(cache.get(KEY)).toEqual(ARTIFACT);
    // Another instance (another process) sees the entry.
    expect(new ArtifactCache({ dir: root }).get(KEY)).toEqual(ARTIFACT);
    expect(cache.stats()).toMatchObject({ hits: 1, misses: 1, writes: 1, corrupt: 0, entries: 1, dir: join(root, "artifacts") });
  });

  it("uses PORTA_CACHE_DIR when no dir is given", () => {
    const saved = process.env.PORTA_CACHE_DIR;
    process.env.PORTA_CACHE_DIR = root;
    try {
      expect(new ArtifactCache().dir).toBe(join(root, "artifacts"));
    } finally {
      if (saved === undefined) delete process.env.PORTA_CACHE_DIR;
      else process.env.PORTA_CACHE_DIR = saved;
    }
  });

  it("rejects keys that are not sha256 hex (they become file names)", () => {
    const cache = new ArtifactCache({ dir: root });
    for (const bad of ["../../etc/passwd", KEY.toUpperCase(), KEY.slice(1), ""]) {
      expect(() => cache.get(bad)).toThrow(expect.objectContaining({ code: "ARTIFACT_KEY_INVALID" }));
      expect(() => cache.put(bad, ARTIFACT)).toThrow(expect.objectContaining({ code: "ARTIFACT_KEY_INVALID" }));
    }
  });

  const corruptions: [string, (bytes: Buffer) => Buffer, RegExp][] = [
    ["truncated", (b) => b.subarray(0, b.length - 7), /truncated/],
    ["a flipped bit in the code", (b) => flip(b, b.length - 3), /checksum/],
    ["a flipped bit in the metadata", (b) => flip(b, b.indexOf("fields")), /checksum/],
    ["empty", () => Buffer.alloc(0), /no header/],
    ["garbage", () => Buffer.from("hello\nworld"), /not a Porta artifact/],
    ["another key's entry", (b) => Buffer.from(b.toString("latin1").replace(KEY, "0".repeat(64)), "latin1"), /another key/],
  ];
  for (const [what, damage, reason] of corruptions) {
    it(`treats an entry that is ${what} as a miss, deletes and reports it, and takes a rebuild`, () => {
      const reports: CorruptArtifactReport[] = [];
      const cache = new ArtifactCache({ dir: root, onCorrupt: (r) => reports.push(r) });
      cache.put(KEY, ARTIFACT);
      const path = join(cache.dir, `${KEY}.artifact`);
      writeFileSync(path, damage(readFileSync(path)));
      expect(cache.get(KEY)).toBeUndefined();
      expect(reports).toEqual([expect.objectContaining({ key: KEY, path, reason: expect.stringMatching(reason) })]);
      expect(cache.list()).toEqual([]);
      expect(cache.stats()).toMatchObject({ corrupt: 1, misses: 1, hits: 0 });
      const rebuilt = cache.getOrBuild(KEY, () => ARTIFACT);
      expect(rebuilt.hit).toBe(false);
      expect(cache.getOrBuild(KEY, () => ({ code: "", meta: {} }))).toEqual({ artifact: ARTIFACT, hit: true });
    });
  }

  it("lists entries with sizes and clears them, ignoring foreign files", () => {
    const cache = new ArtifactCache({ dir: root });
    const keys = ["a", "b", "c"].map((d) => artifactKey(d, "js", "0.1.0"));
    for (const key of keys) cache.put(key, { code: "x".repeat(1000), meta: {} });
    writeFileSync(join(cache.dir, "README"), "not an entry");
    const listed = cache.list();
    expect(listed.map((e) => e.key).sort()).toEqual([...keys].sort());
    for (const entry of listed) expect(entry.bytes).toBeGreaterThan(1000);
    expect(cache.stats()).toMatchObject({ entries: 3, bytes: listed.reduce((s, e) => s + e.bytes, 0) });
    expect(cache.clear()).toEqual({ removed: 3, bytes: listed.reduce((s, e) => s + e.bytes, 0) });
    expect(cache.list()).toEqual([]);
    expect(readdirSync(cache.dir)).toEqual(["README"]);
    expect(cache.delete(keys[0]!)).toBe(false);
  });

  it("lists nothing, and clears nothing, before the directory exists", () => {
    const cache = new ArtifactCache({ dir: join(root, "never") });
    expect(cache.list()).toEqual([]);
    expect(cache.clear()).toEqual({ removed: 0, bytes: 0 });
    expect(cache.get(KEY)).toBeUndefined();
  });

  it("leaves no temp file behind, and fails loudly when the directory cannot be written", () => {
    const cache = new ArtifactCache({ dir: root });
    cache.put(KEY, ARTIFACT);
    expect(readdirSync(cache.dir)).toEqual([`${KEY}.artifact`]);
    const blocked = new ArtifactCache({ dir: join(root, "file") });
    writeFileSync(join(root, "file"), "a file where the directory should be");
    expect(() => blocked.put(KEY, ARTIFACT)).toThrow();
    // getOrBuild still returns the build when the store fails.
    expect(blocked.getOrBuild(KEY, () => ARTIFACT)).toEqual({ artifact: ARTIFACT, hit: false });
  });

  it("keeps every entry whole while 4 processes write the same key and this one reads it", async () => {
    const cache = new ArtifactCache({ dir: root });
    const writer = join(import.meta.dirname, "testing", "artifact-writer.ts");
    const tsx = join(import.meta.dirname, "..", "..", "..", "node_modules", ".bin", "tsx");
    const children = [1, 2, 3, 4].map(
      (id) =>
        new Promise<number | null>((resolve, reject) => {
          const child = spawn(tsx, [writer, root, KEY, String(id), "40", String(256 * 1024)], { stdio: ["ignore", "ignore", "inherit"] });
          child.on("error", reject);
          child.on("exit", resolve);
        }),
    );
    let done = false;
    const all = Promise.all(children).finally(() => (done = true));
    let seen = 0;
    while (!done) {
      const artifact = cache.get(KEY);
      if (artifact) {
        seen++;
        const { writer: id, write, lines } = artifact.meta as { writer: number; write: number; lines: number };
        // The code is exactly the one its metadata announces: no mix of two writers.
        expect(artifact.code).toBe(`// writer ${id} write ${write}\n`.repeat(lines));
      }
      await new Promise((resolve) => setImmediate(resolve));
    }
    expect(await all).toEqual([0, 0, 0, 0]);
    expect(cache.stats().corrupt).toBe(0);
    expect(cache.get(KEY)).toBeDefined();
    expect(seen).toBeGreaterThan(0);
    expect(readdirSync(cache.dir)).toEqual([`${KEY}.artifact`]);
  });
});

function flip(bytes: Buffer, at: number): Buffer {
  const copy = Buffer.from(bytes);
  copy[at]! ^= 0x01;
  return copy;
}
