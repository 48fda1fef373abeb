import { execFile } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { ArtifactCache, loadModelSync } from "@porta/runtime";
import { forestRows, forestText } from "../fixtures/gen/forest.ts";

const run = promisify(execFile);
const ROOT = join(import.meta.dirname, "..");
const PORTA = join(ROOT, "packages", "cli", "bin", "porta.cjs");

function setup() {
  const dir = mkdtempSync(join(tmpdir(), "porta-artifacts-"));
  const model = join(dir, "forest.pmml");
  writeFileSync(model, forestText({ trees: 12, depth: 6, features: 8, task: "classification", seed: 4 }));
  return { dir, model, cache: new ArtifactCache({ dir: join(dir, "cache") }) };
}

describe("compiled-artifact cache (runtime)", () => {
  it("a second load hits the cache and scores exactly like the first and like the interpreter", () => {
    const { model, cache } = setup();
    const rows = forestRows(8, 200, 9).map((r, i) => (i % 7 === 0 ? { ...r, x2: null } : r));
    const first = loadModelSync(model, { cache });
    const second = loadModelSync(model, { cache });
    expect(first.loadInfo?.artifactCache?.hit).toBe(false);
    expect(second.loadInfo?.artifactCache?.hit).toBe(true);
    expect(second.backend).toBe("js");
    const reference = loadModelSync(model, { backend: "interp" }).scoreBatch(rows).results;
    expect(first.scoreBatch(rows).results).toEqual(reference);
    expect(second.scoreBatch(rows).results).toEqual(reference);
    expect(second.outputFields).toEqual(first.outputFields);
  });

  it("a PFA document lowered into the IR is stored too: the second load restores compile-js's session in the document's row shape", () => {
    const { cache } = setup();
    // titus-kmeans is a program: its artifact is the generated module with what loading it needs
    for (const name of ["forest", "kmeans", "titus-kmeans"]) {
      const text = readFileSync(join(ROOT, "fixtures", "pfa", `${name}.pfa.json`), "utf8");
      const rows = readFileSync(join(ROOT, "fixtures", "pfa", `${name}-input.ndjson`), "utf8")
        .split("\n")
        .filter((l) => l.trim() !== "")
        .slice(0, 50)
        .map((l) => JSON.parse(l) as unknown)
        .map((r) => (Array.isArray(r) ? { input: r } : (r as Record<string, unknown>)));
      const first = loadModelSync(text, { cache, format: "pfa" });
      const second = loadModelSync(text, { cache, format: "pfa" });
      expect([first.loadInfo?.artifactCache?.hit, second.loadInfo?.artifactCache?.hit]).toEqual([false, true]);
      expect([first.backend, second.backend]).toEqual(["js", "js"]);
      expect(second.modelTypes).toEqual(first.modelTypes);
      expect(second.inputFields).toEqual(first.inputFields);
      const engine = loadModelSync(text, { backend: ["pfa"], format: "pfa" }).scoreBatch(rows).results;
      expect(second.scoreBatch(rows).results).toEqual(engine);
      // an array of another length fails in the restored session as in the first
      if (name === "kmeans") expect(() => second.score({ input: [1, 2] })).toThrow(/dimensions of vectors do not match/);
    }
  });

  it("a document loaded from its file (keyed by the file's bytes) and from its text share one artifact", () => {
    const { model, cache } = setup();
    const byPath = loadModelSync(model, { cache });
    const byText = loadModelSync(readFileSync(model, "utf8"), { cache });
    expect(byPath.loadInfo?.artifactCache?.hit).toBe(false);
    expect(byText.loadInfo?.artifactCache?.hit).toBe(true);
    expect(byText.loadInfo?.artifactCache?.key).toBe(byPath.loadInfo?.artifactCache?.key);
  });

  it("a corrupt entry is detected, rebuilt, and never fails the load", () => {
    const { model, cache } = setup();
    loadModelSync(model, { cache });
    const dir = cache.dir;
    const [file] = readdirSync(dir);
    const path = join(dir, file);
    const text = readFileSync(path);
    writeFileSync(path, text.subarray(0, Math.floor(text.length / 2)));
    const reloaded = loadModelSync(model, { cache });
    expect(reloaded.loadInfo?.artifactCache?.hit).toBe(false);
    expect(loadModelSync(model, { cache }).loadInfo?.artifactCache?.hit).toBe(true);
  });

  it("porta score reports the miss, then the hit, with --verbose", async () => {
    const { dir, model } = setup();
    const input = join(dir, "rows.json");
    writeFileSync(input, JSON.stringify(forestRows(8, 5, 1)));
    const env = { ...process.env, PORTA_CACHE_DIR: join(dir, "cli-cache") };
    const a = await run(process.execPath, [PORTA, "score", model, "--input", input, "--verbose"], { env });
    const b = await run(process.execPath, [PORTA, "score", model, "--input", input, "--verbose"], { env });
    expect(a.stderr).toMatch(/artifact cache miss/);
    expect(b.stderr).toMatch(/artifact cache hit/);
    expect(b.stdout).toBe(a.stdout);
    const ls = await run(process.execPath, [PORTA, "cache", "ls"], { env });
    expect(ls.stdout).toMatch(/1 artifacts/);
    const clear = await run(process.execPath, [PORTA, "cache", "clear"], { env });
    expect(clear.stdout).toMatch(/removed 1 artifacts/);
  });
});

import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { parsePmml } from "@porta/pmml";
import { CompiledScorer, compilePipeline, deserializeCompiled, serializeCompiled } from "@porta/compile-js";
import { preprocessDocument, readHarnessCsv, readManifest } from "../packages/cli/src/conformance/pmml.ts";

const CORPUS = resolve(ROOT, process.env.PORTA_CONFORMANCE_DIR ?? "../shared/conformance", "pmml");

if (existsSync(join(CORPUS, "manifest.json"))) {
  describe("every compiled corpus model survives the artifact round trip", () => {
    const { dir, cases } = readManifest(CORPUS);
    for (const c of cases) {
      it(c.id, () => {
        const compiled = compilePipeline(parsePmml(preprocessDocument(readFileSync(join(dir, c.model), "utf8"), c.preprocess)));
        const stored = serializeCompiled(compiled);
        expect(stored, "the artifact is serialisable").toBeDefined();
        const restored = deserializeCompiled(JSON.parse(JSON.stringify(stored)) as typeof stored & object);
        const input = readHarnessCsv(readFileSync(join(dir, c.input), "utf8"));
        const rows = input.rows.map((r) => Object.fromEntries(input.header.map((h, i) => [h, r[i]])));
        const a = new CompiledScorer(compiled).scoreRows(rows);
        const b = new CompiledScorer(restored).scoreRows(rows);
        expect(b.results).toEqual(a.results);
        expect(b.errors.map((e) => e?.code)).toEqual(a.errors.map((e) => e?.code));
      });
    }
  });
}
