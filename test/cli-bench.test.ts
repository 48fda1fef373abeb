/**
 * `porta bench` end to end on the fixture forest (10 trees, 500 rows), with a tiny time budget:
 * the table, the JSON and the chart are checked for shape and agreement, never for timings.
 */
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { BenchReport } from "../packages/cli/src/bench.ts";
import { parseXml } from "../packages/pmml/src/xml.ts";
import { porta, ROOT, tempFiles } from "./porta-cli.ts";

const FOREST = join(ROOT, "fixtures", "pmml", "forest.pmml");
const ROWS = join(ROOT, "fixtures", "pmml", "forest-rows.csv");
const QUICK = ["--time", "0.05", "--batch", "100"];

describe("porta bench", () => {
  it("prints one line per backend that scores the forest, each agreeing with interp, and writes the chart", async () => {
    const svgPath = join(mkdtempSync(join(tmpdir(), "porta-bench-")), "forest.svg");
    const { code, stdout, stderr } = await porta("bench", FOREST, "--input", ROWS, ...QUICK, "--plot", svgPath);
    expect(code, stderr).toBe(0);
    const lines = stdout.trim().split("\n");
    expect(lines[0]).toBe(`porta bench ${FOREST}: 500 rows from ${ROWS}, 0.05 s per backend`);
    expect(lines[1]).toMatch(/^backend\s+load\+compile ms\s+batch rows\/s \(100 rows\)\s+runs\s+p50 µs\s+p99 µs\s+agreement vs interp$/);
    for (const backend of ["js", "onnx"]) expect(lines.find((l) => l.startsWith(`${backend} `))).toMatch(/ 100\/100 \(max rel diff [^)]+\)$/);
    expect(lines.find((l) => l.startsWith("interp "))).toMatch(/ reference$/);
    expect(lines).toContain("pfa: refused: scores pfa documents only");
    expect(lines.at(-1)).toBe(`wrote ${svgPath}`);
    const svg = parseXml(readFileSync(svgPath, "utf8"));
    expect(svg.name).toBe("svg");
    expect(svg.children("rect").length).toBeGreaterThanOrEqual(1 + 2 * 3); // background, a bar and a legend swatch per backend
    expect(svg.children("text").map((t) => t.text())).toEqual(
      expect.arrayContaining([expect.stringMatching(/^js: load /), expect.stringMatching(/^interp: load /)]),
    );
  });

  it("--json prints one object: every backend, refusals with their reason, agreement counts", async () => {
    const { code, stdout, stderr } = await porta("bench", FOREST, "--input", ROWS, ...QUICK, "--backend", "interp,js,pfa", "--json");
    expect(code, stderr).toBe(0);
    const report = JSON.parse(stdout) as BenchReport;
    expect(report).toMatchObject({ rows: 500, batchRows: 100, reference: "interp", tolerance: 1e-9 });
    expect(report.backends.map((b) => [b.backend, b.status])).toEqual([
      ["interp", "ok"],
      ["js", "ok"],
      ["pfa", "refused"],
    ]);
    const js = report.backends[1]!;
    expect(js.status === "ok" && js.agreement).toEqual({ reference: "interp", rows: 100, agreeing: 100, maxRelDiff: 0 });
    for (const b of report.backends) {
      if (b.status !== "ok") continue;
      expect(b.batch.runs).toBeGreaterThanOrEqual(1);
      expect(b.latency.samples).toBeGreaterThanOrEqual(1);
      expect(Number.isFinite(b.batch.rowsPerSecond) && b.loadMs >= 0 && b.latency.p50Us <= b.latency.p99Us).toBe(true);
    }
  });

  it("a PFA document is compared with the PFA engine; compile-js scores it lowered into the IR, bit for bit; the other PMML backends refuse it", async () => {
    const { code, stdout, stderr } = await porta(
      "bench",
      join(ROOT, "fixtures", "pfa", "forest.pfa.json"),
      "--input",
      join(ROOT, "fixtures", "pfa", "forest-input.ndjson"),
      ...QUICK,
      "--json",
    );
    expect(code, stderr).toBe(0);
    const report = JSON.parse(stdout) as BenchReport;
    expect(report.reference).toBe("pfa");
    expect(report.backends.find((b) => b.backend === "pfa")?.status).toBe("ok");
    expect(report.backends.find((b) => b.backend === "js")).toMatchObject({
      status: "ok",
      agreement: { reference: "pfa", rows: 100, agreeing: 100, maxRelDiff: 0 },
    });
    expect(report.backends.find((b) => b.backend === "interp")).toMatchObject({ status: "refused", reason: expect.stringMatching(/pmml/) });
  });

  it("bad options and unreadable rows are one-line errors with their exit code", async () => {
    const time = await porta("bench", FOREST, "--input", ROWS, "--time", "0");
    expect(time.code).toBe(64);
    expect(time.stderr).toMatch(/--time wants a positive number; got "0"/);
    const backend = await porta("bench", FOREST, "--input", ROWS, "--backend", "nope");
    expect(backend.code).toBe(64);
    expect(backend.stderr).toMatch(/unknown backend "nope"/);
    const noHeader = await porta("bench", FOREST, "--input", join(ROOT, "fixtures", "pmml", "iris.csv"), ...QUICK);
    expect(noHeader.code).toBe(65);
    expect(noHeader.stderr).toMatch(/CSV_NO_HEADER/);
    const empty = await porta("bench", FOREST, "--input", tempFiles("porta-bench-").file("empty.csv", "x0,x1,x2,x3,x4,x5\n"), ...QUICK);
    expect(empty.code).toBe(65);
    expect(empty.stderr).toMatch(/^porta: ParseError BENCH_NO_ROWS at \S*empty\.csv: /);
  });
});
