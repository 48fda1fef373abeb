/**
 * Start-up of the built `porta`, as a user's shell sees it: wall time of whole processes (node
 * start-up included), median of ≥ 10 runs each (`full`), for `porta --help` and `porta score` on
 * the iris fixture, and the cost of `import("porta")` measured inside a fresh process (around the
 * import only). The same commands through the old path (tsx compiling the TypeScript sources at
 * every start, `PORTA_SOURCE=1`) and a bare `node -e 0` are measured for comparison.
 *
 * Needs the build (`npm run build`; `npm ci` runs it): it measures packages/cli/dist, the bin
 * running the front bundle (dist/main.bundle.cjs) when it is newer than the modules it holds.
 *
 * Ratios: `help-ms`, `score-ms`, `import-ms` are the medians themselves in ms (bounds: 150, 300,
 * 100); `tsx/built help` and `tsx/built score` how many times slower the old path starts.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { defineSuite, type BenchResult } from "../harness.ts";
import { measurementOf } from "../timing.ts";

const ROOT = join(import.meta.dirname, "..", "..");
const BIN = join(ROOT, "packages", "cli", "bin", "porta.cjs");
const IRIS = ["score", join(ROOT, "fixtures", "pmml", "iris-tree.pmml"), "--input", join(ROOT, "fixtures", "pmml", "iris.csv")];
const IMPORT_COST = `const t = performance.now(); await import("porta"); process.stdout.write(String(performance.now() - t));`;

export default defineSuite({
  name: "cli",
  description: 'cold start of the built porta (--help, score iris), import("porta"), against the old tsx path',
  async run(ctx) {
    if (!existsSync(join(ROOT, "packages", "cli", "dist", "main.bundle.cjs"))) throw new Error("cli: packages/cli/dist is not built (npm run build)");
    const full = ctx.size === "full";
    const runs = full ? 15 : 2;
    const tsxRuns = full ? 10 : 1;
    const tmp = mkdtempSync(join(tmpdir(), "porta-bench-cli-"));
    // PORTA_SOURCE unset: the bin runs dist/ (the test suite sets it for the CLI tests).
    const env = { ...process.env, PORTA_SOURCE: undefined, NODE_OPTIONS: undefined, PORTA_CACHE_DIR: join(tmp, "cache") };
    const wall = (args: string[], extra: Record<string, string> = {}): number => {
      const t = performance.now();
      const run = spawnSync(process.execPath, args, { cwd: ROOT, env: { ...env, ...extra }, encoding: "utf8", maxBuffer: 1 << 24 });
      const ms = performance.now() - t;
      if (run.status !== 0) throw new Error(`cli: node ${args.join(" ")} exited ${run.status ?? run.signal}: ${run.stderr.slice(-2000)}`);
      return ms;
    };
    const times = (n: number, args: string[], extra?: Record<string, string>) => Array.from({ length: n }, () => wall(args, extra));
    try {
      wall([BIN, ...IRIS]); // fills the artifact cache: the score runs below are the usual repeat run
      const node = measurementOf(times(runs, ["-e", "0"]));
      ctx.log(`cli: ${runs} runs of each command`);
      const help = measurementOf(times(runs, [BIN, "--help"]));
      const score = measurementOf(times(runs, [BIN, ...IRIS]));
      const scoreNoCache = measurementOf(times(runs, [BIN, ...IRIS, "--no-cache"]));
      const importMs: number[] = [];
      for (let i = 0; i < runs; i++) {
        const run = spawnSync(process.execPath, ["--input-type=module", "-e", IMPORT_COST], { cwd: ROOT, env, encoding: "utf8" });
        if (run.status !== 0) throw new Error(`cli: import("porta") failed: ${run.stderr.slice(-2000)}`);
        importMs.push(Number(run.stdout));
      }
      const imported = measurementOf(importMs);
      ctx.log(`cli: the old tsx path, ${tsxRuns} runs each`);
      const tsxHelp = measurementOf(times(tsxRuns, [BIN, "--help"], { PORTA_SOURCE: "1" }));
      const tsxScore = measurementOf(times(tsxRuns, [BIN, ...IRIS], { PORTA_SOURCE: "1" }));
      const results: BenchResult[] = [
        { case: "node -e 0 (node start-up alone)", ...node },
        { case: "porta --help", ...help },
        { case: "porta score iris (artifact cache warm)", ...score },
        { case: "porta score iris --no-cache", ...scoreNoCache },
        { case: 'import("porta") inside the process', ...imported },
        { case: "tsx sources: porta --help", ...tsxHelp },
        { case: "tsx sources: porta score iris", ...tsxScore },
      ];
      const ms = (x: number) => Number(x.toPrecision(4));
      return {
        ratios: {
          "help-ms": ms(help.medianMs),
          "score-ms": ms(score.medianMs),
          "import-ms": ms(imported.medianMs),
          "tsx/built help": ms(tsxHelp.medianMs / help.medianMs),
          "tsx/built score": ms(tsxScore.medianMs / score.medianMs),
        },
        results,
        chart: {
          kind: "bars",
          title: "porta start-up (ms, median, log scale)",
          yLabel: "ms",
          bars: results.map((r) => ({ label: r.case.replace(/ \(.*$/, ""), value: r.medianMs })),
        },
        notes: [
          `wall time of whole processes started with spawnSync (node start-up included: node -e 0 alone is ${node.medianMs.toFixed(0)} ms here), median of ${runs} runs (${tsxRuns} for the tsx path)`,
          'import-ms: performance.now() around `await import("porta")` in a fresh process, so node start-up is not counted',
          "score runs with a warm artifact cache (a temp PORTA_CACHE_DIR filled once) unless --no-cache; iris is 150 rows",
          `${cpus().length} cores, 1-minute load average ${loadavg()[0]!.toFixed(2)} at the end (start-up times are sensitive to a busy machine)`,
        ],
      };
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  },
});
