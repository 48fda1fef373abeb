/**
 * Batch-size sweep: compiled scoring of one forest at 1, 100, 10k and 1M rows per call, through
 * the columnar API (`scoreColumns` on ready Float64Arrays) and the row API (`scoreBatch` on row
 * objects, which encodes them into columns and decodes result objects). Reports rows/s per size:
 * how much of a call's cost is per call (setup, allocation of output columns, tree-major loops)
 * and how much per row.
 *
 * Ratios: `columnar/rows@<n>` = row-API time ÷ columnar time at n rows (> 1: columnar faster);
 * `throughput@<n>/throughput@1` = columnar rows/s at n ÷ columnar rows/s at one row per call.
 */
import { parsePmml } from "@porta/pmml";
import { pmmlModel } from "@porta/runtime";
import { uniformRows } from "../../fixtures/gen/document.ts";
import { forestText } from "../../fixtures/gen/forest.ts";
import { defineSuite, type BenchResult, type Measurement } from "../harness.ts";
import { checkColumns, compiledView, encodeColumns } from "../pmml-scoring.ts";
import { timeRuns } from "../timing.ts";

/** Results land here so that no call can be optimised away. */
export let sink = 0;

const label = (n: number) => (n >= 1e6 ? `${n / 1e6}M` : n >= 1e3 ? `${n / 1e3}k` : `${n}`);

export default defineSuite({
  name: "batch",
  description: "compiled forest scoring at 1, 100, 10k, 1M rows per call: rows/s, columnar vs row API",
  async run(ctx) {
    const full = ctx.size === "full";
    const spec = { trees: full ? 50 : 3, depth: full ? 6 : 3, features: 10, task: "regression" as const, seed: 1 };
    const pipeline = parsePmml(forestText(spec));
    const model = pmmlModel(pipeline, "js");
    if (model.backend !== "js") throw new Error(`batch: the forest did not compile: ${model.notices.join("; ")}`);
    const compiled = compiledView(model);
    const sizes = full ? [1, 100, 10_000, 1_000_000] : [1, 100, 1000];
    const all = uniformRows(spec.features, sizes[sizes.length - 1]!, 17);
    const allCols = encodeColumns(compiled.compiled, all);
    checkColumns(
      "batch",
      compiled.compiled,
      compiled.scoreColumns(
        1000,
        allCols.map((c) => c.subarray(0, 1000)),
      ),
      compiled.scoreBatch(all.slice(0, 1000)).results,
    );

    const results: BenchResult[] = [];
    const ratios: Record<string, number> = {};
    const columnar = new Map<number, Measurement>();
    const series = { columnar: [] as [number, number][], rows: [] as [number, number][] };
    for (const n of sizes) {
      const rows = all.slice(0, n);
      const cols = allCols.map((c) => c.subarray(0, n));
      ctx.log(`batch: ${label(n)} rows`);
      // Calls of microseconds go through Benchmark.js; whole-batch runs are timed directly.
      const small = n <= 100;
      const mc = small
        ? await ctx.measure(`columnar ${n}`, () => {
            sink += compiled.scoreColumns(n, cols)[0]!.length;
          })
        : timeRuns(ctx.size, () => {
            sink += compiled.scoreColumns(n, cols)[0]!.length;
          });
      const mr = small
        ? await ctx.measure(`rows ${n}`, () => {
            sink += compiled.scoreBatch(rows).results.length;
          })
        : timeRuns(ctx.size, () => {
            sink += compiled.scoreBatch(rows).results.length;
          });
      columnar.set(n, mc);
      results.push({ case: `columnar, ${label(n)} rows per call`, n, ...mc, elementsPerSec: n / (mc.medianMs / 1e3) });
      results.push({ case: `row API, ${label(n)} rows per call`, n, ...mr, elementsPerSec: n / (mr.medianMs / 1e3) });
      ratios[`columnar/rows@${label(n)}`] = Number((mr.medianMs / mc.medianMs).toPrecision(4));
      series.columnar.push([n, n / (mc.medianMs / 1e3)]);
      series.rows.push([n, n / (mr.medianMs / 1e3)]);
    }
    const one = columnar.get(1)!;
    for (const n of sizes.slice(1)) {
      ratios[`throughput@${label(n)}/throughput@1`] = Number((n / columnar.get(n)!.medianMs / (1 / one.medianMs)).toPrecision(4));
    }
    return {
      ratios,
      results,
      chart: {
        kind: "lines",
        title: "Compiled forest: rows/s by rows per call",
        xLabel: "rows per call",
        yLabel: "rows/s",
        series: [
          { name: "columnar", points: series.columnar },
          { name: "row API", points: series.rows },
        ],
      },
      notes: [
        `model: synthetic forest, ${spec.trees} trees × depth ${spec.depth}, ${spec.features} features, regression (average); compiled by compile-js (layout auto)`,
        "columnar: inputs already Float64Array columns (encoded once, outside the timing); row API: row objects in, result objects out",
        "1 and 100 rows: Benchmark.js; 10k and 1M: one warm-up then repeated runs (median), a run over 4 s counted alone",
        "ratios: columnar/rows@n = row-API time ÷ columnar time; throughput@n/throughput@1 = columnar rows/s at n ÷ at 1 row per call",
      ],
    };
  },
});
