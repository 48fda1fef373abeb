import { describe, expect, it } from "vitest";
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { listSuites, runSuite } from "./runner.ts";
import { linearMaxDistance, linearVariants, naiveMaxDistance, plainSum, randomData } from "./suites/max-distance.ts";

const ROOT = join(import.meta.dirname, "..");

describe("max-distance kernels", () => {
  it("the O(N) scan gives exactly the O(N²) answer, for every size and variant", () => {
    for (const n of [0, 1, 2, 3, 4, 5, 7, 8, 9, 100, 1001]) {
      const a = randomData(n, n + 1);
      const expected = naiveMaxDistance(a);
      expect(linearMaxDistance(a)).toBe(expected);
      for (const scan of Object.values(linearVariants)) expect(scan(a)).toBe(expected);
    }
    expect(linearMaxDistance(new Float64Array([-3, 5, -1e300, 1e300]))).toBe(naiveMaxDistance(new Float64Array([-3, 5, -1e300, 1e300])));
    expect(plainSum(new Float64Array([1, 2, 3.5]))).toBe(6.5);
  });
});

describe("bench harness (smoke size: checks it runs, asserts no timing)", () => {
  it("finds the suites by file name", () => {
    expect(listSuites()).toEqual(expect.arrayContaining(["cache", "max-distance"]));
  });

  for (const name of listSuites()) {
    it(`${name}: runs, reports finite ratios and results, writes JSON and SVG`, async () => {
      const out = mkdtempSync(join(tmpdir(), "porta-bench-"));
      try {
        const { output, files } = await runSuite(name, { size: "smoke", outDir: out, log: () => undefined });
        expect(output.bench).toBe(name);
        expect(Object.keys(output.ratios).length).toBeGreaterThan(0);
        for (const value of Object.values(output.ratios)) expect(Number.isFinite(value) && value > 0).toBe(true);
        expect(output.results.length).toBeGreaterThan(0);
        for (const r of output.results) expect(Number.isFinite(r.medianMs) && r.medianMs > 0).toBe(true);
        const written = JSON.parse(readFileSync(join(out, `${name}.json`), "utf8"));
        expect(written).toMatchObject({ bench: name, ratios: output.ratios, size: "smoke" });
        expect(files).toContain(join(out, `${name}.svg`));
        expect(readFileSync(join(out, `${name}.svg`), "utf8")).toMatch(/^<svg[^>]*>.*<\/svg>\n$/s);
      } finally {
        rmSync(out, { recursive: true, force: true });
      }
    });
  }

  it("`bench NAME --json` prints exactly one JSON object on stdout", () => {
    const out = mkdtempSync(join(tmpdir(), "porta-bench-"));
    try {
      const run = spawnSync(
        join(ROOT, "node_modules", ".bin", "tsx"),
        ["--conditions=@porta/source", "bench/run.ts", "max-distance", "--smoke", "--json", "--out", out],
        {
          cwd: ROOT,
          encoding: "utf8",
        },
      );
      expect(run.status, run.stderr).toBe(0);
      const lines = run.stdout.split("\n").filter(Boolean);
      expect(lines).toHaveLength(1);
      const printed = JSON.parse(lines[0]!);
      expect(Object.keys(printed)).toEqual(["bench", "ratios", "results"]);
      expect(printed.bench).toBe("max-distance");
      expect(run.stderr).toContain("== max-distance"); // the table went to stderr
      expect(existsSync(join(out, "max-distance.json"))).toBe(true);
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });

  it("rejects an unknown suite by listing the known ones", async () => {
    await expect(runSuite("nope", { size: "smoke" })).rejects.toThrow(/no benchmark "nope" \(known: .*max-distance/);
  });
});
