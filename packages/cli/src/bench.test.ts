import { describe, expect, it } from "vitest";
import { benchChart, compareResults, formatBenchTable, percentile, type BenchReport } from "./bench.ts";

describe("porta bench: agreement with the reference", () => {
  it("numbers agree within the relative tolerance; the largest difference is kept", () => {
    const out = compareResults(
      [
        { y: 1, p: 0.5 },
        { y: 2, p: 0.25 },
      ],
      [
        { y: 1, p: 0.5 + 1e-12 },
        { y: 2, p: 0.25 },
      ],
      1e-9,
    );
    expect(out).toMatchObject({ rows: 2, agreeing: 2 });
    expect(out.maxRelDiff).toBeGreaterThan(0);
    expect(out.maxRelDiff).toBeLessThan(1e-9);
    expect(out.firstDifference).toBeUndefined();
  });

  it("a value beyond the tolerance, a missing field, a different category or one-sided failure disagrees, naming the first", () => {
    const reference = [{ y: 1 }, { y: "a" }, { y: 3, z: 1 }, null, { y: 5 }];
    const other = [{ y: 1 + 1e-6 }, { y: "b" }, { y: 3 }, { y: 4 }, null];
    const out = compareResults(reference, other, 1e-9);
    expect(out).toMatchObject({ rows: 5, agreeing: 0 });
    expect(out.firstDifference).toBe("row 0: y: 1 vs 1.000001");
  });

  it("both failing agrees; NaN agrees with NaN; nested records compare field by field", () => {
    const out = compareResults([null, { y: Number.NaN }, { o: { a: 1, b: [1, 2] } }], [null, { y: Number.NaN }, { o: { a: 1, b: [1, 2] } }], 0);
    expect(out).toMatchObject({ rows: 3, agreeing: 3, maxRelDiff: 0 });
    expect(compareResults([{ o: { a: 1 } }], [{ o: { a: 1, extra: 2 } }], 0).agreeing).toBe(0);
  });

  it("percentile is nearest-rank", () => {
    const samples = Array.from({ length: 100 }, (_, i) => 100 - i);
    expect(percentile(samples, 0.5)).toBe(50);
    expect(percentile(samples, 0.99)).toBe(99);
    expect(percentile([7], 0.99)).toBe(7);
  });
});

describe("porta bench: table and chart", () => {
  const report: BenchReport = {
    model: "m.pmml",
    input: "rows.csv",
    rows: 10,
    batchRows: 10,
    timeSeconds: 1,
    tolerance: 1e-9,
    reference: "interp",
    backends: [
      {
        backend: "js",
        status: "ok",
        loadMs: 12.5,
        batch: { rows: 10, runs: 3, medianMs: 0.01, rowsPerSecond: 1e6, failedRows: 0 },
        latency: { samples: 5, p50Us: 1, p99Us: 2, api: "score" },
        agreement: { reference: "interp", rows: 10, agreeing: 9, maxRelDiff: 0, firstDifference: "row 3: y: 1 vs 2" },
      },
      {
        backend: "interp",
        status: "ok",
        loadMs: 3,
        batch: { rows: 10, runs: 3, medianMs: 1, rowsPerSecond: 1e4, failedRows: 0 },
        latency: { samples: 5, p50Us: 50, p99Us: 90, api: "score" },
      },
      { backend: "pfa", status: "refused", reason: "scores pfa documents only" },
    ],
  };

  it("one line per backend that scored, the reference marked, disagreements named, refusals with their reason", () => {
    const lines = formatBenchTable(report).split("\n");
    expect(lines[1]).toMatch(/^backend\s+load\+compile ms\s+batch rows\/s \(10 rows\)\s+runs\s+p50 µs\s+p99 µs\s+agreement vs interp$/);
    expect(lines[2]).toMatch(/^js\s+12\.5\s+1,000,000\s+3\s+1\.00\s+2\.00\s+9\/10 .*first: row 3: y: 1 vs 2$/);
    expect(lines[3]).toMatch(/^interp\s.*reference$/);
    expect(lines[4]).toBe("pfa: refused: scores pfa documents only");
  });

  it("a GPU backend's break-even against compile-js is a note with its timings", () => {
    const gpu: BenchReport = {
      ...report,
      backends: [
        {
          backend: "webgpu",
          status: "ok",
          loadMs: 40,
          batch: { rows: 10, runs: 3, medianMs: 1, rowsPerSecond: 1e4, failedRows: 0 },
          latency: { samples: 5, p50Us: 50, p99Us: 90, api: "scoreAsync" },
          breakEven: {
            rows: 4096,
            timings: [
              { rows: 1024, gpuMs: 2, cpuMs: 1 },
              { rows: 4096, gpuMs: 2.5, cpuMs: 4 },
            ],
          },
        },
      ],
    };
    expect(formatBenchTable(gpu).split("\n")).toContain(
      "webgpu: break-even against compile-js: 4096 rows (1024 rows 2.00 vs 1.00 ms, 4096 rows 2.50 vs 4.00 ms)",
    );
  });

  it("the chart has one bar per backend that scored", () => {
    const chart = benchChart(report);
    expect(chart.kind === "bars" && chart.bars.map((b) => [b.label.split(":")[0], b.value])).toEqual([
      ["js", 1e6],
      ["interp", 1e4],
    ]);
  });
});
